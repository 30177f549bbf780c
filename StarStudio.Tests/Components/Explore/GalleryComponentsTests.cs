using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Core.Growth;
using StarStudio.Web.Components.Explore;

namespace StarStudio.Tests.Components.Explore;

public sealed class GalleryComponentsTests : ComponentTest
{
    // The selects need a popover provider, rendered once the services are in (bUnit refuses services after a render).
    private void Use(IGalleryService gallery)
    {
        Context.Services.AddSingleton(gallery);
        Context.Render<MudBlazor.MudPopoverProvider>();
    }

    private static GalleryCard Card(string name, string domain = "古籍修复", string[]? tags = null, int likes = 3, long plays = 12, bool liked = false) =>
        new(Guid.NewGuid(), name, domain, "温和", tags ?? ["历史"], false, MagnitudeLevel.L3, likes, plays, 1.5, DateTimeOffset.UtcNow, liked);

    /// <summary>Serves fixed pages and remembers every query it was asked.</summary>
    private sealed class FakeGallery(Func<GalleryQuery, Result<GalleryPage>> pages) : IGalleryService
    {
        public List<GalleryQuery> Asked { get; } = [];

        public Task<Result<GalleryPage>> SearchAsync(GalleryQuery query, CancellationToken ct = default)
        {
            Asked.Add(query);
            var normalized = query.Normalize();
            return Task.FromResult(normalized.Succeeded ? pages(normalized.Value!) : Result<GalleryPage>.Invalid(normalized.Errors));
        }

        public Task<GalleryFacets> FacetsAsync(CancellationToken ct = default) =>
            Task.FromResult(new GalleryFacets([new FacetValue("古籍修复", 2), new FacetValue("天文学", 1)], [new FacetValue("历史", 2)]));

        public Task<Result<StarProfile>> ProfileAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<RecentlyChatted>> RecentlyChattedAsync(int take, CancellationToken ct = default) => throw new NotSupportedException();
    }

    [Fact]
    public void GalleryStarCard_ShowsEverythingACardNeeds_AndLinksProfileAndChat()
    {
        var card = Card("墨痕·古籍修复师", tags: ["历史", "修复"], likes: 7, plays: 42, liked: true);

        var cut = Render<GalleryStarCard>(p => p.Add(c => c.Card, card));

        Assert.Equal("墨痕·古籍修复师", cut.Find("[data-testid=gallery-card-name]").TextContent.Trim());
        Assert.Contains("古籍修复 · 温和", cut.Find("[data-testid=gallery-card-domain]").TextContent, StringComparison.Ordinal);
        Assert.Contains("#修复", cut.Find("[data-testid=gallery-card-tags]").TextContent, StringComparison.Ordinal);
        Assert.Contains("L3", cut.Find("[data-testid=gallery-card-magnitude]").TextContent, StringComparison.Ordinal);
        Assert.Contains("7", cut.Find("[data-testid=gallery-card-likes]").TextContent, StringComparison.Ordinal);
        Assert.Contains("42", cut.Find("[data-testid=gallery-card-plays]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/explore/stars/{card.StarId}", cut.Find("[data-testid=gallery-card-open]").GetAttribute("href"));
        Assert.Equal($"/stars/{card.StarId}", cut.Find("[data-testid=gallery-card-chat]").GetAttribute("href"));
    }

    [Fact]
    public void GalleryStarCard_NoMagnitudeYet_ShowsNoLevel()
    {
        var cut = Render<GalleryStarCard>(p => p.Add(c => c.Card, Card("新星") with { Magnitude = null }));

        Assert.Empty(cut.FindAll("[data-testid=gallery-card-magnitude]"));
    }

    [Fact]
    public void GalleryBrowser_SearchAndTagFilter_AskTheServiceWithThem_AndShowTheCards()
    {
        var gallery = new FakeGallery(q => Result<GalleryPage>.Ok(new GalleryPage(
            q.Text == "古籍" ? [Card("墨痕·古籍修复师")] : [Card("墨痕·古籍修复师"), Card("观星者", "天文学")], q.Page, false)));
        Use(gallery);
        var cut = Context.Render<GalleryBrowser>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=gallery-card]").Count));

        cut.Find("#gallery-search-input").Input("古籍");
        cut.Find("[data-testid=gallery-search-go]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=gallery-card]")));
        Assert.Equal("古籍", gallery.Asked.Last().Text);

        // A tag chip on a card filters by it, keeping the search.
        cut.FindAll("[data-testid=gallery-card-tags] .mud-chip").First().Click();
        cut.WaitForAssertion(() => Assert.Equal(("古籍", "历史"), (gallery.Asked.Last().Text, gallery.Asked.Last().Tag)));
    }

    [Fact]
    public void GalleryBrowser_SortAndLoadMore_AskForTheNextPageInTheChosenOrder_AndAppend()
    {
        var gallery = new FakeGallery(q => Result<GalleryPage>.Ok(new GalleryPage([Card($"第{q.Page}页")], q.Page, q.Page < 2)));
        Use(gallery);
        var cut = Context.Render<GalleryBrowser>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=gallery-more]"));

        cut.Find("[data-testid=gallery-sort-new]").Click();
        cut.WaitForAssertion(() => Assert.Equal(GallerySort.New, gallery.Asked.Last().Sort));
        cut.Find("[data-testid=gallery-more]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=gallery-card]").Count));
        Assert.Equal((2, GallerySort.New), (gallery.Asked.Last().Page, gallery.Asked.Last().Sort));
        Assert.Empty(cut.FindAll("[data-testid=gallery-more]"));
    }

    [Fact]
    public void GalleryBrowser_OnlySymbols_SaysThereIsNothingToSearch_AndAnOverlongQueryShowsTheLimit()
    {
        var gallery = new FakeGallery(q => Result<GalleryPage>.Ok(q.Text is "%%%"
            ? new GalleryPage([], 1, false, NoSearchableWords: true)
            : new GalleryPage([Card("观星者")], 1, false)));
        Use(gallery);
        var cut = Context.Render<GalleryBrowser>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=gallery-card]"));

        cut.Find("#gallery-search-input").Input("%%%");
        cut.Find("[data-testid=gallery-search-go]").Click();
        cut.WaitForAssertion(() => Assert.Contains("没有可以查找", cut.Find("[data-testid=gallery-empty]").TextContent, StringComparison.Ordinal));

        cut.Find("#gallery-search-input").Input(new string('古', GalleryQuery.MaxTextLength + 1));
        cut.Find("[data-testid=gallery-search-go]").Click();
        cut.WaitForAssertion(() => Assert.Contains($"最多 {GalleryQuery.MaxTextLength} 个字符", cut.Markup, StringComparison.Ordinal));
    }
}
