using StarStudio.Core.Analytics;

namespace StarStudio.Tests.Unit.Analytics;

/// <summary>Seed 003's Beijing day key and the date dimension's week (ISO), month, quarter and year keys.</summary>
public sealed class AnalyticsCalendarTests
{
    [Fact]
    public void DayKey_CountsBeijingDaysSinceTheEpoch()
    {
        Assert.Equal(0, AnalyticsCalendar.DayKey(DateTimeOffset.Parse("1969-12-31T16:00:00Z")));
        Assert.Equal(-1, AnalyticsCalendar.DayKey(DateTimeOffset.Parse("1969-12-31T15:59:59.999Z")));
        Assert.Equal(0, AnalyticsCalendar.DayKey(new DateOnly(1970, 1, 1)));
    }

    [Fact]
    public void DayKey_TheBeijingDayEndsAt1600Utc()
    {
        var dec6 = AnalyticsCalendar.DayKey(new DateOnly(2026, 12, 6));
        Assert.Equal(dec6, AnalyticsCalendar.DayKey(DateTimeOffset.Parse("2026-12-06T15:59:59.999Z")));
        Assert.Equal(dec6 + 1, AnalyticsCalendar.DayKey(DateTimeOffset.Parse("2026-12-06T16:00:00Z")));
        // 07:59 on the 6th in Beijing is still the 6th, although UTC says the 5th.
        Assert.Equal(dec6, AnalyticsCalendar.DayKey(DateTimeOffset.Parse("2026-12-05T23:59:00Z")));
        Assert.Equal(dec6, AnalyticsCalendar.DayKey(DateTimeOffset.Parse("2026-12-06T07:59:00+08:00")));
        Assert.Equal(new DateOnly(2026, 12, 6), AnalyticsCalendar.CalendarDate(dec6));
    }

    [Theory]
    [InlineData("2024-12-29", 202452, "2024-12-23", "2024-12-29")] // Sunday: the last day of 2024's last ISO week
    [InlineData("2024-12-30", 202501, "2024-12-30", "2025-01-05")] // Monday in December, already week 1 of 2025
    [InlineData("2021-01-03", 202053, "2020-12-28", "2021-01-03")] // January, still week 53 of 2020
    [InlineData("2026-12-31", 202653, "2026-12-28", "2027-01-03")] // 2026 has 53 ISO weeks
    [InlineData("2027-01-04", 202701, "2027-01-04", "2027-01-10")]
    public void Week_IsTheIsoWeek(string day, int weekKey, string start, string end)
    {
        var d = AnalyticsCalendar.For(AnalyticsCalendar.DayKey(DateOnly.Parse(day)));
        Assert.Equal(weekKey, d.IsoWeekKey);
        Assert.Equal(DateOnly.Parse(start), AnalyticsCalendar.CalendarDate(d.WeekStartDateKey));
        Assert.Equal(DateOnly.Parse(end), AnalyticsCalendar.CalendarDate(d.WeekEndDateKey));
        Assert.Equal(1, AnalyticsCalendar.For(d.WeekStartDateKey).Weekday);
        Assert.Equal(7, AnalyticsCalendar.For(d.WeekEndDateKey).Weekday);
    }

    [Theory]
    [InlineData("2026-03-31", 202603, 20261, "2026-01-01", "2026-03-31")]
    [InlineData("2026-04-01", 202604, 20262, "2026-04-01", "2026-06-30")]
    [InlineData("2026-12-31", 202612, 20264, "2026-10-01", "2026-12-31")]
    [InlineData("2024-02-29", 202402, 20241, "2024-01-01", "2024-03-31")]
    public void MonthAndQuarter(string day, int monthKey, int quarterKey, string quarterStart, string quarterEnd)
    {
        var d = AnalyticsCalendar.For(AnalyticsCalendar.DayKey(DateOnly.Parse(day)));
        Assert.Equal(monthKey, d.MonthKey);
        Assert.Equal(quarterKey, d.QuarterKey);
        Assert.Equal(DateOnly.Parse(quarterStart), AnalyticsCalendar.CalendarDate(d.QuarterStartDateKey));
        Assert.Equal(DateOnly.Parse(quarterEnd), AnalyticsCalendar.CalendarDate(d.QuarterEndDateKey));
    }

    [Fact]
    public void MonthEnd_KnowsLeapYears_AndYearBoundsAreTheCalendarYear()
    {
        var feb = AnalyticsCalendar.For(AnalyticsCalendar.DayKey(new DateOnly(2024, 2, 10)));
        Assert.Equal(new DateOnly(2024, 2, 29), AnalyticsCalendar.CalendarDate(feb.MonthEndDateKey));
        var dec31 = AnalyticsCalendar.For(AnalyticsCalendar.DayKey(new DateOnly(2024, 12, 31)));
        // The ISO week belongs to 2025, the year key stays the calendar year.
        Assert.Equal((2024, 202501), (dec31.YearKey, dec31.IsoWeekKey));
        Assert.Equal(new DateOnly(2024, 1, 1), AnalyticsCalendar.CalendarDate(dec31.YearStartDateKey));
        Assert.Equal(new DateOnly(2024, 12, 31), AnalyticsCalendar.CalendarDate(dec31.YearEndDateKey));
    }

    [Fact]
    public void Periods_ListEveryOverlappingPeriodOnce_AndLabelsReadAsDates()
    {
        var from = AnalyticsCalendar.DayKey(new DateOnly(2026, 11, 28));
        var to = AnalyticsCalendar.DayKey(new DateOnly(2026, 12, 6));
        Assert.Equal(9, AnalyticsCalendar.Periods(from, to, AnalyticsGrain.Day).Count);
        var weeks = AnalyticsCalendar.Periods(from, to, AnalyticsGrain.Week);
        Assert.Equal([202648, 202649], weeks);
        Assert.Equal([202611, 202612], AnalyticsCalendar.Periods(from, to, AnalyticsGrain.Month));
        Assert.Equal("2026-W49", AnalyticsCalendar.Label(202649, AnalyticsGrain.Week));
        Assert.Equal("2026-12", AnalyticsCalendar.Label(202612, AnalyticsGrain.Month));
        Assert.Equal("2026-11-28", AnalyticsCalendar.Label(from, AnalyticsGrain.Day));
    }
}
