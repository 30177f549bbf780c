namespace StarStudio.Core.Market;

/// <summary>A skill (external tool API) a skill maker sells; seed 000 §1.10.</summary>
public class Skill
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string ApiEndpoint { get; set; } = "";
    public string Schema { get; set; } = "{}";
    public SkillPricingType PricingType { get; set; } = SkillPricingType.Free;
    public decimal Price { get; set; }
    public SkillStatus Status { get; set; } = SkillStatus.Draft;
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A star's subscription to a skill; seed 000 §1.11.</summary>
public class SkillSubscription
{
    public Guid Id { get; set; }
    public Guid SkillId { get; set; }
    public Guid StarId { get; set; }
    public string Plan { get; set; } = "";
    public SubscriptionStatus Status { get; set; } = SubscriptionStatus.Active;
    public DateTimeOffset? CurrentPeriodEnd { get; set; }
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

/// <summary>Seed 000 <c>skill_subscriptions.status</c>.</summary>
public enum SubscriptionStatus
{
    Active,
    Expired,
    Cancelled,
}
