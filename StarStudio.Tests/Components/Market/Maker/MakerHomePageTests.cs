using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Web.Components.Market.Maker;

namespace StarStudio.Tests.Components.Market.Maker;

public class MakerHomePageTests : ComponentTest
{
    private readonly FakeMarketMaker maker = new();

    public MakerHomePageTests()
    {
        Context.Services.AddSingleton<ISkillMakerService>(maker);
        Context.Render<MudPopoverProvider>();
    }

    [Fact]
    public async Task AUserWithoutTheRole_CanBecomeAMaker_AndTheCookieIsRefreshedByAFullPageLoad()
    {
        maker.IsMaker = false;
        var cut = Render<MakerHomePage>(_ => { });

        Assert.Empty(cut.FindAll("[data-testid=maker-new-skill]"));
        await cut.Find("[data-testid=maker-become]").ClickAsync();

        Assert.Equal(1, maker.BecomeCalls);
        var nav = Context.Services.GetRequiredService<NavigationManager>();
        Assert.EndsWith("/account/refresh-roles?returnUrl=%2Fmarket%2Fmaker", nav.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void MySkills_ShowStatus_TheLiveVersion_AndVersionsInReviewOrRejectedWithTheirReasons()
    {
        var id = Guid.NewGuid();
        maker.Mine.Add(new MakerSkillSummary(id, "天气查询", "🌦️", "weather", SkillStatus.Published, null, "1.0.0",
        [
            new SkillVersionView(Guid.NewGuid(), id, "1.2.0", "c", SkillVersionStatus.PendingReview, null, DateTimeOffset.UnixEpoch, null),
            new SkillVersionView(Guid.NewGuid(), id, "1.1.0", "c", SkillVersionStatus.Rejected, "价格说明不清楚", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        ], DateTimeOffset.UnixEpoch));
        maker.Mine.Add(new MakerSkillSummary(Guid.NewGuid(), "计算器", "🧮", "calculator", SkillStatus.Suspended, "返回违规内容", "2.0.0", [], DateTimeOffset.UnixEpoch));
        var cut = Render<MakerHomePage>(_ => { });

        Assert.Equal(["已上架", "已下架"], cut.FindAll("[data-testid=maker-skill-status]").Select(e => e.TextContent));
        Assert.Equal($"/market/maker/skills/{id}", cut.Find("[data-testid=maker-skill-link]").GetAttribute("href"));
        Assert.Contains("v1.0.0", cut.Find("[data-testid=maker-skill-published]").TextContent, StringComparison.Ordinal);
        var versions = cut.FindAll("[data-testid=maker-version]");
        Assert.Equal(2, versions.Count);
        Assert.Contains("1.2.0 · 审核中", versions[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("已驳回：价格说明不清楚", versions[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("返回违规内容", cut.Find("[data-testid=maker-skill-suspended]").TextContent, StringComparison.Ordinal);
        Assert.Equal("/market/maker/skills/new", cut.Find("[data-testid=maker-new-skill]").GetAttribute("href"));
    }
}
