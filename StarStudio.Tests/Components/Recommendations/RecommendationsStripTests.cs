using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Recommendations;
using StarStudio.Web.Components.Recommendations;

namespace StarStudio.Tests.Components.Recommendations;

public class RecommendationsStripTests : ComponentTest
{
    private readonly FakeRecommendationService recs = new();

    public RecommendationsStripTests()
    {
        Context.Services.AddSingleton<IRecommendationService>(recs);
    }

    [Fact]
    public void Strip_ShowsEachCardWithItsLocalizedReason()
    {
        recs.Add("纸鸢", RecommendationReason.Of(RecommendationReasonCode.BecauseYouLiked, "墨痕"));
        recs.Add("灯塔", RecommendationReason.Of(RecommendationReasonCode.PopularInDomain, "航海"));

        var cut = Render<RecommendationsStrip>(p => p.Add(s => s.Count, 4));

        var reasons = cut.FindAll("[data-testid=recs-reason]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["因为你喜欢「墨痕」", "航海 星域热门"], reasons);
        Assert.Equal(["纸鸢", "灯塔"], cut.FindAll("[data-testid=recs-name]").Select(e => e.TextContent.Trim()));
        Assert.Equal(2, cut.FindAll("[data-testid=recs-dismiss]").Count(b => b.TextContent.Contains("不感兴趣")));
    }

    [Fact]
    public void Strip_InEnglish_ReasonIsEnglish()
    {
        UseCulture("en-US");
        recs.Add("Kite", RecommendationReason.Of(RecommendationReasonCode.BecauseYouChatted, "Ink"));

        var cut = Render<RecommendationsStrip>(_ => { });

        Assert.Equal("Because you chatted with “Ink”", cut.Find("[data-testid=recs-reason]").TextContent.Trim());
    }

    [Fact]
    public async Task Strip_Dismiss_RecordsAndRemovesTheCard()
    {
        var keep = recs.Add("纸鸢", RecommendationReason.Of(RecommendationReasonCode.PopularOverall));
        var drop = recs.Add("灯塔", RecommendationReason.Of(RecommendationReasonCode.NewStar));
        var cut = Render<RecommendationsStrip>(_ => { });

        await cut.FindAll("[data-testid=recs-dismiss]")[1].ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=recs-card]")));
        Assert.Equal([drop.LogId], recs.Dismissals);
        Assert.Equal(keep.StarId.ToString(), cut.Find("[data-testid=recs-card]").GetAttribute("data-star"));
    }

    [Fact]
    public async Task Strip_Open_RecordsTheClickAndNavigatesToTheStar()
    {
        var item = recs.Add("纸鸢", RecommendationReason.Of(RecommendationReasonCode.PopularOverall));
        var cut = Render<RecommendationsStrip>(_ => { });

        await cut.Find("[data-testid=recs-open]").ClickAsync(new());

        var nav = Context.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith($"/stars/{item.StarId}", nav.Uri));
        Assert.Equal([item.LogId], recs.Clicks);
    }

    [Fact]
    public async Task Strip_OpenAStarMadePrivateSince_SaysSoAndDoesNotNavigate()
    {
        var item = recs.Add("纸鸢", RecommendationReason.Of(RecommendationReasonCode.PopularOverall));
        recs.NoLongerPublic.Add(item.StarId);
        var cut = Render<RecommendationsStrip>(_ => { });
        var nav = Context.Services.GetRequiredService<NavigationManager>();
        var before = nav.Uri;

        await cut.Find("[data-testid=recs-open]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("「纸鸢」已不再公开", cut.Find("[data-testid=recs-notice]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=recs-card]"));
        Assert.Equal(before, nav.Uri);
    }

    [Fact]
    public void Strip_NothingToRecommend_SaysHowToGetSome()
    {
        var cut = Render<RecommendationsStrip>(_ => { });

        Assert.Contains("暂时还没有推荐", cut.Find("[data-testid=recs-empty]").TextContent);
    }
}
