using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Analytics;
using StarStudio.Core.Common;
using StarStudio.TestSupport;
using StarStudio.Web.Components.Admin.Analytics;

namespace StarStudio.Tests.Components.Analytics;

/// <summary><c>/admin/analytics</c>: the range picker (presets, dates, grain, bad ranges at the field) and each chart's CSV.</summary>
public class AnalyticsPageTests : ComponentTest
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T10:00:00+08:00");
    private readonly FakeAnalytics analytics = new();

    public AnalyticsPageTests()
    {
        Context.Services.AddSingleton<IAnalyticsService>(analytics);
        Context.Services.AddSingleton<TimeProvider>(new ManualClock(Now));
    }

    private IRenderedComponent<AnalyticsPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
        return Context.Render<AnalyticsPage>();
    }

    [Fact]
    public void Opens_OnTheLast30BeijingDays_WithEveryChartAndItsTotals()
    {
        var cut = RenderPage();

        var range = Assert.Single(analytics.Ranges);
        Assert.Equal((new DateOnly(2026, 11, 7), new DateOnly(2026, 12, 6), AnalyticsGrain.Day), (range.From, range.To, range.Grain));
        Assert.Equal(AnalyticsMetrics.Charts.Count, cut.FindAll("[data-testid^=analytics-chart-]").Count);
        // The fake puts the day's index + 1 in every metric: 30 days sum to 465; users show their peak.
        Assert.Equal("465", cut.Find("[data-testid=analytics-total-messages]").TextContent.Trim());
        Assert.Equal("30", cut.Find("[data-testid=analytics-total-active_users]").TextContent.Trim());
    }

    [Fact]
    public async Task RollUp_SaysItsTimeBesideTheRolledUpDate_NotInASnackbarOverTheButton()
    {
        var cut = RenderPage();
        Assert.Empty(cut.FindAll("[data-testid=analytics-rollup-result]"));

        await cut.Find("[data-testid=analytics-rollup]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("· 汇总完成，用时 5 毫秒。", cut.Find("[data-testid=analytics-rollup-result]").TextContent.Trim()));
        Assert.Equal(2, analytics.Ranges.Count); // the charts reloaded
        Assert.Empty(Context.Services.GetRequiredService<ISnackbar>().ShownSnackbars);
    }

    [Fact]
    public async Task Presets_Dates_AndGrain_ReloadTheCharts()
    {
        var cut = RenderPage();

        await cut.Find("button[data-testid=analytics-preset-90]").ClickAsync();
        await cut.Find("button[data-testid=analytics-grain-week]").ClickAsync();
        await cut.Find("#analytics-from").ChangeAsync(new ChangeEventArgs { Value = "2026-12-01" });

        cut.WaitForAssertion(() => Assert.Equal(4, analytics.Ranges.Count));
        Assert.Equal((new DateOnly(2026, 9, 8), new DateOnly(2026, 12, 6), AnalyticsGrain.Day), (analytics.Ranges[1].From, analytics.Ranges[1].To, analytics.Ranges[1].Grain));
        Assert.Equal(AnalyticsGrain.Week, analytics.Ranges[2].Grain);
        Assert.Equal((new DateOnly(2026, 12, 1), AnalyticsGrain.Week), (analytics.Ranges[3].From, analytics.Ranges[3].Grain));
        cut.WaitForAssertion(() => Assert.Contains("2026-W49", cut.Find("[data-testid=analytics-chart-active]").TextContent));
    }

    [Fact]
    public async Task ReversedOrTooLongRanges_AreShownAtTheField_AndNotLoaded()
    {
        var cut = RenderPage();

        await cut.Find("#analytics-from").ChangeAsync(new ChangeEventArgs { Value = "2026-12-20" });
        cut.WaitForAssertion(() => Assert.Contains("结束日期早于开始日期", cut.Find("[data-testid=analytics-range]").TextContent));
        await cut.Find("#analytics-from").ChangeAsync(new ChangeEventArgs { Value = "2020-01-01" });
        cut.WaitForAssertion(() => Assert.Contains("日期范围最多 731 天", cut.Find("[data-testid=analytics-range]").TextContent));

        Assert.Single(analytics.Ranges);
    }

    [Fact]
    public void Csv_OfAChart_HoldsItsSeriesPerPeriod_WithChineseHeaders()
    {
        var cut = RenderPage();

        var link = cut.Find("[data-testid=analytics-csv-chat]");
        var href = link.GetAttribute("href")!;
        Assert.StartsWith("data:text/csv;charset=utf-8,", href, StringComparison.Ordinal);
        var csv = Uri.UnescapeDataString(href["data:text/csv;charset=utf-8,".Length..]);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("日期,新对话,回答消息数", lines[0]);
        Assert.Equal("2026-11-07,1,1", lines[1]);
        Assert.Equal("2026-12-06,30,30", lines[^1]);
        Assert.Equal(31, lines.Length);
        Assert.Equal("analytics-chat-day-2026-11-07-2026-12-06.csv", link.GetAttribute("download"));
    }

    [Fact]
    public void NonAdmin_SeesForbidden()
    {
        analytics.Forbid = true;
        var cut = RenderPage();
        Assert.Empty(cut.FindAll("[data-testid^=analytics-chart-]"));
        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
    }

    private sealed class FakeAnalytics : IAnalyticsService
    {
        public List<AnalyticsRange> Ranges { get; } = [];
        public bool Forbid { get; set; }

        public Task<Result<AnalyticsDashboard>> GetAsync(AnalyticsRange range, CancellationToken ct = default)
        {
            Ranges.Add(range);
            if (Forbid)
            {
                return Task.FromResult(Result<AnalyticsDashboard>.Forbidden());
            }

            var periods = AnalyticsCalendar.Periods(range.FromKey, range.ToKey, range.Grain);
            var charts = AnalyticsMetrics.Charts.Select(c => new AnalyticsChart(c.Key, range.Grain, periods,
                c.Metrics.Select(m => new AnalyticsSeries(m, periods.Select((_, i) => (decimal)(i + 1)).ToList())).ToList())).ToList();
            return Task.FromResult(Result<AnalyticsDashboard>.Ok(new AnalyticsDashboard(range, charts, Now)));
        }

        public Task<Result<AnalyticsRollupResult>> RollUpNowAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<AnalyticsRollupResult>.Ok(new AnalyticsRollupResult(1, 2, 3, TimeSpan.FromMilliseconds(5))));
    }
}
