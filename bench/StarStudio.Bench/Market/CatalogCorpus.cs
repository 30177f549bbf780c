using System.Text.Json;

namespace StarStudio.Bench.Market;

/// <summary>One generated skill: what its published version says and its standing.</summary>
internal sealed record GeneratedSkill(
    string Name, string Description, string DescriptionEn, string Category, string Icon, string Pricing, decimal Price, string Examples,
    decimal RatingAvg, int RatingCount, int Subscribers, long Calls, int AgeDays);

/// <summary>
/// Realistic catalog text from word lists: per category, Chinese and English product nouns, feature phrases and the
/// questions users ask, combined with shared prefixes, suffixes and fillers (cities, currencies, languages...). Seeded,
/// so every run builds the same catalog.
/// </summary>
internal static class CatalogCorpus
{
    private sealed record Topic(string Key, string Icon, string[] ZhNouns, string[] EnNouns, string[] ZhFeatures, string[] EnFeatures, string[] Questions);

    private static readonly string[] Cities = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安", "南京", "重庆", "苏州", "天津", "长沙", "青岛", "厦门", "昆明"];
    private static readonly string[] CitiesEn = ["Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Chengdu", "Hangzhou", "Wuhan", "Xi'an", "Nanjing", "Chongqing"];
    private static readonly string[] ZhPrefixes = ["智能", "极速", "专业", "全能", "轻量", "实时", "精准", "便捷", "开放", "小星", "云端", "随身"];
    private static readonly string[] ZhSuffixes = ["助手", "工具", "查询", "服务", "接口", "引擎", "大师", "专家", "通", "宝"];
    private static readonly string[] EnPrefixes = ["Smart", "Quick", "Pro", "Open", "Live", "Easy", "Precise", "Pocket", "Cloud", "Star"];
    private static readonly string[] EnSuffixes = ["API", "Tool", "Helper", "Service", "Engine", "Finder", "Hub", "Kit"];

