using StarStudio.Core.Market;
using StarStudio.Core.Market.Subscriptions;

namespace StarStudio.Tests.Unit.Market.Subscriptions;

/// <summary>Period arithmetic (calendar months in UTC, end-of-month safe), prices, the maker's share and who may call.</summary>
public sealed class SubscriptionRulesTests
{
    [Fact]
    public void End_StartedOn31January_FollowsTheAnchorNotThePreviousEnd()
    {
        var anchor = new DateTimeOffset(2027, 1, 31, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2027, 2, 28, 10, 0, 0, TimeSpan.Zero), SubscriptionPeriods.End(anchor, 1, 1));
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 10, 0, 0, TimeSpan.Zero), SubscriptionPeriods.End(anchor, 1, 2));
        Assert.Equal(new DateTimeOffset(2027, 4, 30, 10, 0, 0, TimeSpan.Zero), SubscriptionPeriods.End(anchor, 1, 3));
        Assert.Equal(SubscriptionPeriods.End(anchor, 1, 1), SubscriptionPeriods.Start(anchor, 1, 2));
        Assert.Equal(anchor, SubscriptionPeriods.Start(anchor, 1, 1));
    }

    [Fact]
    public void End_LeapDayYearly_AndBeijingOffset_AreCountedInUtc()
    {
        var leap = new DateTimeOffset(2028, 2, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2029, 2, 28, 0, 0, 0, TimeSpan.Zero), SubscriptionPeriods.End(leap, 12, 1));

        // 1 March 01:00 in Beijing is 28 February 17:00 UTC: the month is added to the UTC date.
        var beijing = new DateTimeOffset(2027, 3, 1, 1, 0, 0, TimeSpan.FromHours(8));
        var end = SubscriptionPeriods.End(beijing, 1, 1);
        Assert.Equal(TimeSpan.Zero, end.Offset);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 17, 0, 0, TimeSpan.Zero), end);
    }

    [Fact]
    public void End_Quarterly_IsThreeMonthsAPeriod()
    {
        var anchor = new DateTimeOffset(2027, 11, 30, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2028, 2, 29, 0, 0, 0, TimeSpan.Zero), SubscriptionPeriods.End(anchor, 3, 1));
        Assert.Equal(new DateTimeOffset(2028, 5, 30, 0, 0, 0, TimeSpan.Zero), SubscriptionPeriods.End(anchor, 3, 2));
    }

    [Theory]
    [InlineData(10, 20, 8)]
    [InlineData(0.0001, 20, 0.0001)] // 0.00008 rounds away from zero to 0.0001
    [InlineData(0.3333, 20, 0.2666)]
    [InlineData(9.99, 0, 9.99)]
    [InlineData(9.99, 100, 0)]
    public void MakerShare_IsThePriceLessTheFeeRoundedToFourDecimals(decimal price, decimal fee, decimal expected)
    {
        Assert.Equal(expected, SkillMoney.MakerShare(price, fee));
    }

    [Fact]
    public void MakerShare_FeeOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SkillMoney.MakerShare(1, 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkillMoney.MakerShare(-1, 20));
    }

    [Fact]
    public void PeriodPrice_AndPlansOffered_FollowThePricing()
    {
        Assert.Equal(29.7m, SubscriptionRules.PeriodPrice(SkillPlans.Quarterly, 9.9m));
        Assert.Equal(118.8m, SubscriptionRules.PeriodPrice(SkillPlans.Yearly, 9.9m));
        Assert.True(SubscriptionRules.Offers(SkillPricingType.Subscription, SkillPlans.Monthly));
        Assert.False(SubscriptionRules.Offers(SkillPricingType.Subscription, SkillPlans.PerCall));
        Assert.True(SubscriptionRules.Offers(SkillPricingType.Usage, SkillPlans.PerCall));
        Assert.False(SubscriptionRules.Offers(SkillPricingType.Free, SkillPlans.Monthly));
        Assert.False(SubscriptionRules.Offers(SkillPricingType.Free, null));
    }

    [Fact]
    public void Keys_FollowTheLedgerScheme()
    {
        var id = Guid.Parse("11111111-2222-3333-4444-555555555555");
        Assert.Equal("skill-sub:11111111-2222-3333-4444-555555555555:2", SkillMoney.PeriodKey(id, 2));
        Assert.Equal("skill-sub:11111111-2222-3333-4444-555555555555:2:maker", SkillMoney.PeriodMakerKey(id, 2));
        Assert.Equal("skill-call:r:c", SkillMoney.CallHoldKey("r:c"));
        Assert.Equal("skill-call:r:c:maker", SkillMoney.CallMakerKey("r:c"));
    }

    [Fact]
    public void Callable_ActiveInPeriod_CancelledUntilItsEnd_NeverExpiredOrSuspended()
    {
        var now = DateTimeOffset.UtcNow;
        var later = now.AddDays(1);
        var earlier = now.AddDays(-1);
        const SkillStatus pub = SkillStatus.Published;
        const SkillVersionStatus vpub = SkillVersionStatus.Published;

        Assert.True(SubscriptionRules.Callable(SubscriptionStatus.Active, later, pub, vpub, now));
        Assert.True(SubscriptionRules.Callable(SubscriptionStatus.Active, null, pub, vpub, now));
        Assert.False(SubscriptionRules.Callable(SubscriptionStatus.Active, earlier, pub, vpub, now));
        Assert.True(SubscriptionRules.Callable(SubscriptionStatus.Cancelled, later, pub, vpub, now));
        Assert.False(SubscriptionRules.Callable(SubscriptionStatus.Cancelled, null, pub, vpub, now));
        Assert.False(SubscriptionRules.Callable(SubscriptionStatus.Expired, later, pub, vpub, now));
        Assert.False(SubscriptionRules.Callable(SubscriptionStatus.Active, later, SkillStatus.Suspended, vpub, now));
        Assert.False(SubscriptionRules.Callable(SubscriptionStatus.Active, later, pub, SkillVersionStatus.Rejected, now));
    }
}
