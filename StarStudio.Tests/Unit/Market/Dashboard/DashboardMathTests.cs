using System.Text;
using StarStudio.Core.Market.Dashboard;

namespace StarStudio.Tests.Unit.Market.Dashboard;

public sealed class DashboardMathTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public void P95_IsTheNearestRank()
    {
        Assert.Null(DashboardMath.P95([]));
        Assert.Equal(42, DashboardMath.P95([42]));
        Assert.Equal(190, DashboardMath.P95(Enumerable.Range(1, 20).Select(i => i * 10).Reverse().ToList()));
        Assert.Equal(95, DashboardMath.P95(Enumerable.Range(1, 100).ToList()));
        Assert.Equal(96, DashboardMath.P95(Enumerable.Range(1, 101).ToList())); // rank ceil(95.95) = 96
        Assert.Equal(900, DashboardMath.P95([5, 900, 7]));
    }

    [Fact]
    public void ErrorRate_IsZeroWithoutCalls()
    {
        Assert.Equal(0, DashboardMath.ErrorRate(0, 0));
        Assert.Equal(0.25, DashboardMath.ErrorRate(8, 2));
    }

    [Fact]
    public void Window_EndsWithTheBeijingDayOfNow_AndStartsAtBeijingMidnight()
    {
        // 17:30 UTC on 4 December is 01:30 on 5 December in Beijing.
        var (days, from) = DashboardMath.Window(new DateTimeOffset(2026, 12, 4, 17, 30, 0, TimeSpan.Zero), 3);

        Assert.Equal([new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 4), new DateOnly(2026, 12, 5)], days);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 16, 0, 0, TimeSpan.Zero), from);
        Assert.Equal(DashboardMath.MaxDays, DashboardMath.Window(DateTimeOffset.UtcNow, 1000).Days.Count);
    }

    [Fact]
    public void Daily_BucketsByBeijingDay_FillsEmptyDays_AndIgnoresSamplesOutsideTheWindow()
    {
        var days = new[] { new DateOnly(2026, 12, 4), new DateOnly(2026, 12, 5) };
        var beforeMidnight = new DateTimeOffset(2026, 12, 4, 15, 59, 59, TimeSpan.Zero); // 23:59:59 on the 4th in Beijing
        var afterMidnight = new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);   // 00:00 on the 5th
        var rows = DashboardMath.Daily(days,
            [new(beforeMidnight, true, 10), new(afterMidnight, false, 30), new(afterMidnight, true, 20), new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, Beijing), true, 1)],
            [new(afterMidnight, 0.8m), new(afterMidnight.AddHours(1), 1.2m), new(beforeMidnight, 0.5m)]);

        Assert.Equal((1, 0, 10, 0.5m), (rows[0].Calls, rows[0].Errors, rows[0].P95LatencyMs!.Value, rows[0].Revenue));
        Assert.Equal((2, 1, 30, 2.0m), (rows[1].Calls, rows[1].Errors, rows[1].P95LatencyMs!.Value, rows[1].Revenue));
        Assert.Equal(0.5, rows[1].ErrorRate);
        var empty = DashboardMath.Daily(days, [], []);
        Assert.All(empty, d => Assert.Equal((0, 0, (int?)null, 0m), (d.Calls, d.Errors, d.P95LatencyMs, d.Revenue)));
    }

    [Fact]
    public void Csv_StartsWithABom_UsesCrlf_QuotesWhatNeedsIt_AndNeutralisesFormulas()
    {
        var csv = DashboardMath.Csv(
            [new DashboardDay(new DateOnly(2026, 12, 5), 20, 2, 190, 1.6m), new DashboardDay(new DateOnly(2026, 12, 6), 0, 0, null, 0m)],
            ["日期", "调用, 次数", "错误\"数\"", "错误率", "P95 (ms)", "=收入"]);

        Assert.Equal('\uFEFF', csv[0]);
        Assert.Equal([0xEF, 0xBB, 0xBF], Encoding.UTF8.GetBytes(csv)[..3]);
        var lines = csv[1..].Split("\r\n");
        Assert.Equal("日期,\"调用, 次数\",\"错误\"\"数\"\"\",错误率,P95 (ms),'=收入", lines[0]);
        Assert.Equal("2026-12-05,20,2,0.1,190,1.60", lines[1]);
        Assert.Equal("2026-12-06,0,0,0,,0.00", lines[2]);
        Assert.Equal("", lines[3]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("", "")]
    public void Quote_FollowsRfc4180(string field, string expected) => Assert.Equal(expected, DashboardMath.Quote(field));
}
