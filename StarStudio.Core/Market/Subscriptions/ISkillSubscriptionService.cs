using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Subscriptions;

/// <summary>
/// A star owner's subscriptions to skills: subscribe a star (charging the first period of a monthly/quarterly/yearly plan
/// from the balance), list them with renewals and notices, cancel, switch renewal. Acts as the current user.
/// </summary>
public interface ISkillSubscriptionService
{
    /// <summary>What the subscribe panel shows for a skill: its published version's plans and the current user's stars.</summary>
    Task<Result<SubscribeOptions>> GetOptionsAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>
    /// Subscribes <paramref name="starId"/> (the caller's, not archived) to the skill's published version with
    /// <paramref name="plan"/>. Refused (field errors): star not found or archived, skill not published (suspended),
    /// plan not offered, already subscribed, balance short (<c>Wallet.Insufficient</c>, nothing charged).
    /// </summary>
    Task<Result<SkillSubscriptionView>> SubscribeAsync(Guid skillId, Guid starId, string plan, CancellationToken ct = default);

    /// <summary>The caller's subscriptions (all stars, or one), newest first.</summary>
    Task<IReadOnlyList<SkillSubscriptionView>> ListMineAsync(Guid? starId = null, CancellationToken ct = default);

    /// <summary>Cancels: a paid period stays usable until it ends; free and per-call plans stop at once.</summary>
    Task<Result<SkillSubscriptionView>> CancelAsync(Guid subscriptionId, CancellationToken ct = default);

    /// <summary>Turns automatic renewal on or off (active subscriptions).</summary>
    Task<Result<SkillSubscriptionView>> SetAutoRenewAsync(Guid subscriptionId, bool autoRenew, CancellationToken ct = default);
}

/// <summary>The renewal job: renews due subscriptions (charging) or expires them. Runs as no user.</summary>
public interface ISkillSubscriptionRenewal
{
    Task<RenewalRun> RunAsync(CancellationToken ct = default);
}

/// <summary>What a renewal run did.</summary>
public sealed record RenewalRun(int Renewed, int Expired, int BalanceShort);

/// <summary>A plan as offered: its key, the price of one period (or one call), months per period (0: none).</summary>
public sealed record PlanOption(string Plan, decimal Price, int Months);

/// <summary>A star the owner could subscribe, and whether it already is.</summary>
public sealed record StarOption(Guid StarId, string Name, bool Archived, bool Subscribed);

/// <summary>The subscribe panel's data.</summary>
public sealed record SubscribeOptions(
    Guid SkillId, string SkillName, Guid? VersionId, string? Version, SkillPricingType Pricing, bool Available,
    IReadOnlyList<PlanOption> Plans, IReadOnlyList<StarOption> Stars);

/// <summary>A subscription as the owner sees it.</summary>
public sealed record SkillSubscriptionView(
    Guid Id,
    Guid SkillId,
    string SkillName,
    string SkillIcon,
    Guid StarId,
    string StarName,
    string Version,
    string Plan,
    SkillPricingType Pricing,
    decimal Price,
    SubscriptionStatus Status,
    bool AutoRenew,
    DateTimeOffset StartedAt,
    DateTimeOffset? CurrentPeriodEnd,
    int PeriodsCharged,
    DateTimeOffset? CancelledAt,
    string? Notice,
    bool Callable);
