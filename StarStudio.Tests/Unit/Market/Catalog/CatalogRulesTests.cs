using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;

namespace StarStudio.Tests.Unit.Market.Catalog;

public sealed class CatalogRulesTests
{
    [Fact]
    public void Query_IsTrimmed_BlankFiltersDropped_AndPagedByOffset()
    {
        var q = new CatalogQuery("  天气 ", " ", SkillPricingType.Usage, 0, CatalogSort.New, 3).Normalize().Value!;

        Assert.Equal("天气", q.Text);
        Assert.Null(q.Category);
        Assert.Null(q.MinRating);
        Assert.Equal(2 * CatalogQuery.PageSize, q.Offset);
        Assert.Equal("new", CatalogQuery.SortKey(q.Sort));
    }

    [Fact]
    public void Query_OutOfRange_IsRefusedAtEachField()
    {
        var r = new CatalogQuery(new string('a', CatalogQuery.MaxTextLength + 1), "nonsense", (SkillPricingType)9, 5.5m, (CatalogSort)7, 0).Normalize();

        Assert.Equal(ResultKind.Invalid, r.Kind);
        Assert.Equal(["Text", "Category", "MinRating", "Page", "Sort"], r.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Terms_AreCjkBigramsAndLowercaseWords_WithoutStopWords()
    {
        Assert.Equal(["天气", "气预", "预报"], new CatalogQuery("天气预报").Terms);
        Assert.Equal(["weather", "beijing"], new CatalogQuery("What is the Weather in Beijing?").Terms);
        Assert.Equal(["下雨"], new CatalogQuery("下雨").Terms);
        Assert.Empty(new CatalogQuery("？！").Terms);
    }

    [Fact]
    public void SearchText_HoldsNameDescriptionsCategoryAndExampleQuestions()
    {
        var text = SkillSearchText.For("天气预报", "七天预报", "Weather forecast", "weather",
            """[{"question":"明天会下雨吗","arguments":{}},{"note":"no question"},"junk"]""");

        Assert.Equal("天气 气预 预报 七天 天预 预报 weather forecast weather 明天 天会 会下 下雨 雨吗", text);
        Assert.Empty(SkillSearchText.ExampleQuestions("not json"));
        Assert.Empty(SkillSearchText.ExampleQuestions("""{"question":"x"}"""));
    }

    [Theory]
    [InlineData(0, "", "Rating")]
    [InlineData(6, "", "Rating")]
    [InlineData(3, null, null)]
    [InlineData(1, "好", null)]
    [InlineData(5, "x", null)]
    public void Review_RatingMustBeOneToFive(int rating, string? body, string? errorField)
    {
        var r = ReviewRules.Validate(new ReviewInput(rating, body));

        Assert.Equal(errorField, r.Errors.SingleOrDefault()?.Field);
    }

    [Fact]
    public void Review_BodyAndReply_AreTrimmedAndLimitedTo2000Characters()
    {
        Assert.Equal("好用", ReviewRules.Validate(new ReviewInput(4, "  好用\n")).Value!.Body);
        Assert.True(ReviewRules.Validate(new ReviewInput(4, new string('字', 2000))).Succeeded);
        var tooLong = ReviewRules.Validate(new ReviewInput(4, new string('字', 2001)));
        Assert.Equal(("Body", "Market.Catalog.Review.Body.TooLong"), (tooLong.Errors[0].Field, tooLong.Errors[0].Code));

        Assert.Equal("谢谢", ReviewRules.ValidateReply(" 谢谢 ").Value);
        Assert.Equal("", ReviewRules.ValidateReply(null).Value);
        Assert.True(ReviewRules.ValidateReply(new string('回', 2000)).Succeeded);
        Assert.Equal("Reply", Assert.Single(ReviewRules.ValidateReply(new string('回', 2001)).Errors).Field);
    }
}
