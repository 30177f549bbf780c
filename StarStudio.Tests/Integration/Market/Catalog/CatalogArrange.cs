using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;

namespace StarStudio.Tests.Integration.Market.Catalog;

/// <summary>What a test skill looks like; every field has a plain default.</summary>
internal sealed record SkillSpec(string Name)
{
    public string? Description { get; init; }
    public string? DescriptionEn { get; init; }
    public string Category { get; init; } = SkillCategories.Other;
    public string Icon { get; init; } = "🌤";
    public SkillPricingType Pricing { get; init; } = SkillPricingType.Free;
    public decimal Price { get; init; }
    public SkillStatus Status { get; init; } = SkillStatus.Published;
    public SkillVersionStatus VersionStatus { get; init; } = SkillVersionStatus.Published;
    public string Examples { get; init; } = "[]";
    public long Calls { get; init; }
    public int Subscribers { get; init; }
    public decimal RatingAvg { get; init; }
    public int RatingCount { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string InputSchema { get; init; } = """{"type":"object","properties":{"city":{"type":"string","description":"城市"}},"required":["city"]}""";
}

/// <summary>Arranges market rows as the maintenance role (past RLS and the guards), as a published skill would stand after review.</summary>
internal static class CatalogArrange
{
    public static Task<UserContext> MakerAsync(PostgresDatabase pg) => pg.CreateUserAsync(null, RoleNames.SkillMaker);

    /// <summary>A skill with one version; published ones get it as their published version.</summary>
    public static async Task<(Guid SkillId, Guid VersionId)> SkillAsync(PostgresDatabase pg, UserContext maker, SkillSpec spec)
    {
        var owner = maker.UserId!.Value;
        await using var db = pg.OwnerContext();
        var skill = new Skill
        {
            Id = Guid.NewGuid(), OwnerId = owner, Name = spec.Name, Description = spec.Description, DescriptionEn = spec.DescriptionEn,
            Category = spec.Category, Icon = spec.Icon, ApiEndpoint = "https://skills.example.test/run", Schema = spec.InputSchema,
            PricingType = spec.Pricing, Price = spec.Price, Examples = spec.Examples, Status = SkillStatus.Draft,
        };
        db.Skills.Add(skill);
        await db.SaveChangesAsync();
        var versionId = await AddVersionAsync(pg, skill.Id, owner, "1.0.0", spec, spec.VersionStatus);
        skill.Status = spec.Status;
        skill.CallCount = spec.Calls;
        skill.SubscriberCount = spec.Subscribers;
        skill.RatingAvg = spec.RatingAvg;
        skill.RatingCount = spec.RatingCount;
        if (spec.VersionStatus == SkillVersionStatus.Published && spec.Status is SkillStatus.Published or SkillStatus.Suspended)
        {
            skill.PublishedVersionId = versionId;
            skill.PublishedAt = spec.PublishedAt ?? DateTimeOffset.UtcNow;
        }

        await db.SaveChangesAsync();
        return (skill.Id, versionId);
    }

    /// <summary>Another version of a skill (not made the published one).</summary>
    public static async Task<Guid> AddVersionAsync(PostgresDatabase pg, Guid skillId, Guid owner, string version, SkillSpec spec, SkillVersionStatus status,
        string changeLog = "首个版本", DateTimeOffset? reviewedAt = null)
    {
        await using var db = pg.OwnerContext();
        var v = new SkillVersion
        {
            Id = Guid.NewGuid(), SkillId = skillId, OwnerId = owner, Version = version, ChangeLog = changeLog, Name = spec.Name,
            Description = spec.Description, DescriptionEn = spec.DescriptionEn, Category = spec.Category, Icon = spec.Icon,
            ApiEndpoint = "https://skills.example.test/run", InputSchema = spec.InputSchema, OutputSchema = "{}", PricingType = spec.Pricing,
            Price = spec.Price, Examples = spec.Examples, Status = status,
            ReviewedAt = status == SkillVersionStatus.PendingReview ? null : reviewedAt ?? DateTimeOffset.UtcNow,
            SearchText = SkillSearchText.For(spec.Name, spec.Description, spec.DescriptionEn, spec.Category, spec.Examples),
        };
        db.SkillVersions.Add(v);
        await db.SaveChangesAsync();
        return v.Id;
    }

    /// <summary>Makes <paramref name="versionId"/> the skill's published version.</summary>
    public static async Task PublishAsync(PostgresDatabase pg, Guid skillId, Guid versionId)
    {
        await using var db = pg.OwnerContext();
        var skill = await db.Skills.FindAsync(skillId);
        skill!.PublishedVersionId = versionId;
        skill.PublishedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
    }
}