    private static readonly Topic[] Topics =
    [
        new("weather", "🌤", ["天气预报", "空气质量", "降雨预警", "气温查询", "台风追踪", "紫外线指数"], ["Weather Forecast", "Air Quality", "Rain Alert", "Temperature", "Typhoon Tracker"],
            ["提供{city}未来七天的天气预报", "逐小时气温和降水概率", "空气质量指数与污染物浓度", "暴雨和高温预警推送", "穿衣和出行建议"],
            ["seven-day weather forecast for {cityEn}", "hourly temperature and chance of rain", "air quality index and pollutants", "storm and heat warnings"],
            ["{city}明天会下雨吗", "今天{city}的气温是多少", "{city}这周适合出门吗", "{city}空气质量怎么样"]),
        new("calculator", "🧮", ["科学计算器", "单位换算", "房贷计算", "个税计算", "统计分析", "公式求解"], ["Calculator", "Unit Converter", "Mortgage Calculator", "Tax Calculator", "Statistics"],
            ["支持四则运算和科学函数", "长度、重量、温度等单位换算", "等额本息和等额本金还款计算", "个人所得税速算", "均值、方差和回归分析"],
            ["arithmetic and scientific functions", "convert length, weight and temperature units", "mortgage repayment schedules", "income tax estimates"],
            ["帮我算一下贷款每月还多少", "一百华氏度是多少摄氏度", "这组数据的平均值是多少", "年薪三十万要交多少税"]),
        new("search", "🔎", ["网页搜索", "新闻检索", "学术搜索", "图片搜索", "商品比价"], ["Web Search", "News Search", "Scholar Search", "Image Search", "Price Compare"],
            ["检索最新的网页和新闻", "按关键词搜索学术论文", "比较各大电商平台的价格", "返回标题、摘要和链接"],
            ["search the web and the latest news", "find academic papers by keyword", "compare prices across shops"],
            ["最近有什么科技新闻", "帮我找关于大模型的论文", "这款耳机哪里买最便宜"]),
        new("library", "📚", ["图书检索", "馆藏查询", "借阅管理", "电子书目录", "书评推荐"], ["Library Catalogue", "Book Finder", "Loan Manager", "E-book Index", "Reading List"],
            ["按书名、作者或 ISBN 检索{city}图书馆馆藏", "查看借阅状态和归还日期", "推荐相似的图书", "电子书和有声书目录"],
            ["search the {cityEn} library catalogue by title, author or ISBN", "check loans and due dates", "recommend similar books"],
            ["图书馆有没有《三体》", "这本书什么时候要还", "推荐几本科幻小说"]),
        new("translation", "🌐", ["中英翻译", "多语种翻译", "文档翻译", "术语词典", "同声传译"], ["Translator", "Multilingual Translation", "Document Translation", "Glossary"],
            ["中文与英文互译", "支持日语、韩语、法语等二十种语言", "保留格式的文档翻译", "行业术语词典"],
            ["translate between Chinese and English", "twenty languages including Japanese and French", "document translation that keeps formatting"],
            ["把这句话翻译成英文", "这个词用日语怎么说", "帮我翻译这份合同"]),
        new("finance", "💹", ["股票行情", "汇率换算", "基金净值", "黄金价格", "记账助手"], ["Stock Quotes", "Currency Exchange", "Fund Prices", "Gold Price", "Expense Tracker"],
            ["实时股票行情和K线", "人民币与美元、欧元等汇率换算", "基金净值和历史走势", "黄金和原油价格"],
            ["real-time stock quotes and charts", "currency exchange between yuan, dollar and euro", "fund prices and history"],
            ["今天美元兑人民币汇率多少", "茅台的股价是多少", "这只基金最近涨了吗"]),
        new("education", "🎓", ["单词记忆", "作文批改", "数学解题", "古诗词", "题库练习"], ["Vocabulary", "Essay Grader", "Math Solver", "Classical Poetry", "Quiz Bank"],
            ["背单词和例句", "作文语法检查与评分", "分步讲解数学题", "古诗词赏析和默写"],
            ["vocabulary with example sentences", "essay grammar checks and scores", "step-by-step math solutions"],
            ["这道方程怎么解", "帮我批改这篇作文", "静夜思的作者是谁"]),
        new("productivity", "🗂", ["日程管理", "待办清单", "会议纪要", "邮件助手", "文件转换"], ["Calendar", "To-do List", "Meeting Notes", "Email Helper", "File Converter"],
            ["创建和提醒日程", "管理待办事项", "自动生成会议纪要", "PDF 与 Word 互转"],
            ["create events and reminders", "manage to-do lists", "meeting notes and summaries", "convert PDF and Word files"],
            ["提醒我明天下午三点开会", "把这份PDF转成Word", "帮我写一封请假邮件"]),
        new("entertainment", "🎬", ["电影推荐", "音乐搜索", "游戏攻略", "笑话大全", "星座运势"], ["Movie Picks", "Music Search", "Game Guides", "Jokes", "Horoscope"],
            ["根据口味推荐电影", "搜索歌曲和歌词", "热门游戏攻略", "每日星座运势"],
            ["movie recommendations by taste", "find songs and lyrics", "guides for popular games"],
            ["最近有什么好看的电影", "这首歌的歌词是什么", "讲个笑话"]),
        new("travel", "✈️", ["航班动态", "火车票查询", "酒店预订", "景点门票", "地图导航"], ["Flight Status", "Train Tickets", "Hotel Booking", "Attractions", "Maps"],
            ["查询航班起降和延误", "火车票余票和时刻表", "{city}酒店价格比较", "景点门票和开放时间"],
            ["flight arrivals, departures and delays", "train timetables and tickets", "hotel prices in {cityEn}"],
            ["明天去{city}的高铁还有票吗", "这个航班延误了吗", "{city}有什么好玩的景点"]),
        new("health", "🩺", ["健康咨询", "饮食热量", "运动记录", "用药提醒", "睡眠分析"], ["Health Advice", "Calorie Counter", "Workout Log", "Medication Reminder", "Sleep Tracker"],
            ["常见症状的健康建议", "食物热量和营养成分", "记录跑步和健身", "按时提醒服药"],
            ["advice on common symptoms", "calories and nutrition of foods", "log runs and workouts"],
            ["一碗米饭有多少热量", "感冒了应该注意什么", "提醒我每天晚上吃药"]),
        new("other", "🧩", ["快递查询", "垃圾分类", "节假日查询", "二维码生成", "随机数"], ["Parcel Tracking", "Recycling Guide", "Holiday Calendar", "QR Codes", "Random Numbers"],
            ["查询快递物流轨迹", "垃圾分类指南", "法定节假日安排", "生成二维码"],
            ["track parcels", "sort household waste", "public holiday calendar", "generate QR codes"],
            ["我的快递到哪了", "电池属于什么垃圾", "明年春节放几天假"]),
    ];

