using StarStudio.Core.Growth;

namespace StarStudio.Tests.Unit.Growth;

public class GrowthPeriodsTests
{
    [Fact]
    public void DayKey_JustBeforeUtcMidnight_IsAlreadyTheNextBeijingDay()
    {
        // 15:59:59 UTC is 23:59:59 in Beijing; 16:00 UTC is the next Beijing day, long before UTC's midnight.
        Assert.Equal(20261205, GrowthPeriods.DayKey(new DateTimeOffset(2026, 12, 5, 15, 59, 59, TimeSpan.Zero)));
        Assert.Equal(20261206, GrowthPeriods.DayKey(new DateTimeOffset(2026, 12, 5, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(20261206, GrowthPeriods.DayKey(new DateTimeOffset(2026, 12, 5, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal(20261206, GrowthPeriods.DayKey(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void DayKey_OtherOffsets_AreConvertedToBeijing()
    {
        Assert.Equal(20270101, GrowthPeriods.DayKey(new DateTimeOffset(2026, 12, 31, 11, 0, 0, TimeSpan.FromHours(-5))));
        Assert.Equal(20261231, GrowthPeriods.DayKey(new DateTimeOffset(2026, 12, 31, 23, 59, 0, TimeSpan.FromHours(8))));
    }

    [Theory]
    [InlineData("2026-12-07T00:00:00+08:00", 20261207)] // Monday
    [InlineData("2026-12-13T23:59:59+08:00", 20261207)] // Sunday of the same ISO week
    [InlineData("2026-12-13T16:00:00+00:00", 20261214)] // Monday 00:00 in Beijing, still Sunday in UTC
    [InlineData("2027-01-01T12:00:00+08:00", 20261228)] // a week across the new year starts in the old one
    public void PeriodKey_Weekly_IsTheBeijingMondayOfTheIsoWeek(string instant, int expected) =>
        Assert.Equal(expected, GrowthPeriods.PeriodKey(TaskCycle.Weekly, DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void PeriodKey_DailyAndOnce_AreTheDayAndZero()
    {
        var now = new DateTimeOffset(2026, 12, 5, 17, 0, 0, TimeSpan.Zero);
        Assert.Equal(20261206, GrowthPeriods.PeriodKey(TaskCycle.Daily, now));
        Assert.Equal(0, GrowthPeriods.PeriodKey(TaskCycle.Once, now));
    }

    [Fact]
    public void ClaimKey_IsTheSeedsShape()
    {
        var user = Guid.Parse("0b9d1a47-63a1-4d7c-8a62-2ad0b6f6a001");
        Assert.Equal("0b9d1a47-63a1-4d7c-8a62-2ad0b6f6a001:daily_sign_in:20261205", GrowthPeriods.ClaimKey(user, "daily_sign_in", 20261205));
    }
}
