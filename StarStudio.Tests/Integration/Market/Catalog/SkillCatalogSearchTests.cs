using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Data.Market.Catalog;

namespace StarStudio.Tests.Integration.Market.Catalog;

/// <summary>One catalog arranged once: published skills in Chinese and English, and the rows search must never show.</summary>
public sealed class CatalogSearchFixture : IAsyncLifetime
{
    public PostgresDatabase Pg { get; } = new();
    public Guid Weather { get; private set; }
    public Guid Calculator { get; private set; }
    public Guid Library { get; private set; }
    public Guid Translator { get; private set; }
    public Guid Draft { get; private set; }
    public Guid Suspended { get; private set; }
    public Guid Renamed { get; private set; }
    public UserContext Maker { get; private set; } = UserContext.Anonymous;

    public async Task InitializeAsync()
    {
        await Pg.InitializeAsync();
        Maker = await CatalogArrange.MakerAsync(Pg);
        var now = DateTimeOffset.UtcNow;
        Weather = (await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("天气预报")
        {
            Description = "查询全国城市未来七天的天气预报和空气质量", DescriptionEn = "Seven-day weather forecast and air quality for Chinese cities",
            Category = "weather", Calls = 500, Subscribers = 3, RatingAvg = 4.2m, RatingCount = 5, PublishedAt = now.AddDays(-30),
            Examples = """[{"question":"明天北京会下雨吗","arguments":{"city":"北京"},"note":"按城市查询"}]""",
        })).SkillId;
        Calculator = (await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("科学计算器")
        {
            Description = "四则运算、单位换算和统计", DescriptionEn = "Scientific calculator with unit conversion", Category = "calculator",
            Pricing = SkillPricingType.Usage, Price = 0.05m, Calls = 900, Subscribers = 1, RatingAvg = 3.1m, RatingCount = 7, PublishedAt = now.AddDays(-5),
        })).SkillId;
        Library = (await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("Library Catalogue")
        {
            Description = "检索图书馆馆藏", DescriptionEn = "Search a public library catalogue by title, author or ISBN", Category = "library",
            Pricing = SkillPricingType.Subscription, Price = 9.9m, Calls = 500, Subscribers = 9, RatingAvg = 4.8m, RatingCount = 2, PublishedAt = now.AddDays(-1),
        })).SkillId;
        Translator = (await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("中英翻译")
        {
            Description = "把中文翻译成英文，也可以英译中；天气类术语尤其准确", DescriptionEn = "Chinese-English translation", Category = "translation",
            Calls = 10, RatingAvg = 0, RatingCount = 0, PublishedAt = now.AddDays(-60),
        })).SkillId;

        // Never shown: a draft, a suspended skill, and a skill whose only weather text is in an unpublished version.
        Draft = (await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("天气草稿")
        {
            Description = "天气预报 草稿 weather forecast", Category = "weather", Status = SkillStatus.Draft, VersionStatus = SkillVersionStatus.PendingReview,
        })).SkillId;
        Suspended = (await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("天气预报停用")
        {
            Description = "天气预报 weather forecast", Category = "weather", Status = SkillStatus.Suspended,
        })).SkillId;
        var renamed = await CatalogArrange.SkillAsync(Pg, Maker, new SkillSpec("汇率换算") { Description = "人民币汇率换算", DescriptionEn = "Currency exchange", Category = "finance" });
        Renamed = renamed.SkillId;
        await CatalogArrange.AddVersionAsync(Pg, Renamed, Maker.UserId!.Value, "2.0.0",
            new SkillSpec("天气汇率二合一") { Description = "天气预报 weather forecast", Category = "weather" }, SkillVersionStatus.PendingReview);
        await CatalogArrange.AddVersionAsync(Pg, Renamed, Maker.UserId!.Value, "1.5.0",
            new SkillSpec("汇率天气") { Description = "天气预报 weather forecast", Category = "weather" }, SkillVersionStatus.Rejected);
    }

    public Task DisposeAsync() => Pg.DisposeAsync();
}

