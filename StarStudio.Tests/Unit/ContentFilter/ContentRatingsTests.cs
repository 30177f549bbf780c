using StarStudio.Core.Account;
using StarStudio.Core.ContentFilter;

namespace StarStudio.Tests.Unit.ContentFilter;

public sealed class ContentRatingsTests
{
    [Theory]
    [InlineData("general", null, new string[0], "general")]
    [InlineData("teen", null, new[] { "校园" }, "teen")]
    [InlineData("general", "mature", new string[0], "mature")]
    [InlineData("mature", "teen", new string[0], "mature")]
    [InlineData("general", null, new[] { " NSFW " }, "adult")]
    [InlineData("teen", null, new[] { "限制级" }, "adult")]
    [InlineData("bogus", "bogus", new[] { "nsfwish" }, "general")]
    public void Effective_IsTheHighestOfOwnerFloorAndTags(string owner, string? floor, string[] tags, string expected) =>
        Assert.Equal(expected, ContentRatings.Effective(owner, floor, tags));

    [Theory]
    [InlineData("none", "adult", true)]
    [InlineData("mild", "adult", false)]
    [InlineData("mild", "mature", true)]
    [InlineData("moderate", "mature", false)]
    [InlineData("moderate", "teen", true)]
    [InlineData("strict", "teen", false)]
    [InlineData("strict", "general", true)]
    [InlineData(null, "adult", false)]
    public void Shows_EachLevelShowsUpToItsRating_UnknownLevelIsTheDefault(string? level, string rating, bool shown) =>
        Assert.Equal(shown, ContentFilterLevels.Shows(level, rating));

    [Fact]
    public void Validate_UnknownRatingOrLevel_IsAFieldErrorNamingTheChoices()
    {
        Assert.Null(ContentRatings.Validate("mature", "R"));
        Assert.Equal("ContentFilter.Rating.Unknown", ContentRatings.Validate("x-rated", "R")!.Code);
        Assert.Equal("ContentFilter.Level.Unknown", ContentFilterLevels.Validate(null, "L")!.Code);
        var errors = PreferenceRules.Validate(new PreferencesDraft("zh-CN", "light", false) { ContentFilterLevel = "paranoid" });
        Assert.Equal(("ContentFilterLevel", "ContentFilter.Level.Unknown"), (Assert.Single(errors).Field, errors[0].Code));
    }

    [Fact]
    public void Defaults_MildForViewers_GeneralForStars()
    {
        Assert.Equal("mild", new UserPreferences().ContentFilterLevel);
        Assert.Equal("general", new StarStudio.Core.Stars.Star().ContentRating);
        Assert.Equal("mild", PreferencesDraft.From(new UserPreferences()).ContentFilterLevel);
    }
}
