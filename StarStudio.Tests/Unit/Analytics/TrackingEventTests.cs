using StarStudio.Core.Analytics;

namespace StarStudio.Tests.Unit.Analytics;

public sealed class TrackingEventTests
{
    [Fact]
    public void DerivedIds_AreStablePerEventAndRow_AndDifferAcrossEvents()
    {
        var order = Guid.NewGuid().ToString();
        Assert.Equal(TrackingEventIds.For(TrackingEventKeys.OrderPaid, order), TrackingEventIds.For(TrackingEventKeys.OrderPaid, order));
        Assert.NotEqual(TrackingEventIds.For(TrackingEventKeys.OrderPaid, order), TrackingEventIds.For(TrackingEventKeys.TrialEntered, order));
        Assert.Equal(8, TrackingEventIds.For("a.b", "c").Version);
        Assert.NotEqual(TrackingEventIds.New(), TrackingEventIds.New());
    }

    [Theory]
    [InlineData("user.signed_in", true)]
    [InlineData("chat", false)]
    [InlineData("Chat.Started", false)]
    [InlineData("chat.started; drop table", false)]
    [InlineData("", false)]
    public void EventKeys_AreLowerCaseDotted(string key, bool ok) => Assert.Equal(ok, TrackingEvent.IsWellFormedKey(key));

    [Fact]
    public void EveryKnownKeyIsWellFormed() => Assert.All(TrackingEventKeys.All, k => Assert.True(TrackingEvent.IsWellFormedKey(k), k));

    [Fact]
    public void Range_RefusesReversedAndTooLongRanges()
    {
        var d = new DateOnly(2026, 12, 6);
        Assert.Empty(new AnalyticsRange(d, d).Validate());
        Assert.Equal("Analytics.Range.Reversed", new AnalyticsRange(d, d.AddDays(-1)).Validate().Single().Code);
        Assert.Equal("Analytics.Range.TooLong", new AnalyticsRange(d.AddDays(-AnalyticsRange.MaxDays), d).Validate().Single().Code);
        Assert.Empty(new AnalyticsRange(d.AddDays(1 - AnalyticsRange.MaxDays), d).Validate());
        var last = AnalyticsRange.Last(30, DateTimeOffset.Parse("2026-12-06T17:00:00Z"));
        Assert.Equal((new DateOnly(2026, 11, 8), new DateOnly(2026, 12, 7)), (last.From, last.To));
    }

    [Fact]
    public void Csv_HasAPeriodColumnAndOneColumnPerSeries_AndNeutralisesFormulas()
    {
        var from = AnalyticsCalendar.DayKey(new DateOnly(2026, 12, 5));
        var chart = new AnalyticsChart("chat", AnalyticsGrain.Day, [from, from + 1],
            [new AnalyticsSeries(AnalyticsMetrics.Conversations, [3m, 0m]), new AnalyticsSeries(AnalyticsMetrics.Messages, [10.5m, 2m])]);

        var csv = chart.ToCsv("日期", ["新对话", "=cmd"]);

        Assert.Equal("\uFEFF日期,新对话,'=cmd\r\n2026-12-05,3,10.5\r\n2026-12-06,0,2\r\n", csv);
        Assert.Equal(3m, chart.Series[0].Summary);
    }

    [Fact]
    public void Summary_OfUserCountsIsThePeak_NotTheSum()
    {
        Assert.Equal(5m, new AnalyticsSeries(AnalyticsMetrics.ActiveUsers, [3m, 5m, 4m]).Summary);
        Assert.Equal(12m, new AnalyticsSeries(AnalyticsMetrics.Messages, [3m, 5m, 4m]).Summary);
    }
}
