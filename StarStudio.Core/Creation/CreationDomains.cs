namespace StarStudio.Core.Creation;

/// <summary>A common 星域 the offline drafter recognises, with the templates it fills in Chinese and English.</summary>
/// <param name="Key">Stable id (also the <c>Creation.Domain.*</c> suffix).</param>
/// <param name="Zh">The domain as stored when the idea is Chinese.</param>
/// <param name="En">The domain as stored when the idea is English.</param>
/// <param name="Keywords">Lower-case words that name the domain in an idea or a persona (Chinese and English).</param>
/// <param name="Role">(zh, en) who such a star is: "历史讲解员" / "history guide".</param>
/// <param name="Boundaries">(zh, en) default boundaries, or empty where the domain has no obvious risk (the owner writes them).</param>
/// <param name="Questions">(zh, en) three sample questions.</param>
/// <param name="Documents">(zh, en) what to upload: document kinds and topics.</param>
public sealed record CreationDomain(
    string Key,
    string Zh,
    string En,
    IReadOnlyList<string> Keywords,
    (string Zh, string En) Role,
    (string Zh, string En) Boundaries,
    IReadOnlyList<(string Zh, string En)> Questions,
    IReadOnlyList<(string Zh, string En)> Documents);

/// <summary>
/// The keyword tables of the offline drafter (docs/creation-assistant.md): common domains, tone words and audience
/// words. A table, not a model: an idea that uses none of these words gets empty anchors and is told so.
/// </summary>
public static class CreationDomains
{
    public static readonly IReadOnlyList<CreationDomain> All =
    [
        new("history", "历史", "History",
            ["历史", "史学", "朝代", "古代", "近代史", "三国", "唐朝", "宋朝", "明朝", "清朝", "秦朝", "汉朝", "史记", "history", "historian", "dynasty", "ancient", "medieval"],
            ("历史讲解员", "history guide"),
            ("", ""),
            [("秦始皇为什么要统一文字？", "Why did the Qin unify the Chinese script?"),
             ("唐朝为什么会由盛转衰？", "Why did the Tang dynasty decline?"),
             ("怎样判断一条史料是否可靠？", "How do I tell whether a historical source is reliable?")],
            [("通史与断代史教材（章节目录与关键段落）", "survey textbooks (tables of contents and key chapters)"),
             ("原始史料选编（如《史记》《资治通鉴》的节选）", "selected primary sources"),
             ("大事年表与人物小传", "timelines and short biographies"),
             ("常见历史误区与辨析", "common misconceptions and their corrections")]),
        new("programming", "编程", "Programming",
            ["编程", "程序", "代码", "开发", "算法", "前端", "后端", "python", "java", "javascript", "c#", "rust", "golang", "sql", "programming", "coding", "code", "developer", "software", "algorithm"],
            ("编程导师", "programming mentor"),
            ("", ""),
            [("Python 里列表和元组有什么区别？", "What is the difference between a list and a tuple in Python?"),
             ("怎样读懂一段报错信息？", "How do I read a stack trace?"),
             ("递归和循环该怎么选？", "When should I use recursion instead of a loop?")],
            [("语言官方文档与教程的关键章节", "the language's official documentation and tutorial"),
             ("常见报错与解决办法清单", "a list of common errors and their fixes"),
             ("示例代码与练习题（附答案）", "sample code and exercises with solutions"),
             ("团队的编码规范", "your team's coding conventions")]),
        new("cooking", "烹饪", "Cooking",
            ["烹饪", "做菜", "菜谱", "食谱", "厨艺", "厨师", "烘焙", "家常菜", "料理", "cooking", "cook", "recipe", "recipes", "chef", "baking", "kitchen", "cuisine"],
            ("家常菜厨师", "home cook"),
            ("不提供医疗营养处方；涉及食物过敏时提醒用户确认配料。", "No medical diet prescriptions; on food allergies, remind the user to check the ingredients."),
            [("红烧肉怎样做才不腻？", "How do I braise pork belly so it is not greasy?"),
             ("没有烤箱能做蛋糕吗？", "Can I bake a cake without an oven?"),
             ("一周的家常菜单怎么搭配？", "How do I plan a week of home meals?")],
            [("常做菜谱（配料、用量、步骤、火候）", "recipes you cook (ingredients, amounts, steps, heat)"),
             ("食材处理与刀工要点", "how to prepare ingredients"),
             ("调味比例表", "seasoning ratios"),
             ("厨房安全与食品保存常识", "kitchen safety and food storage")]),
        new("fitness", "健身", "Fitness",
            ["健身", "锻炼", "运动", "增肌", "减脂", "减肥", "跑步", "瑜伽", "力量训练", "fitness", "workout", "exercise", "gym", "training", "running", "yoga", "muscle"],
            ("健身教练", "fitness coach"),
            ("不做医疗诊断；有伤病、慢性病或孕期时先建议就医。", "No medical diagnosis; with an injury, a chronic illness or a pregnancy, advise seeing a doctor first."),
            [("新手一周练几次合适？", "How many times a week should a beginner train?"),
             ("深蹲膝盖疼是动作问题吗？", "My knees hurt when I squat: is it my form?"),
             ("减脂期间怎么安排饮食？", "How should I eat while cutting fat?")],
            [("训练计划模板（新手、进阶）", "training plan templates (beginner, intermediate)"),
             ("动作要领与常见错误", "exercise technique and common mistakes"),
             ("运动营养基础资料", "sports nutrition basics"),
             ("热身、拉伸与伤病预防指南", "warm-up, stretching and injury prevention")]),
        new("psychology", "心理", "Psychology",
            ["心理", "情绪", "焦虑", "抑郁", "压力", "倾听", "心理咨询", "疗愈", "psychology", "mental", "emotion", "anxiety", "stress", "therapy", "counseling", "wellbeing"],
            ("心理倾听者", "supportive listener"),
            ("不做诊断，不替代专业心理咨询或治疗；用户提到自伤或危机时，建议立即联系当地心理援助热线或急救。", "No diagnosis and no substitute for therapy; when a user mentions self-harm or a crisis, point them to a local crisis line or emergency services at once."),
            [("最近总是睡不着，怎么办？", "I cannot sleep lately. What can I do?"),
             ("怎样和焦虑相处？", "How can I live with anxiety?"),
             ("和家人吵架后怎么修复关系？", "How do I repair things after a fight with my family?")],
            [("情绪调节与放松练习材料", "emotion regulation and relaxation exercises"),
             ("常见心理困扰的科普文章", "plain-language articles on common struggles"),
             ("心理援助热线与转介资源清单", "crisis lines and referral resources"),
             ("倾听与回应的对话范例", "example conversations of listening and responding")]),
        new("law", "法律", "Law",
            ["法律", "律师", "法规", "合同", "劳动法", "维权", "诉讼", "法务", "law", "legal", "lawyer", "contract", "lawsuit", "regulation"],
            ("法律咨询助手", "legal information assistant"),
            ("只提供一般法律信息，不构成正式法律意见；具体案件建议咨询执业律师。", "General legal information only, not legal advice; for a specific case, advise consulting a licensed lawyer."),
            [("公司拖欠工资怎么维权？", "My employer has not paid my wages. What can I do?"),
             ("租房合同要注意哪些条款？", "Which clauses in a lease should I check?"),
             ("网购遇到假货怎么办？", "What can I do about a counterfeit online purchase?")],
            [("相关法律法规原文（注明生效日期）", "the relevant statutes, with their effective dates"),
             ("常见问题解答与典型案例", "FAQs and typical cases"),
             ("合同与文书模板", "contract and letter templates"),
             ("维权流程与机构联系方式", "complaint procedures and the offices to contact")]),
        new("travel", "旅行", "Travel",
            ["旅行", "旅游", "攻略", "行程", "景点", "自驾", "出行", "travel", "trip", "itinerary", "tourism", "backpacking", "vacation"],
            ("旅行规划师", "travel planner"),
            ("", ""),
            [("第一次去云南，七天怎么安排？", "How should I spend seven days in Yunnan on a first visit?"),
             ("出国旅行要准备哪些证件？", "Which documents do I need to travel abroad?"),
             ("带老人出游要注意什么？", "What should I keep in mind travelling with elderly parents?")],
            [("目的地攻略与路线（注明更新日期）", "destination guides and routes, with their dates"),
             ("交通、住宿与预算参考", "transport, lodging and budget references"),
             ("签证与出入境须知", "visa and border requirements"),
             ("当地风俗与安全提示", "local customs and safety notes")]),
        new("language", "语言学习", "Language learning",
            ["语言学习", "英语", "日语", "韩语", "法语", "德语", "口语", "单词", "语法", "雅思", "托福", "外语", "english", "japanese", "french", "spanish", "grammar", "vocabulary", "language", "ielts", "toefl"],
            ("语言陪练", "language tutor"),
            ("", ""),
            [("现在完成时和一般过去时怎么区分？", "What is the difference between the present perfect and the simple past?"),
             ("怎样记单词不容易忘？", "How do I remember new words?"),
             ("帮我纠正这句话的语法。", "Please correct the grammar of this sentence.")],
            [("语法讲义与例句", "grammar notes with example sentences"),
             ("分级词汇表", "graded vocabulary lists"),
             ("常见错误与纠正示例", "common mistakes and corrections"),
             ("对话与口语练习素材", "dialogues and speaking practice material")]),
        new("finance", "理财", "Personal finance",
            ["理财", "投资", "基金", "股票", "储蓄", "记账", "预算", "保险", "finance", "investing", "investment", "budget", "saving", "stocks", "money"],
            ("理财顾问", "personal finance guide"),
            ("不推荐具体股票、基金或产品，不承诺收益；提醒投资有风险，重大决定请咨询持牌顾问。", "No specific stock, fund or product picks and no promised returns; remind users investing is risky and to consult a licensed adviser for big decisions."),
            [("刚工作怎么开始存钱？", "I just started working. How do I begin saving?"),
             ("基金定投适合什么人？", "Who is regular fund investing right for?"),
             ("怎样做一份家庭预算？", "How do I make a household budget?")],
            [("理财基础知识讲义", "personal finance basics"),
             ("记账与预算模板", "bookkeeping and budget templates"),
             ("常见金融产品说明与风险提示", "how common products work and their risks"),
             ("监管机构的风险提示与反诈材料", "regulators' warnings and anti-fraud material")]),
        new("literature", "文学", "Literature",
            ["文学", "小说", "诗歌", "诗词", "散文", "写作", "红楼梦", "名著", "作家", "literature", "novel", "poetry", "poem", "writing", "author", "fiction"],
            ("文学导读人", "literature guide"),
            ("", ""),
            [("《红楼梦》里为什么要写太虚幻境？", "Why does Dream of the Red Chamber open with the Land of Illusion?"),
             ("怎样读懂一首唐诗的意象？", "How do I read the imagery of a Tang poem?"),
             ("写小说时怎么塑造人物？", "How do I build a character in fiction?")],
            [("作品原文或节选（注明版本）", "the texts or excerpts, with their editions"),
             ("作者生平与创作背景", "authors' lives and the context of the works"),
             ("经典评论与导读文章", "classic criticism and reading guides"),
             ("写作技巧讲义", "writing craft notes")]),
        new("health", "健康", "Health",
            ["健康", "医学", "医生", "养生", "营养", "睡眠", "疾病", "health", "medical", "medicine", "doctor", "nutrition", "sleep"],
            ("健康科普员", "health educator"),
            ("只做健康科普，不诊断、不开药；症状严重或持续时建议及时就医。", "Health education only: no diagnosis and no prescriptions; for severe or lasting symptoms, advise seeing a doctor."),
            [("感冒了需要吃抗生素吗？", "Do I need antibiotics for a cold?"),
             ("每天睡几个小时才够？", "How many hours of sleep do I need?"),
             ("体检报告里的指标怎么看？", "How do I read my check-up results?")],
            [("权威机构的健康科普资料", "health guidance from public health bodies"),
             ("常见病症的就医指引", "when-to-see-a-doctor guides for common symptoms"),
             ("膳食与睡眠指南", "diet and sleep guidelines"),
             ("常见误区辟谣文章", "articles correcting common myths")]),
        new("music", "音乐", "Music",
            ["音乐", "乐理", "吉他", "钢琴", "唱歌", "声乐", "作曲", "music", "guitar", "piano", "singing", "composition"],
            ("音乐老师", "music teacher"),
            ("", ""),
            [("五线谱怎么快速入门？", "How do I start reading sheet music?"),
             ("吉他按弦手指疼怎么办？", "My fingers hurt pressing guitar strings. What should I do?"),
             ("怎样练好音准？", "How do I improve my pitch?")],
            [("乐理讲义", "music theory notes"),
             ("分级练习曲目与要点", "graded pieces with practice notes"),
             ("乐器保养与演奏姿势说明", "instrument care and posture"),
             ("常见练习问题解答", "answers to common practice problems")]),
    ];

