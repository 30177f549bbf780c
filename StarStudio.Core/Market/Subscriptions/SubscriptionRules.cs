using StarStudio.Core.Billing;

namespace StarStudio.Core.Market.Subscriptions;

/// <summary>
/// Periods of a subscription: period n (1-based) runs from <c>anchor + (n-1)·months</c> to <c>anchor + n·months</c>,
/// calendar months in UTC counted from the anchor (the moment the first period was paid), so a subscription started on
/// 31 January ends its periods on 28/29 February, 31 March, 30 April… and never drifts to the 28th for good.
/// </summary>
public static class SubscriptionPeriods
{
    /// <summary>When period <paramref name="n"/> ends.</summary>
    public static DateTimeOffset End(DateTimeOffset anchor, int months, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(months);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return anchor.ToUniversalTime().AddMonths(months * n);
    }

    /// <summary>When period <paramref name="n"/> starts (the end of period n-1, the anchor for n = 1).</summary>
    public static DateTimeOffset Start(DateTimeOffset anchor, int months, int n) =>
        n == 1 ? anchor.ToUniversalTime() : End(anchor, months, n - 1);
}

/// <summary>Money of the marketplace: the platform's fee and the maker's share of a price (docs/market-calls.md).</summary>
public static class SkillMoney
{
    public const decimal DefaultPlatformFeePercent = 20m;

    /// <summary>The maker's share of <paramref name="price"/>: <c>RoundMoney(price · (100 − fee) / 100)</c>, never more than the price.</summary>
    public static decimal MakerShare(decimal price, decimal platformFeePercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        if (platformFeePercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(platformFeePercent), platformFeePercent, "The platform fee is a percentage from 0 to 100.");
        }

        return Math.Min(price, WalletRules.RoundMoney(price * (100 - platformFeePercent) / 100));
    }

    /// <summary>Ledger key of the payer's debit for period <paramref name="period"/>.</summary>
    public static string PeriodKey(Guid subscriptionId, int period) => $"skill-sub:{subscriptionId}:{period}";

    /// <summary>Ledger key of the maker's credit for period <paramref name="period"/>.</summary>
    public static string PeriodMakerKey(Guid subscriptionId, int period) => PeriodKey(subscriptionId, period) + ":maker";

    /// <summary>Hold key of a metered call (its settled debit is <c>{key}:settle</c>).</summary>
    public static string CallHoldKey(string requestId) => $"skill-call:{requestId}";

    /// <summary>Ledger key of the maker's credit for a metered call.</summary>
    public static string CallMakerKey(string requestId) => CallHoldKey(requestId) + ":maker";
}

/// <summary>What a subscription must satisfy before anyone is charged.</summary>
public static class SubscriptionRules
{
    public const string StarNotFoundCode = "Market.Sub.StarNotFound";
    public const string StarArchivedCode = "Market.Sub.StarArchived";
    public const string SkillUnavailableCode = "Market.Sub.SkillUnavailable";
    public const string PlanNotOfferedCode = "Market.Sub.PlanNotOffered";
    public const string AlreadySubscribedCode = "Market.Sub.AlreadySubscribed";
    public const string NotFoundCode = "Market.Sub.NotFound";
    public const string NotActiveCode = "Market.Sub.NotActive";

    /// <summary>Notices (stored in <c>renewal_notice</c> as these resource keys, shown translated).</summary>
    public const string NoticeBalanceShort = "Market.Sub.Notice.BalanceShort";
    public const string NoticeAutoRenewOff = "Market.Sub.Notice.AutoRenewOff";
    public const string NoticeCancelled = "Market.Sub.Notice.Cancelled";
    public const string NoticeSkillSuspended = "Market.Sub.Notice.SkillSuspended";

    /// <summary>The price of one period of <paramref name="plan"/> for a version priced <paramref name="monthlyPrice"/> a month.</summary>
    /// <remarks>A quarter is 3 months' price and a year 12: no discount, so no plan is a way around the maker's price.</remarks>
    public static decimal PeriodPrice(string plan, decimal monthlyPrice) => WalletRules.RoundMoney(monthlyPrice * SkillPlans.Months(plan));

    /// <summary>Whether a version priced <paramref name="pricing"/> offers <paramref name="plan"/>.</summary>
    public static bool Offers(SkillPricingType pricing, string? plan) => plan is not null && SkillPlans.For(pricing).Contains(plan);

    /// <summary>
    /// Whether a star may call the skill now: an active subscription whose paid period (if any) has not ended, or a
    /// cancelled one still inside its paid period; the skill published (not suspended) and the version published.
    /// </summary>
    public static bool Callable(SubscriptionStatus status, DateTimeOffset? periodEnd, SkillStatus skill, SkillVersionStatus version, DateTimeOffset now) =>
        skill == SkillStatus.Published && version == SkillVersionStatus.Published && status switch
        {
            SubscriptionStatus.Active => periodEnd is null || periodEnd > now,
            SubscriptionStatus.Cancelled => periodEnd is not null && periodEnd > now,
            _ => false,
        };
}
