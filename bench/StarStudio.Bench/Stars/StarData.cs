using StarStudio.Core.Stars;

namespace StarStudio.Bench.Stars;

/// <summary>
/// Deterministic, realistic-looking stars: names like the demo's ("墨痕·古籍修复师"), a domain from a list,
/// one to four tags, three statuses, and created/updated times spread over the last two years.
/// </summary>
internal static class StarData
{
    /// <summary>The search term of the search case: every star whose index is <see cref="RareEvery"/>-th gets this domain and no other star does.</summary>
    public const string RareDomain = "射电天文";
    public const int RareEvery = 100;

    private static readonly string[] Prefixes =
    [
        "墨痕", "青岚", "云栖", "听雪", "星河", "晚舟", "松烟", "竹影", "月白", "秋实", "南山", "北辰", "知微", "拾光", "临川",
        "Aurora", "Nova", "Atlas", "Echo", "Iris", "Orion", "Sage", "Juniper", "Quill", "Harbor",
    ];

    private static readonly string[] Domains =
    [
        "古籍修复", "宋词赏析", "围棋入门", "中医养生", "家常川菜", "咖啡烘焙", "城市骑行", "植物养护", "摄影构图", "书法临帖",
        "法律咨询", "职场写作", "雅思口语", "数据分析", "前端开发", "理财规划", "亲子阅读", "心理疏导", "旅行攻略", "健身训练",
        "茶艺品鉴", "陶艺制作", "民乐演奏", "历史讲解", "科普问答", "Product design", "Jazz piano", "Chess openings", "Rust programming", "Wine pairing",
    ];

    private static readonly string[] Roles = ["修复师", "讲师", "顾问", "向导", "教练", "老师", "研究员", "Mentor", "Coach", "Guide"];
    private static readonly string[] Tones = ["温和严谨", "幽默风趣", "简洁直接", "耐心细致", "热情活泼", "沉稳专业", "Friendly", "Concise"];
    private static readonly string[] TagPool =
    [
        "入门", "进阶", "文化", "生活", "技能", "健康", "职场", "语言", "艺术", "科技", "美食", "运动", "亲子", "旅行", "历史",
        "写作", "音乐", "投资", "心理", "自然", "beginner", "expert", "weekend", "daily",
    ];

    /// <summary>A star for <paramref name="owner"/>; <paramref name="index"/> decides the rare domain, the rest is drawn from <paramref name="random"/>.</summary>
    public static Star Create(Random random, Guid owner, int index, DateTimeOffset now)
    {
        var domain = index % RareEvery == RareEvery / 2 ? RareDomain : Domains[random.Next(Domains.Length)];
        var prefix = Prefixes[random.Next(Prefixes.Length)];
        var role = Roles[random.Next(Roles.Length)];
        // A number keeps names of one owner mostly distinct, as real lists are.
        var join = char.IsAscii(domain[^1]) || char.IsAscii(role[0]) ? " " : "";
        var name = $"{prefix}·{domain}{join}{role} {random.Next(1, 1000)}";
        var created = now - TimeSpan.FromMinutes(random.Next(2 * 365 * 24 * 60));
        var updated = created + TimeSpan.FromMinutes(random.Next((int)Math.Max(1, (now - created).TotalMinutes)));
        var roll = random.Next(100);
        var status = roll < 80 ? StarStatus.Active : roll < 95 ? StarStatus.Paused : StarStatus.Archived;
        var tags = Enumerable.Range(0, random.Next(1, 5)).Select(_ => TagPool[random.Next(TagPool.Length)]).Distinct().ToList();
        return new Star
        {
            Id = Guid.CreateVersion7(created),
            OwnerId = owner,
            Name = name,
            Domain = domain,
            Persona = $"你是一位专注于{domain}的{role}，名叫{prefix}。你回答问题时先给结论，再举一个具体的例子，最后提醒一个常见的误区。" +
                      $"你不编造事实，不确定时直接说明，并建议用户查阅可靠的资料或咨询专业人士。",
            Tone = Tones[random.Next(Tones.Length)],
            Status = status,
            Tags = tags,
            // No avatar keys: the grid would ask /media for each, and the bench has no image files to serve.
            AvatarKey = null,
            CreatedAt = created,
            UpdatedAt = updated,
        };
    }
}