    /// <summary>Tone words: what an idea may say (lower case) → the tone stored, (zh, en).</summary>
    public static readonly IReadOnlyList<(string[] Words, string Zh, string En)> Tones =
    [
        (["幽默", "风趣", "搞笑", "逗", "funny", "humorous", "witty", "playful"], "幽默风趣", "humorous and witty"),
        (["温柔", "温和", "耐心", "暖心", "gentle", "patient", "warm", "kind"], "温和耐心", "gentle and patient"),
        (["严格", "严肃", "直接", "犀利", "毒舌", "strict", "serious", "blunt", "direct"], "严格直接", "strict and direct"),
        (["活泼", "热情", "元气", "lively", "cheerful", "energetic", "enthusiastic"], "活泼热情", "lively and cheerful"),
        (["冷静", "理性", "客观", "calm", "rational", "objective"], "冷静理性", "calm and rational"),
        (["古风", "文雅", "典雅", "classical", "elegant", "poetic"], "文雅古风", "elegant and classical"),
    ];

    /// <summary>Audience words: what an idea may say (lower case) → the audience stored, (zh, en).</summary>
    public static readonly IReadOnlyList<(string[] Words, string Zh, string En)> Audiences =
    [
        (["小学生", "儿童", "孩子", "小朋友", "kids", "children", "child"], "小学生和儿童", "children"),
        (["中学生", "高中生", "初中生", "teenager", "teenagers", "teens", "high school"], "中学生", "teenagers"),
        (["大学生", "考研", "college", "university", "undergraduate"], "大学生", "college students"),
        (["初学者", "新手", "入门", "零基础", "小白", "beginner", "beginners", "newbie", "novice"], "零基础的初学者", "beginners"),
        (["上班族", "白领", "打工人", "职场", "office worker", "office workers", "professionals"], "忙碌的上班族", "busy professionals"),
        (["老人", "老年", "长辈", "elderly", "seniors", "older adults"], "老年人", "older adults"),
        (["家长", "父母", "宝妈", "parents", "parent"], "家长", "parents"),
        (["程序员", "工程师", "developers", "engineers"], "程序员", "developers"),
    ];

