using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Web.Components.Market.Catalog;

namespace StarStudio.Tests.Components.Market;

public sealed class MarketCatalogPageTests : ComponentTest
{
    /// <summary>Records every query and answers from a fixed list filtered by the query text and category.</summary>
    private sealed class FakeCatalog : ISkillCatalogService
    {
        public List<CatalogQuery> Queries { get; } = [];
        public List<SkillCard> Cards { get; } = [];
        public bool Fail { get; set; }

        public Task<Result<CatalogPage>> SearchAsync(CatalogQuery query, CancellationToken ct = default)
        {
            Queries.Add(query);
            if (Fail)
            {
                throw new InvalidOperationException("database down");
            }

            var normalized = query.Normalize();
            if (!normalized.Succeeded)
            {
                return Task.FromResult(Result<CatalogPage>.Invalid(normalized.Errors));
            }

            var q = normalized.Value!;
            var items = Cards.Where(c => (q.Text is null || q.Terms.Any(t => (c.Name + c.Description + c.DescriptionEn).Contains(t, StringComparison.OrdinalIgnoreCase)))
                && (q.Category is null || c.Category == q.Category)).ToList();
            return Task.FromResult(Result<CatalogPage>.Ok(new CatalogPage(items, q.Page, false)));
        }

        public Task<Result<SkillDetail>> DetailAsync(Guid skillId, CancellationToken ct = default) => Task.FromResult(Result<SkillDetail>.NotFound());

        public Task<Result<ReviewPage>> ReviewsAsync(Guid skillId, int page, CancellationToken ct = default) => Task.FromResult(Result<ReviewPage>.NotFound());
    }

    private static SkillCard Card(string name, string category, SkillPricingType pricing = SkillPricingType.Free, decimal price = 0, string? descEn = null) =>
        new(Guid.NewGuid(), name, "🌤", name + "的说明", descEn, category, pricing, price, 4.5m, 12, 7, 100, DateTimeOffset.UtcNow, 0);

    private FakeCatalog Setup()
    {
        var fake = new FakeCatalog();
        fake.Cards.Add(Card("天气预报", "weather", descEn: "Weather forecast"));
        fake.Cards.Add(Card("科学计算器", "calculator", SkillPricingType.Usage, 0.05m, "Scientific calculator"));
        fake.Cards.Add(Card("图书检索", "library", SkillPricingType.Subscription, 9.9m, "Library catalogue"));
        Context.AddAuthorization();
        Context.Services.AddSingleton<ISkillCatalogService>(fake);
        Context.Render<MudBlazor.MudPopoverProvider>();
        return fake;
    }

    [Fact]
    public void Opens_WithThePopularSortAndNoFilters_AndShowsEachCardsFace()
    {
        var fake = Setup();

        var cut = Render<MarketCatalogPage>(_ => { });

        Assert.Equal(new CatalogQuery(), Assert.Single(fake.Queries));
        var cards = cut.FindAll("[data-testid=market-skill-card]");
        Assert.Equal(3, cards.Count);
        var calculator = cards[1];
        Assert.Contains("科学计算器", calculator.TextContent, StringComparison.Ordinal);
        Assert.Contains("🌤", calculator.TextContent, StringComparison.Ordinal);
        Assert.Equal("¥0.05 / 次", calculator.QuerySelector("[data-testid=market-skill-price]")!.TextContent.Trim());
        Assert.Equal("¥9.90 / 月", cards[2].QuerySelector("[data-testid=market-skill-price]")!.TextContent.Trim());
        Assert.Equal("免费", cards[0].QuerySelector("[data-testid=market-skill-price]")!.TextContent.Trim());
        Assert.Contains("4.5", calculator.QuerySelector("[data-testid=market-skill-rating]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("7 个订阅", calculator.QuerySelector("[data-testid=market-skill-subscribers]")!.TextContent.Trim());
        Assert.Equal($"/market/skills/{fake.Cards[1].Id}", calculator.QuerySelector("[data-testid=market-skill-name]")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("天气", "天气预报")]
    [InlineData("calculator", "科学计算器")]
    public async Task ASearchInChineseOrEnglish_SendsTheTextAndShowsTheMatches(string text, string expected)
    {
        var fake = Setup();
        var cut = Render<MarketCatalogPage>(_ => { });

        await cut.Find("#market-search-input").InputAsync(text);
        await cut.Find("#market-search-input").KeyUpAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(text, fake.Queries[^1].Text);
        Assert.Equal(1, fake.Queries[^1].Page);
        var card = Assert.Single(cut.FindAll("[data-testid=market-skill-card]"));
        Assert.Contains(expected, card.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACategoryChip_FiltersTheCatalog_AndAllClearsIt()
    {
        var fake = Setup();
        var cut = Render<MarketCatalogPage>(_ => { });

        await cut.Find("[data-testid=market-category-library]").ClickAsync();

        Assert.Equal("library", fake.Queries[^1].Category);
        Assert.Contains("图书检索", Assert.Single(cut.FindAll("[data-testid=market-skill-card]")).TextContent, StringComparison.Ordinal);

        await cut.Find("[data-testid=market-category-all]").ClickAsync();
        Assert.Null(fake.Queries[^1].Category);
        Assert.Equal(3, cut.FindAll("[data-testid=market-skill-card]").Count);
    }

    [Fact]
    public async Task NoMatch_ShowsTheEmptyState()
    {
        Setup();
        var cut = Render<MarketCatalogPage>(_ => { });

        await cut.Find("#market-search-input").InputAsync("不存在的技能");
        await cut.Find("[data-testid=market-search-submit]").ClickAsync();

        Assert.Empty(cut.FindAll("[data-testid=market-skill-card]"));
        Assert.Contains("没有找到符合条件的技能", cut.Find("[data-testid=market-empty]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATooLongQuery_IsShownAtTheSearchBox_AndAFailureAsAnAlert()
    {
        var fake = Setup();
        var cut = Render<MarketCatalogPage>(_ => { });

        await cut.Find("#market-search-input").InputAsync(new string('天', CatalogQuery.MaxTextLength + 1));
        await cut.Find("[data-testid=market-search-submit]").ClickAsync();
        Assert.Contains("搜索词最多 200 个字符", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=market-error]"));

        fake.Fail = true;
        await cut.Find("[data-testid=market-category-weather]").ClickAsync();
        Assert.Contains("暂时无法加载", cut.Find("[data-testid=market-error]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("database down", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TheQueryStringSeedsTheSearch_AndEnglishUiShowsEnglishDescriptions()
    {
        UseCulture("en-US");
        var fake = Setup();
        var nav = Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("/market?q=library");

        var cut = Render<MarketCatalogPage>(_ => { });

        Assert.Equal("library", fake.Queries[^1].Text);
        var card = Assert.Single(cut.FindAll("[data-testid=market-skill-card]"));
        Assert.Equal("Library catalogue", card.QuerySelector("[data-testid=market-skill-description]")!.TextContent.Trim());
        Assert.Equal("¥9.90 / month", card.QuerySelector("[data-testid=market-skill-price]")!.TextContent.Trim());
    }
}
