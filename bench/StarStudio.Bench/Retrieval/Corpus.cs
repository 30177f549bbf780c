using System.Text;

namespace StarStudio.Bench.Retrieval;

/// <summary>
/// Synthetic but text-like knowledge. The vocabularies are grouped into subject domains (one line each);
/// a topic is a skewed choice of words of one domain plus a few from anywhere; a chunk is sentences of
/// topic words, other words of the domain, Zipf-distributed general words (common words every subject uses
/// first, then all subject words) and function words; a question
/// is a short sentence on one of a star's topics. So similarity is graded (same topic, same domain,
/// unrelated) as in real text, and near neighbours sit close together, which is what makes approximate
/// search on text embeddings hard. Deterministic for a seed.
/// </summary>
internal sealed class Corpus
{
    private static readonly string[][] EnglishDomains = """
        paper leaf binding spine cover board thread needle glue paste starch wheat mulberry bamboo fibre pulp mould
        sheet folio quire signature sewing stitch leather vellum parchment goatskin calf tanning gilding tooling gold
        ink pigment brush stone grinding carbon soot lamp pine oil seal stamp scroll mount silk brocade wooden case
        repair mend tear hole insect worm mildew acid alkaline deacidify buffer humidity temperature light storage box
        archive library catalogue manuscript edition printing press type block woodblock movable copper plate engraving
        star planet moon comet asteroid meteor galaxy nebula cluster orbit eclipse transit telescope lens mirror
        aperture focal spectrum redshift luminosity magnitude parallax distance light year constellation zodiac solstice
        equinox calendar observatory astronomer dwarf giant supernova pulsar quasar black hole horizon radiation gravity
        tea leaf green oolong black roast pan firing oxidation harvest spring picking withering rolling aroma cup kettle
        water porcelain clay kiln glaze celadon cobalt blue firing vase bowl plate dragon pattern workshop potter wheel
        calligraphy stroke script seal clerk running cursive regular brush hair wolf goat rabbit inkstone paper scroll
        poem poet dynasty emperor court minister scholar exam essay classic commentary annotation preface volume chapter
        river mountain lake forest valley bridge canal road city wall gate temple pagoda garden courtyard pavilion hall
        rice wheat millet soybean cotton hemp silkworm loom weaving dye indigo madder market trade merchant silver coin
        medicine herb root bark ginseng acupuncture pulse remedy doctor patient fever cough dose decoction pill powder
        bread dough yeast sourdough flour oven crust fermentation starter loaf kneading proofing salt sugar butter
        volcano lava magma eruption crater ash basalt granite earthquake fault plate tectonic mantle crust sediment fossil
        coral reef ocean current tide wave salinity plankton whale dolphin shark fishing harbour ship sail navigation
        bee hive honey pollen nectar colony queen worker flower garden orchard apple pear plum blossom seed soil
        chess opening gambit pawn knight bishop rook queen king castle endgame tactic strategy tournament rating player
        runner marathon training pace tempo interval recovery injury shoe race mile kilometre heart endurance muscle
        photosynthesis chlorophyll leaf carbon dioxide oxygen glucose cell membrane enzyme protein gene mutation species
        computer program code compiler database index query vector search memory cache thread network server client
        museum exhibition collection curator conservation restoration conservator treatment survey condition report
        """.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();

    private static readonly string[] EnglishFunction =
        ["the", "of", "and", "to", "in", "is", "was", "for", "with", "as", "by", "on", "that", "from", "which", "are", "be", "its", "their", "this", "a", "an", "after", "before", "into", "when", "were", "it", "can", "often"];

