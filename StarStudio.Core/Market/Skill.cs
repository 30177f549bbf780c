namespace StarStudio.Core.Market;

/// <summary>
/// A skill (external tool API) a skill maker sells; seed 000 §1.10. The row is the maker's working draft (what the editor
/// shows) plus the skill's standing in the catalog; what stars call and the catalog shows is a published
/// <see cref="SkillVersion"/> (seed 002 <c>tool_versions</c>), an immutable snapshot of the draft.
/// </summary>
public class Skill
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The description in Chinese (zh-CN, the default language).</summary>
    public string? Description { get; set; }

    /// <summary>The description in English, optional.</summary>
    public string? DescriptionEn { get; set; }

    /// <summary>One of <see cref="SkillCategories.All"/>.</summary>
    public string Category { get; set; } = SkillCategories.Other;

    /// <summary>One emoji shown on the skill's card.</summary>
    public string Icon { get; set; } = SkillCategories.DefaultIcon;

    public string ApiEndpoint { get; set; } = "";

    /// <summary>The JSON Schema of the call's arguments (seed 000 <c>schema</c>): an object schema the model fills in.</summary>
    public string Schema { get; set; } = "{}";

    /// <summary>The JSON Schema the endpoint's answer must satisfy.</summary>
    public string OutputSchema { get; set; } = "{}";

    public SkillAuthType AuthType { get; set; } = SkillAuthType.None;

    /// <summary>The header that carries the maker's secret when <see cref="AuthType"/> is <see cref="SkillAuthType.HeaderSecret"/>.</summary>
    public string? AuthHeader { get; set; }

    /// <summary>The maker's endpoint secret, encrypted with ASP.NET Core data protection; never shown again after saving.</summary>
    public string? AuthSecretProtected { get; set; }

    /// <summary>The secret StarStudio signs calls with (HMAC-SHA256), encrypted; the maker reads it in the editor to verify calls.</summary>
    public string SigningSecretProtected { get; set; } = "";

    public SkillPricingType PricingType { get; set; } = SkillPricingType.Free;

    /// <summary>Yuan per month (subscription) or per successful call (usage); 0 when free.</summary>
    public decimal Price { get; set; }

    /// <summary>Worked examples (a JSON array of <c>{"question", "arguments", "note"}</c>); the offline engine matches questions against them.</summary>
    public string Examples { get; set; } = "[]";

    public SkillStatus Status { get; set; } = SkillStatus.Draft;

    /// <summary>The version the catalog shows and new subscriptions take (the newest published one).</summary>
    public Guid? PublishedVersionId { get; set; }

    /// <summary>Why an admin suspended the skill.</summary>
    public string? SuspendedReason { get; set; }

    /// <summary>Mean of the skill's reviews (0 without any), kept by a trigger on <c>skill_reviews</c>.</summary>
    public decimal RatingAvg { get; set; }

    public int RatingCount { get; set; }

    /// <summary>Active subscriptions, kept by a trigger on <c>skill_subscriptions</c>.</summary>
    public int SubscriberCount { get; set; }

    /// <summary>Successful calls ever, the "popular" sort.</summary>
    public long CallCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
}

/// <summary>
/// An immutable snapshot of a skill submitted for review (seed 002 <c>tool_versions</c>): semver, change log and every
/// field that decides what a call does and costs. Only its review fields change after it is written.
/// </summary>
public class SkillVersion
{
    public Guid Id { get; set; }
    public Guid SkillId { get; set; }

    /// <summary>The maker (copied from the skill, for row-level security).</summary>
    public Guid OwnerId { get; set; }

