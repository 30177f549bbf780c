using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Recommendations;
using StarStudio.Web.Components.Admin.Recommendations;

namespace StarStudio.Tests.Components.Recommendations;

public class RecommendationsAdminPageTests : ComponentTest
{
    private readonly FakeRecommendationService recs = new();

    public RecommendationsAdminPageTests()
    {
        Context.Services.AddSingleton<IRecommendationService>(recs);
        Context.Services.AddSingleton(TimeProvider.System);
    }

    private IRenderedComponent<RecommendationsAdminPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<RecommendationsAdminPage>();
    }

    [Fact]
    public void AdminPage_CountsAndClickThroughRateByReason_WithATotal()
    {
        recs.Stats =
        [
            new(RecommendationReason.Store(RecommendationReasonCode.BecauseYouLiked), 8, 2, 1, 1),
            new(RecommendationReason.Store(RecommendationReasonCode.PopularOverall), 2, 0, 0, 1),
        ];

        var cut = RenderPage();

        var rows = cut.FindAll("[data-testid=recs-admin-row]");
        Assert.Equal(2, rows.Count);
        Assert.Contains("因为你喜欢", rows[0].TextContent);
        Assert.Equal(["8", "2", "1", "1"], new[] { "shown", "clicked", "liked", "dismissed" }.Select(c => rows[0].QuerySelector($"[data-testid=recs-{c}]")!.TextContent.Trim()));
        Assert.Equal("25.0%", rows[0].QuerySelector("[data-testid=recs-ctr]")!.TextContent.Trim());
        var total = cut.Find("[data-testid=recs-admin-total]");
        Assert.Equal("10", total.QuerySelector("[data-testid=recs-shown]")!.TextContent.Trim());
        Assert.Equal("20.0%", total.QuerySelector("[data-testid=recs-ctr]")!.TextContent.Trim());
    }

    [Fact]
    public async Task AdminPage_DefaultRangeIsTheLastSevenDays_AndAChangedDateReloads()
    {
        var cut = RenderPage();
        var (from, to) = Assert.Single(recs.StatsCalls);
        Assert.Equal(6, to.DayNumber - from.DayNumber);
        Assert.NotNull(cut.Find("[data-testid=recs-admin-empty]"));

        await cut.Find("#recs-from").ChangeAsync(new ChangeEventArgs { Value = "2026-11-01" });

        cut.WaitForAssertion(() => Assert.Equal(new DateOnly(2026, 11, 1), recs.StatsCalls[^1].From));
    }

    [Fact]
    public async Task AdminPage_EndBeforeStart_SaysSo()
    {
        var cut = RenderPage();

        await cut.Find("#recs-to").ChangeAsync(new ChangeEventArgs { Value = "2020-01-01" });

        cut.WaitForAssertion(() => Assert.Contains("结束日期早于开始日期", cut.Find("[data-testid=recs-admin-error]").TextContent));
    }

    [Fact]
    public void AdminPage_NonAdmin_SeesForbidden()
    {
        recs.Forbid = true;

        var cut = RenderPage();

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
    }
}