    private static readonly string[][] ChineseDomains = """
        古籍 修复 纸张 竹纸 皮纸 宣纸 桑皮 构皮 浆糊 淀粉 小麦 托裱 揭裱 补洞 溜口 衬纸 书页 书脊 书衣 书签 装订 线装
        四眼 六眼 蝴蝶装 包背装 经折装 卷轴 册页 函套 夹板 樟木 防虫 虫蛀 霉斑 酸化 脱酸 温度 湿度 光照 库房 善本 版本
        刻本 抄本 活字 雕版 印刷 毕昇 泥活字 木活字 铜活字 造纸 蔡伦 纸浆 抄纸 晒纸 帘纹 纤维 墨迹 朱砂 印章 题跋 藏书
        天文 星宿 二十八宿 北斗 恒星 行星 彗星 流星 月亮 太阳 日食 月食 轨道 望远镜 镜片 反射 折射 口径 焦距 光谱 红移
        星系 星云 银河 黑洞 视界 引力 辐射 超新星 脉冲星 类星体 星等 视差 光年 星座 黄道 节气 历法 观象台 浑仪 日晷
        绿茶 红茶 乌龙 龙井 碧螺春 普洱 炒青 杀青 揉捻 发酵 烘焙 茶叶 茶园 采摘 清明 茶香 茶汤 茶具 紫砂 盖碗
        瓷器 青瓷 白瓷 青花 釉色 窑口 景德镇 龙泉 烧制 胎土 钴料 纹饰 花瓶 瓷碗 工匠 作坊 拉坯 修坯 施釉 窑温
        书法 楷书 行书 草书 隶书 篆书 笔画 毛笔 狼毫 羊毫 兼毫 砚台 端砚 歙砚 松烟 油烟 墨锭 研墨 碑帖 临摹
        诗词 诗人 朝代 皇帝 宫廷 大臣 学者 科举 文章 经典 注释 序言 卷帙 章节 山水 河流 湖泊 森林 桥梁 运河 城墙
        寺庙 宝塔 园林 庭院 亭台 楼阁 稻米 小米 大豆 棉花 蚕桑 织布 染料 靛蓝 市场 商人 白银 铜钱 丝绸 瓷器
        中药 草药 人参 针灸 脉象 药方 医生 病人 发热 咳嗽 剂量 煎药 药丸 面包 面团 酵母 面粉 烤箱 发酵 盐 糖 黄油
        火山 熔岩 岩浆 喷发 火山口 火山灰 玄武岩 花岗岩 地震 断层 板块 地幔 地壳 沉积 化石 珊瑚 礁石 海洋 洋流 潮汐
        蜜蜂 蜂巢 蜂蜜 花粉 花蜜 蜂群 蜂王 工蜂 花朵 果园 苹果 梨树 梅花 种子 土壤 象棋 围棋 开局 棋子 残局 战术
        马拉松 训练 配速 间歇 恢复 伤病 跑鞋 比赛 耐力 肌肉 光合作用 叶绿素 二氧化碳 氧气 葡萄糖 细胞 酶 蛋白质 基因
        计算机 程序 代码 编译器 数据库 索引 查询 向量 检索 内存 缓存 线程 网络 服务器 博物馆 展览 藏品 策展 保护 修缮
        """.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();

    private static readonly string[] EnglishWords = EnglishDomains.SelectMany(d => d).Distinct().ToArray();
    private static readonly string[] ChineseWords = ChineseDomains.SelectMany(d => d).Distinct().ToArray();

    // Common content words that every subject uses, most frequent first (they head the Zipf ranking).
    private static readonly string[] EnglishGeneral = """
        use used make made time first new different important part large small high long early later common
        process method result show shows include includes provide form forms type types number way work works
        years century period level point change changes quality material materials surface structure system
        method methods effect effects condition conditions area areas example case cases group groups order
        side end place set sets value values size shape colour color early modern traditional original special
        main major general simple complex natural human local central particular similar certain possible
        develop developed known called produce produced remain remains require required allow allows keep kept
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();

    private static readonly string[] ChineseGeneral = """
        使用 进行 可以 需要 通过 方法 过程 时间 重要 不同 问题 主要 一般 已经 开始 形成 发展 影响 作用 情况
        方面 特点 部分 结构 材料 表面 质量 系统 条件 地区 例如 时期 传统 现代 原来 特殊 简单 复杂 自然 人们
        常见 称为 产生 保持 要求 允许 具有 包括 提供 变化 大小 形状 颜色 数量 方式 类型 水平 效果 结果 成为
        采用 利用 由于 因此 以及 其中 之后 之前 同时 根据 一些 许多 各种 这种 这些 那些 所有 每个 整个 一定
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();

    private static readonly string[] ChineseFunction = ["的", "了", "在", "是", "和", "与", "把", "被", "对", "从", "以", "而", "也", "都", "中", "上", "将", "其", "之", "为"];

    // Every word's general frequency follows Zipf's law over a fixed random ranking, as words of real text do.
    private static readonly string[] EnglishByRank = [.. EnglishGeneral, .. Ranked(EnglishWords, 11)];
    private static readonly string[] ChineseByRank = [.. ChineseGeneral, .. Ranked(ChineseWords, 12)];

    private readonly Topic[] topics;

    /// <param name="topicCount">Topics in all; each belongs to one domain (a line of the vocabularies above).</param>
    public Corpus(int topicCount, int seed)
    {
        var random = new Random(seed);
        topics = new Topic[topicCount];
        for (var i = 0; i < topicCount; i++)
        {
            var domain = i % DomainCount;
            topics[i] = new Topic(
                domain,
                [.. Pick(random, EnglishDomains[domain % EnglishDomains.Length], 10), .. Pick(random, EnglishWords, 4)],
                [.. Pick(random, ChineseDomains[domain % ChineseDomains.Length], 10), .. Pick(random, ChineseWords, 4)]);
        }
    }

    /// <summary>Subject areas: a star's knowledge covers a few of them, and each topic lies in one.</summary>
    public const int DomainCount = 24;

    public int TopicCount => topics.Length;

    /// <summary>The topics of <paramref name="domains"/>.</summary>
    public int[] TopicsOf(IEnumerable<int> domains)
    {
        var set = domains.ToHashSet();
        return Enumerable.Range(0, topics.Length).Where(i => set.Contains(topics[i].Domain)).ToArray();
    }