    /// <summary>Semantic version, e.g. <c>1.2.0</c>; strictly greater than every earlier version of the skill.</summary>
    public string Version { get; set; } = "";
    public string ChangeLog { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? DescriptionEn { get; set; }
    public string Category { get; set; } = SkillCategories.Other;
    public string Icon { get; set; } = SkillCategories.DefaultIcon;
    public string ApiEndpoint { get; set; } = "";
    public string InputSchema { get; set; } = "{}";
    public string OutputSchema { get; set; } = "{}";
    public SkillPricingType PricingType { get; set; }
    public decimal Price { get; set; }
    public string Examples { get; set; } = "[]";
    public SkillVersionStatus Status { get; set; } = SkillVersionStatus.PendingReview;
    public string? RejectReason { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public Guid? ReviewedBy { get; set; }

    /// <summary>What full-text search sees: name, descriptions, category and examples, CJK as bigrams (<c>SearchText.For</c>).</summary>
    public string SearchText { get; set; } = "";
}

/// <summary>A star's subscription to a skill version; seed 000 §1.11 plus the terms it was bought at.</summary>
public class SkillSubscription
{
    public Guid Id { get; set; }
    public Guid SkillId { get; set; }
    public Guid StarId { get; set; }

    /// <summary>The star's owner, who pays.</summary>
    public Guid OwnerId { get; set; }

    /// <summary>The version the star calls.</summary>
    public Guid SkillVersionId { get; set; }

    /// <summary>One of <see cref="SkillPlans"/>: <c>free</c>, <c>monthly</c>, <c>quarterly</c>, <c>yearly</c>, <c>per_call</c>.</summary>
    public string Plan { get; set; } = "";

    public SubscriptionStatus Status { get; set; } = SubscriptionStatus.Active;

    /// <summary>The version's pricing when subscribed.</summary>
    public SkillPricingType PricingType { get; set; }

    /// <summary>What one period costs (subscription) or one call (usage), fixed when subscribed.</summary>
    public decimal Price { get; set; }

    /// <summary>Months one period lasts (0: no periods, free and per-call plans).</summary>
    public int PeriodMonths { get; set; }

    /// <summary>How many periods have been charged (the ledger key of period n is <c>skill-sub:{id}:{n}</c>).</summary>
    public int PeriodsCharged { get; set; }

    public bool AutoRenew { get; set; } = true;
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CurrentPeriodStart { get; set; }

    /// <summary>When the paid period ends (null: no end, free and per-call plans).</summary>
    public DateTimeOffset? CurrentPeriodEnd { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>The last renewal the balance could not cover, and the notice shown to the owner.</summary>
    public DateTimeOffset? RenewalFailedAt { get; set; }

    public string? RenewalNotice { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One user's rating and review of a skill (one per user per skill), and the maker's answer.</summary>
public class SkillReview
{
    public Guid Id { get; set; }
    public Guid SkillId { get; set; }
    public Guid UserId { get; set; }

    /// <summary>1 to 5 stars.</summary>
    public int Rating { get; set; }

    public string Body { get; set; } = "";
    public string? MakerReply { get; set; }
    public DateTimeOffset? RepliedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One call of a skill by a star (the usage record of the skill): who called, who pays, who earns, how it went and what it
/// cost. <see cref="RequestId"/> is unique, so a call is recorded and charged once.
/// </summary>
public class SkillCall
{
    public Guid Id { get; set; }

    /// <summary>The idempotency key: <c>{chat request id}:{tool call id}</c>, or the editor's "try it" id.</summary>
    public string RequestId { get; set; } = "";
    public Guid SkillId { get; set; }
    public Guid SkillVersionId { get; set; }
    public Guid? SubscriptionId { get; set; }
    public Guid? StarId { get; set; }
    public Guid? ConversationId { get; set; }

    /// <summary>The star owner charged for the call.</summary>
    public Guid PayerId { get; set; }

    /// <summary>The skill maker credited for the call.</summary>
    public Guid MakerId { get; set; }

    public bool Success { get; set; }

    /// <summary>Why the call failed (a <c>Market.Call.*</c> code), null on success.</summary>
    public string? ErrorCode { get; set; }

    public int? HttpStatus { get; set; }
    public int LatencyMs { get; set; }

    /// <summary>What the payer was charged (0 for failed, free and subscription calls).</summary>
    public decimal Price { get; set; }

    /// <summary>What the maker was credited (the price less the platform's fee).</summary>
    public decimal MakerShare { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Seed 000 <c>skills.pricing_type</c>.</summary>
public enum SkillPricingType
{
    Free,
    Subscription,
    Usage,
}

/// <summary>Seed 000 <c>skills.status</c>.</summary>
public enum SkillStatus
{
    Draft,
    PendingReview,
    Published,
    Suspended,
}

/// <summary>Review state of a <see cref="SkillVersion"/> (seed 002 <c>tool_versions</c> pending/approved/rejected).</summary>
public enum SkillVersionStatus
{
    PendingReview,
    Published,
    Rejected,
}

/// <summary>How StarStudio authenticates to a skill's endpoint besides its signature.</summary>
public enum SkillAuthType
{
    /// <summary>Only the HMAC signature.</summary>
    None,

    /// <summary>The maker's secret in a header of the maker's choosing.</summary>
    HeaderSecret,
}

/// <summary>Seed 000 <c>skill_subscriptions.status</c>.</summary>
public enum SubscriptionStatus
{
    Active,
    Expired,
    Cancelled,
}

/// <summary>The catalog's categories (stored as these keys; names are resources <c>Market.Category.{key}</c>).</summary>
public static class SkillCategories
{
    public const string Other = "other";
    public const string DefaultIcon = "🧩";

    public static readonly IReadOnlyList<string> All =
    [
        "weather", "calculator", "search", "library", "translation", "finance", "education", "productivity", "entertainment", "travel", "health", Other,
    ];
}

/// <summary>The plans a subscription can take (<c>skill_subscriptions.plan</c>).</summary>
public static class SkillPlans
{
    public const string Free = "free";
    public const string Monthly = "monthly";
    public const string Quarterly = "quarterly";
    public const string Yearly = "yearly";
    public const string PerCall = "per_call";

    /// <summary>Months of a paid period per plan (0 for plans without periods).</summary>
    public static int Months(string plan) => plan switch
    {
        Monthly => 1,
        Quarterly => 3,
        Yearly => 12,
        _ => 0,
    };

    /// <summary>The plans a version with <paramref name="pricing"/> offers.</summary>
    public static IReadOnlyList<string> For(SkillPricingType pricing) => pricing switch
    {
        SkillPricingType.Subscription => [Monthly, Quarterly, Yearly],
        SkillPricingType.Usage => [PerCall],
        _ => [Free],
    };
}