    /// <summary>Tone words that say nothing on their own (a tone made only of them is vague).</summary>
    public static readonly IReadOnlyList<string> GenericToneWords =
        ["友好", "专业", "亲切", "热心", "正常", "普通", "礼貌", "friendly", "professional", "nice", "polite", "helpful", "normal", "good"];

    public static CreationDomain? ByKey(string key) => All.FirstOrDefault(d => d.Key == key);

    /// <summary>
    /// The known domain a text names most (keyword hits, ties to the earlier hit), or null. A domain's stored names
    /// (历史, History) count as keywords too, so an owner's own domain text is recognised.
    /// </summary>
    public static CreationDomain? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var lower = text.ToLowerInvariant();
        CreationDomain? best = null;
        var bestHits = 0;
        var bestAt = int.MaxValue;
        foreach (var d in All)
        {
            var (hits, at) = Hits(lower, d);
            if (hits > bestHits || (hits == bestHits && hits > 0 && at < bestAt))
            {
                (best, bestHits, bestAt) = (d, hits, at);
            }
        }

        return best;
    }

    /// <summary>Every known domain the text names at least once.</summary>
    public static IReadOnlyList<CreationDomain> Named(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var lower = text.ToLowerInvariant();
        return All.Where(d => Hits(lower, d).Hits > 0).ToList();
    }

    /// <summary>How many of the domain's words occur in <paramref name="lower"/>, and where the first one is.</summary>
    internal static (int Hits, int At) Hits(string lower, CreationDomain d)
    {
        var hits = 0;
        var at = int.MaxValue;
        foreach (var word in d.Keywords.Append(d.Zh.ToLowerInvariant()).Append(d.En.ToLowerInvariant()).Distinct())
        {
            var i = IndexOfWord(lower, word);
            if (i >= 0)
            {
                hits++;
                at = Math.Min(at, i);
            }
        }

        return (hits, at);
    }

    /// <summary>
    /// Where <paramref name="word"/> occurs; an ASCII word must stand alone (so "code" is not found in "encoded",
    /// "art" not in "start"); a Chinese word is found anywhere (Chinese has no spaces).
    /// </summary>
    internal static int IndexOfWord(string lower, string word)
    {
        var ascii = word.All(c => c < 128);
        var from = 0;
        while (from <= lower.Length - word.Length)
        {
            var i = lower.IndexOf(word, from, StringComparison.Ordinal);
            if (i < 0)
            {
                return -1;
            }

            if (!ascii || ((i == 0 || !char.IsAsciiLetterOrDigit(lower[i - 1])) && (i + word.Length == lower.Length || !char.IsAsciiLetterOrDigit(lower[i + word.Length]))))
            {
                return i;
            }

            from = i + 1;
        }

        return -1;
    }
}