    /// <summary>A chunk of one topic, in one language; about 80–140 words or 150–260 characters.</summary>
    public string Chunk(Random random, int topic, bool chinese)
    {
        var t = topics[topic];
        var sb = new StringBuilder(chinese ? 600 : 900);
        if (chinese)
        {
            var target = random.Next(150, 260);
            while (sb.Length < target)
            {
                ChineseSentence(sb, random, t, random.Next(6, 14));
            }
        }
        else
        {
            var words = 0;
            var target = random.Next(80, 140);
            while (words < target)
            {
                var n = random.Next(8, 18);
                EnglishSentence(sb, random, t, n);
                words += n;
            }
        }

        return sb.ToString();
    }

    /// <summary>A question-like sentence on one topic.</summary>
    public string Question(Random random, int topic, bool chinese)
    {
        var t = topics[topic];
        var sb = new StringBuilder();
        if (chinese)
        {
            ChineseSentence(sb, random, t, random.Next(4, 9), question: true);
        }
        else
        {
            EnglishSentence(sb, random, t, random.Next(6, 12), question: true);
        }

        return sb.ToString();
    }

    /// <summary>A long chunk (about 500 cl100k tokens) for the embedding throughput measurement.</summary>
    public string LongChunk(Random random, int topic)
    {
        var t = topics[topic];
        var sb = new StringBuilder(3000);
        // Half English, half Chinese, as the mixed documents of a Chinese-first app are.
        var words = 0;
        while (words < 190)
        {
            var n = random.Next(8, 18);
            EnglishSentence(sb, random, t, n);
            words += n;
        }

        var start = sb.Length;
        while (sb.Length - start < 230)
        {
            ChineseSentence(sb, random, t, random.Next(6, 14));
        }

        return sb.ToString();
    }

    private static string[] Ranked(string[] words, int seed)
    {
        var copy = (string[])words.Clone();
        new Random(seed).Shuffle(copy);
        return copy;
    }

    private static string[] Pick(Random random, string[] from, int n)
    {
        var copy = (string[])from.Clone();
        random.Shuffle(copy);
        return copy[..Math.Min(n, copy.Length)];
    }

    // Skewed choice: the first words of a list come up far more often, as a subject's key terms do.
    private static string Skewed(Random random, string[] words)
    {
        var u = random.NextDouble();
        return words[(int)(u * u * words.Length)];
    }

    // Zipf (s = 1) over the general ranking: P(rank r) ∝ 1/r, sampled by inverting the harmonic CDF approximately.
    private static string Zipf(Random random, string[] byRank)
    {
        var r = (int)Math.Exp(random.NextDouble() * Math.Log(byRank.Length + 1)) - 1;
        return byRank[Math.Clamp(r, 0, byRank.Length - 1)];
    }

    private static string ContentWord(Random random, Topic t, bool chinese, bool question)
    {
        var domain = chinese ? ChineseDomains[t.Domain % ChineseDomains.Length] : EnglishDomains[t.Domain % EnglishDomains.Length];
        var r = random.NextDouble();
        if (question)
        {
            return r < 0.65 ? Skewed(random, chinese ? t.Chinese : t.English)
                : r < 0.8 ? domain[random.Next(domain.Length)]
                : Zipf(random, chinese ? ChineseByRank : EnglishByRank);
        }

        return r < 0.4 ? Skewed(random, chinese ? t.Chinese : t.English)
            : r < 0.6 ? domain[random.Next(domain.Length)]
            : Zipf(random, chinese ? ChineseByRank : EnglishByRank);
    }

    private static void EnglishSentence(StringBuilder sb, Random random, Topic t, int words, bool question = false)
    {
        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        if (question)
        {
            sb.Append(random.Next(3) switch { 0 => "How", 1 => "What", _ => "Why" }).Append(' ');
        }

        for (var i = 0; i < words; i++)
        {
            var w = random.NextDouble() < (question ? 0.15 : 0.3)
                ? EnglishFunction[random.Next(EnglishFunction.Length)]
                : ContentWord(random, t, chinese: false, question);
            if (i == 0 && !question)
            {
                sb.Append(char.ToUpperInvariant(w[0])).Append(w.AsSpan(1));
            }
            else
            {
                sb.Append(w);
            }

            if (i < words - 1)
            {
                sb.Append(random.Next(12) == 0 ? ", " : " ");
            }
        }

        sb.Append(question ? '?' : '.');
    }

    private static void ChineseSentence(StringBuilder sb, Random random, Topic t, int words, bool question = false)
    {
        for (var i = 0; i < words; i++)
        {
            sb.Append(ContentWord(random, t, chinese: true, question));
            if (random.NextDouble() < (question ? 0.15 : 0.35))
            {
                sb.Append(ChineseFunction[random.Next(ChineseFunction.Length)]);
            }
        }

        sb.Append(question ? "？" : random.Next(3) == 0 ? "，" : "。");
    }

    private sealed record Topic(int Domain, string[] English, string[] Chinese);
}
