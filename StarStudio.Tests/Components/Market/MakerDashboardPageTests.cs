using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Core.Market.Dashboard;
using StarStudio.Web.Components.Market.Dashboard;

namespace StarStudio.Tests.Components.Market;

public sealed class MakerDashboardPageTests : ComponentTest
{
    private sealed class FakeDashboard : IMakerDashboardService
    {
        public Func<int, Guid?, Result<MakerDashboard>> Answer { get; set; } = (_, _) => Result<MakerDashboard>.Forbidden();
        public List<(int Days, Guid? Skill)> Calls { get; } = [];

        public Task<Result<MakerDashboard>> GetAsync(int days, Guid? skillId = null, CancellationToken ct = default)
        {
            Calls.Add((days, skillId));
            return Task.FromResult(Answer(days, skillId));
        }
    }

    private static readonly Guid Weather = Guid.NewGuid();
    private static readonly Guid Quiet = Guid.NewGuid();

    private static MakerDashboard View(Guid? skill) => new(
        [new DashboardDay(new DateOnly(2026, 12, 4), 3, 1, 900, 0m), new DashboardDay(new DateOnly(2026, 12, 5), 20, 2, 190, 1.6m)],
        [new DashboardSkill(Weather, "天气预报", "🌤", SkillStatus.Published, 4, 23, 4.5m, 2), new DashboardSkill(Quiet, "安静技能", "🧩", SkillStatus.Draft, 0, 0, 0, 0)],
        [new DashboardReview(Weather, "天气预报", new ReviewView(Guid.NewGuid(), Guid.NewGuid(), "alice", 4, "好用", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow))],
        skill);

    private FakeDashboard Setup()
    {
        var fake = new FakeDashboard();
        Context.Services.AddSingleton<IMakerDashboardService>(fake);
        Context.Render<MudBlazor.MudPopoverProvider>();
        return fake;
    }

    [Fact]
    public void ShowsTotals_Charts_SkillsWithSubscribers_Reviews_AndACsvWithABom()
    {
        var fake = Setup();
        fake.Answer = (_, s) => Result<MakerDashboard>.Ok(View(s));

        var cut = Render<MakerDashboardPage>(_ => { });

        Assert.Equal((DashboardMath.DefaultDays, (Guid?)null), Assert.Single(fake.Calls));
        Assert.Equal("23", cut.Find("[data-testid=dashboard-calls]").TextContent.Trim());
        Assert.Equal("¥1.60", cut.Find("[data-testid=dashboard-revenue]").TextContent.Trim());
        Assert.Equal("3 (13%)", cut.Find("[data-testid=dashboard-errors]").TextContent.Trim());
        Assert.Equal("4", cut.Find("[data-testid=dashboard-subscribers]").TextContent.Trim());
        Assert.NotEmpty(cut.Find("[data-testid=dashboard-chart-calls]").QuerySelectorAll("svg"));
        Assert.NotEmpty(cut.Find("[data-testid=dashboard-chart-revenue]").QuerySelectorAll("svg"));
        Assert.Equal(2, cut.FindAll("[data-testid=dashboard-skill-row]").Count);
        Assert.Contains("好用", cut.Find("[data-testid=dashboard-review]").TextContent, StringComparison.Ordinal);

        var csv = cut.Find("[data-testid=dashboard-csv]");
        var href = csv.GetAttribute("href")!;
        Assert.StartsWith("data:text/csv;charset=utf-8,%EF%BB%BF", href, StringComparison.Ordinal);
        var text = Uri.UnescapeDataString(href["data:text/csv;charset=utf-8,".Length..]);
        Assert.Equal("日期（北京时间）,调用次数,失败次数,失败率,P95 延迟（毫秒）,收入（元）", text[1..].Split("\r\n")[0]);
        Assert.Equal("2026-12-05,20,2,0.1,190,1.60", text[1..].Split("\r\n")[2]);
        Assert.EndsWith(".csv", csv.GetAttribute("download"), StringComparison.Ordinal);
    }

    [Fact]
    public void ANonMaker_SeesTheForbiddenNotice_NotNumbers()
    {
        Setup();

        var cut = Render<MakerDashboardPage>(_ => { });

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-calls]"));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-csv]"));
    }

    [Fact]
    public void AFailingService_IsAReadableAlert()
    {
        var fake = Setup();
        fake.Answer = (_, _) => throw new TimeoutException("pg timeout");

        var cut = Render<MakerDashboardPage>(_ => { });

        Assert.Contains("数据看板暂时无法加载", cut.Find("[data-testid=dashboard-error]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("pg timeout", cut.Markup, StringComparison.Ordinal);
    }
}
