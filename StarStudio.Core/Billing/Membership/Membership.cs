namespace StarStudio.Core.Billing.Membership;

/// <summary>Membership tiers (PostgreSQL enum <c>membership_tier</c>); the benefits of each are in <see cref="MembershipBenefits"/>.</summary>
public enum MembershipTier
{
    /// <summary>星光会员.</summary>
    Standard,

    /// <summary>星耀会员.</summary>
    Premium,
}

/// <summary>How long one membership product lasts (PostgreSQL enum <c>membership_period</c>).</summary>
public enum MembershipPeriod
{
    Monthly,
    Yearly,
}

/// <summary>The state of a user's membership (PostgreSQL enum <c>membership_status</c>).</summary>
public enum MembershipStatus
{
    Active,

    /// <summary>Ended early: its order was refunded.</summary>
    Ended,
}

/// <summary>A user's membership (seed 003 <c>profile_membership</c>): one row per user, extended by every paid membership order.</summary>
public class ProfileMembership
{
    public Guid UserId { get; set; }
    public MembershipStatus Status { get; set; }
    public MembershipTier Tier { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The paid order that last extended it; the same order never extends it twice.</summary>
    public Guid? LastOrderId { get; set; }
}

/// <summary>A user's membership as the UI shows it; <see cref="IsActive"/> also checks the expiry against the clock.</summary>
public sealed record MembershipView(MembershipTier? Tier, MembershipStatus? Status, DateTimeOffset? StartedAt, DateTimeOffset? ExpiresAt, bool IsActive, MembershipBenefits Benefits)
{
    public static readonly MembershipView None = new(null, null, null, null, false, MembershipBenefits.None);
}

/// <summary>What a membership gives, read by other features (chat rate limit, usage billing).</summary>
/// <param name="ChatRateMultiplier">The chat messages-per-minute limit is multiplied by this.</param>
/// <param name="UsageDiscountPercent">Percent taken off model usage charges (0–100).</param>
public sealed record MembershipBenefits(MembershipTier? Tier, int ChatRateMultiplier, int UsageDiscountPercent)
{
    /// <summary>No membership: the platform's limits and full prices.</summary>
    public static readonly MembershipBenefits None = new(null, 1, 0);

    /// <summary>The benefits of <paramref name="tier"/>; <see cref="None"/> for no tier.</summary>
    public static MembershipBenefits For(MembershipTier? tier) => tier switch
    {
        MembershipTier.Standard => new(tier, 2, 10),
        MembershipTier.Premium => new(tier, 5, 20),
        _ => None,
    };

    /// <summary>The chat limit for a member: the platform's limit times the multiplier, without overflowing.</summary>
    public int ChatRatePerMinute(int basePerMinute) => (int)Math.Min(int.MaxValue, (long)Math.Max(basePerMinute, 1) * ChatRateMultiplier);
}

/// <summary>Pure rules of membership: when a paid order makes it start and end.</summary>
public static class MembershipRules
{
    /// <summary>The end of one period bought at <paramref name="from"/>: a calendar month or year later.</summary>
    public static DateTimeOffset AddPeriod(DateTimeOffset from, MembershipPeriod period) =>
        period == MembershipPeriod.Yearly ? from.AddYears(1) : from.AddMonths(1);

    /// <summary>Whether a membership counts at <paramref name="now"/>.</summary>
    public static bool IsActive(ProfileMembership? m, DateTimeOffset now) =>
        m is { Status: MembershipStatus.Active } && m.ExpiresAt > now;

    /// <summary>
    /// The membership after a paid order of <paramref name="tier"/> and <paramref name="period"/>. A renewal extends from the
    /// later of now and the current expiry, so paying early loses nothing; after a lapse or a refund it starts now. The tier
    /// becomes the one just bought (a member who upgrades keeps the remaining time, at the new tier).
    /// </summary>
    public static (DateTimeOffset StartedAt, DateTimeOffset ExpiresAt) Extend(ProfileMembership? current, MembershipPeriod period, DateTimeOffset now)
    {
        if (IsActive(current, now))
        {
            return (current!.StartedAt, AddPeriod(current.ExpiresAt > now ? current.ExpiresAt : now, period));
        }

        return (now, AddPeriod(now, period));
    }

    /// <summary>
    /// The membership after a refund of one <paramref name="period"/>: the period is taken back off the expiry; when that
    /// leaves nothing after <paramref name="now"/> the membership ends now.
    /// </summary>
    public static (MembershipStatus Status, DateTimeOffset ExpiresAt) Revoke(ProfileMembership current, MembershipPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        var back = period == MembershipPeriod.Yearly ? current.ExpiresAt.AddYears(-1) : current.ExpiresAt.AddMonths(-1);
        return back > now && current.Status == MembershipStatus.Active
            ? (MembershipStatus.Active, back)
            : (MembershipStatus.Ended, now < current.StartedAt ? current.StartedAt : now);
    }
}

/// <summary>Reads the current user's membership and its benefits.</summary>
public interface IMembershipService
{
    /// <summary>The signed-in user's membership (<see cref="MembershipView.None"/> when none or signed out).</summary>
    Task<MembershipView> GetMineAsync(CancellationToken ct = default);

    /// <summary>The signed-in user's benefits now (<see cref="MembershipBenefits.None"/> without an active membership).</summary>
    Task<MembershipBenefits> GetMyBenefitsAsync(CancellationToken ct = default);
}