/// <summary>The catalog search against PostgreSQL as the app role: full text in Chinese and English, filters, sorts, paging.</summary>
public sealed class SkillCatalogSearchTests(CatalogSearchFixture f) : IClassFixture<CatalogSearchFixture>
{
    private async Task<CatalogPage> SearchAsync(CatalogQuery query, UserContext? user = null)
    {
        var result = await new SkillCatalogService(f.Pg.Db(user ?? UserContext.Anonymous)).SearchAsync(query);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)));
        return result.Value!;
    }

    private static List<Guid> Ids(CatalogPage page) => page.Items.Select(i => i.Id).ToList();

    [Fact]
    public async Task Chinese_FindsThePublishedSkills_RankedByRelevance_AndNeverDraftsSuspendedOrUnpublishedVersions()
    {
        var page = await SearchAsync(new CatalogQuery("天气预报"));

        // The weather skill names it; the translator mentions 天气 once; nothing else is shown.
        Assert.Equal([f.Weather, f.Translator], Ids(page));
        Assert.True(page.Items[0].Rank > page.Items[1].Rank);
        Assert.Equal("天气预报", page.Items[0].Name);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Chinese_QuestionWords_MatchAnExampleQuestion()
    {
        var page = await SearchAsync(new CatalogQuery("会下雨吗？"));

        Assert.Equal([f.Weather], Ids(page));
    }

    [Fact]
    public async Task English_MatchesTheEnglishDescription_CaseInsensitively_AndNotDraftsOrSuspended()
    {
        Assert.Equal([f.Weather], Ids(await SearchAsync(new CatalogQuery("Weather FORECAST"))));
        Assert.Equal([f.Library], Ids(await SearchAsync(new CatalogQuery("ISBN"))));
    }

    [Fact]
    public async Task ASkillIsFoundByItsPublishedVersion_NotByAPendingOrRejectedOne()
    {
        Assert.Equal([f.Renamed], Ids(await SearchAsync(new CatalogQuery("汇率"))));
        Assert.DoesNotContain(f.Renamed, Ids(await SearchAsync(new CatalogQuery("weather"))));
    }

    [Fact]
    public async Task NoQuery_ListsPublishedSkillsOnly_InEachSort()
    {
        var popular = Ids(await SearchAsync(new CatalogQuery(Sort: CatalogSort.Popular)));
        // 900 calls, then 500 calls with 9 subscribers before 500 calls with 3.
        Assert.Equal([f.Calculator, f.Library, f.Weather, f.Translator, f.Renamed], popular);

        var rating = Ids(await SearchAsync(new CatalogQuery(Sort: CatalogSort.Rating)));
        Assert.Equal([f.Library, f.Weather, f.Calculator], rating.Take(3));

        var newest = Ids(await SearchAsync(new CatalogQuery(Sort: CatalogSort.New)));
        Assert.Equal([f.Renamed, f.Library, f.Calculator, f.Weather, f.Translator], newest);
    }

    [Fact]
    public async Task Filters_CategoryPricingAndMinimumRating_Combine()
    {
        Assert.Equal([f.Weather], Ids(await SearchAsync(new CatalogQuery(Category: "weather"))));
        Assert.Equal([f.Library], Ids(await SearchAsync(new CatalogQuery(Pricing: SkillPricingType.Subscription))));
        Assert.Equal([f.Calculator], Ids(await SearchAsync(new CatalogQuery(Pricing: SkillPricingType.Usage))));
        Assert.Equal([f.Library, f.Weather], Ids(await SearchAsync(new CatalogQuery(MinRating: 4, Sort: CatalogSort.Rating))));
        Assert.Empty(Ids(await SearchAsync(new CatalogQuery("天气", Category: "translation", MinRating: 1))));
        Assert.Equal([f.Translator], Ids(await SearchAsync(new CatalogQuery("天气", Category: "translation"))));
    }

    [Fact]
    public async Task TheMakerSeesTheSameCatalog_TheirDraftStaysOut()
    {
        var page = await SearchAsync(new CatalogQuery("草稿"), f.Maker);

        Assert.DoesNotContain(f.Draft, Ids(page));
        Assert.DoesNotContain(f.Suspended, Ids(await SearchAsync(new CatalogQuery("停用"), f.Maker)));
    }

    [Fact]
    public async Task AQueryWithoutSearchableWords_FindsNothing_AndABadQueryIsRefusedAtItsField()
    {
        Assert.Empty((await SearchAsync(new CatalogQuery("？！…"))).Items);

        var bad = await new SkillCatalogService(f.Pg.Db(UserContext.Anonymous)).SearchAsync(new CatalogQuery(Category: "nonsense", MinRating: 7));
        Assert.Equal(ResultKind.Invalid, bad.Kind);
        Assert.Contains(bad.Errors, e => e is { Field: "Category", Code: "Market.Catalog.Category.Unknown" });
        Assert.Contains(bad.Errors, e => e is { Field: "MinRating", Code: "Market.Catalog.MinRating.Range" });
    }
}