    /// <summary>The query set: what users type, in Chinese and in English.</summary>
    public static readonly string[] ZhQueries =
    [
        "天气预报", "明天会下雨吗", "汇率换算", "股票行情", "图书馆藏书", "中英翻译", "快递查询", "火车票", "单位换算", "电影推荐",
        "空气质量", "数学解题", "酒店预订", "饮食热量", "会议纪要", "北京天气",
    ];

    public static readonly string[] EnQueries =
    [
        "weather forecast", "currency exchange", "stock quotes", "library catalogue", "translate", "parcel tracking", "train tickets",
        "unit converter", "movie recommendations", "air quality", "math solver", "hotel prices", "calories", "meeting notes", "flight delays", "ISBN",
    ];

    public static GeneratedSkill Make(Random rng)
    {
        var t = Topics[rng.Next(Topics.Length)];
        var city = Pick(rng, Cities);
        var cityEn = Pick(rng, CitiesEn);
        var noun = Pick(rng, t.ZhNouns);
        var name = rng.Next(3) switch
        {
            0 => Pick(rng, ZhPrefixes) + noun,
            1 => noun + Pick(rng, ZhSuffixes),
            _ => Pick(rng, ZhPrefixes) + noun + Pick(rng, ZhSuffixes),
        };
        if (name.Length > 20)
        {
            name = name[..20];
        }

        var features = t.ZhFeatures.OrderBy(_ => rng.Next()).Take(2 + rng.Next(2)).Select(f => f.Replace("{city}", city, StringComparison.Ordinal));
        var description = string.Join("；", features) + "。";
        var enFeatures = t.EnFeatures.OrderBy(_ => rng.Next()).Take(2).Select(f => f.Replace("{cityEn}", cityEn, StringComparison.Ordinal));
        var descriptionEn = $"{Pick(rng, EnPrefixes)} {Pick(rng, t.EnNouns)} {Pick(rng, EnSuffixes)}: " + string.Join("; ", enFeatures) + ".";
        var examples = t.Questions.OrderBy(_ => rng.Next()).Take(1 + rng.Next(3))
            .Select(q => new { question = q.Replace("{city}", Pick(rng, Cities), StringComparison.Ordinal), arguments = new { city }, note = "" })
            .ToList();
        var pricing = rng.Next(10) switch { < 5 => "free", < 8 => "usage", _ => "subscription" };
        var price = pricing switch { "usage" => Math.Round((decimal)rng.Next(1, 50) / 100, 2), "subscription" => rng.Next(3, 100) - 0.1m, _ => 0m };
        var ratingCount = rng.Next(4) == 0 ? 0 : rng.Next(1, 400);
        var rating = ratingCount == 0 ? 0 : Math.Round((decimal)(2 + rng.NextDouble() * 3), 2);
        // Popularity is heavy-tailed, as in any store: most skills are rarely called, a few very often.
        var calls = (long)Math.Floor(Math.Pow(10, rng.NextDouble() * 6));
        return new GeneratedSkill(name, description, descriptionEn, t.Key, t.Icon, pricing, price, JsonSerializer.Serialize(examples),
            rating, ratingCount, rng.Next(0, 500), calls, rng.Next(0, 720));
    }

    private static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];
}
