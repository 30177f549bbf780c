using StarStudio.Core.Billing.Membership;

namespace StarStudio.Tests.Unit.Billing;

public sealed class MembershipRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static ProfileMembership Active(DateTimeOffset started, DateTimeOffset expires) =>
        new() { Status = MembershipStatus.Active, Tier = MembershipTier.Standard, StartedAt = started, ExpiresAt = expires };

    [Fact]
    public void Extend_NoMembership_StartsNowForOnePeriod()
    {
        Assert.Equal((Now, Now.AddMonths(1)), MembershipRules.Extend(null, MembershipPeriod.Monthly, Now));
        Assert.Equal((Now, Now.AddYears(1)), MembershipRules.Extend(null, MembershipPeriod.Yearly, Now));
    }

    [Fact]
    public void Extend_ActiveRenewal_ExtendsFromTheCurrentExpiry()
    {
        var current = Active(Now.AddDays(-20), Now.AddDays(10));

        var (started, expires) = MembershipRules.Extend(current, MembershipPeriod.Monthly, Now);

        Assert.Equal(current.StartedAt, started);
        Assert.Equal(Now.AddDays(10).AddMonths(1), expires);
    }

    [Fact]
    public void Extend_Lapsed_StartsAgainNow()
    {
        var lapsed = Active(Now.AddMonths(-2), Now.AddDays(-3));

        Assert.Equal((Now, Now.AddMonths(1)), MembershipRules.Extend(lapsed, MembershipPeriod.Monthly, Now));
    }

    [Fact]
    public void Extend_Ended_StartsAgainNow()
    {
        var ended = Active(Now.AddDays(-5), Now.AddDays(20));
        ended.Status = MembershipStatus.Ended;

        Assert.Equal((Now, Now.AddMonths(1)), MembershipRules.Extend(ended, MembershipPeriod.Monthly, Now));
    }

    [Fact]
    public void AddPeriod_IsACalendarMonth_ClampedToTheMonthsEnd()
    {
        var jan31 = new DateTimeOffset(2027, 1, 31, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2027, 2, 28, 12, 0, 0, TimeSpan.Zero), MembershipRules.AddPeriod(jan31, MembershipPeriod.Monthly));
    }

    [Fact]
    public void Revoke_TakesThePeriodBack_OrEndsNow()
    {
        var twoMonths = Active(Now.AddDays(-1), Now.AddDays(-1).AddMonths(2));
        Assert.Equal((MembershipStatus.Active, Now.AddDays(-1).AddMonths(1)), MembershipRules.Revoke(twoMonths, MembershipPeriod.Monthly, Now));

        var one = Active(Now.AddDays(-1), Now.AddDays(-1).AddMonths(1));
        Assert.Equal((MembershipStatus.Ended, Now), MembershipRules.Revoke(one, MembershipPeriod.Monthly, Now));
    }

    [Fact]
    public void IsActive_NeedsActiveStatusAndAFutureExpiry()
    {
        Assert.True(MembershipRules.IsActive(Active(Now.AddDays(-1), Now.AddSeconds(1)), Now));
        Assert.False(MembershipRules.IsActive(Active(Now.AddDays(-1), Now), Now));
        Assert.False(MembershipRules.IsActive(null, Now));
    }

    [Fact]
    public void Benefits_PerTier_MultiplyTheChatLimit()
    {
        Assert.Equal(20, MembershipBenefits.None.ChatRatePerMinute(20));
        Assert.Equal(0, MembershipBenefits.None.UsageDiscountPercent);
        Assert.Equal(40, MembershipBenefits.For(MembershipTier.Standard).ChatRatePerMinute(20));
        Assert.Equal(10, MembershipBenefits.For(MembershipTier.Standard).UsageDiscountPercent);
        Assert.Equal(100, MembershipBenefits.For(MembershipTier.Premium).ChatRatePerMinute(20));
        Assert.Equal(20, MembershipBenefits.For(MembershipTier.Premium).UsageDiscountPercent);
        Assert.Equal(int.MaxValue, MembershipBenefits.For(MembershipTier.Premium).ChatRatePerMinute(int.MaxValue));
    }
}
