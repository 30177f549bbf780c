using StarStudio.Core.Explore;

namespace StarStudio.Tests.Unit.Explore;

public sealed class GallerySearchWordsTests
{
    [Fact]
    public void Normalize_KeepsLetterAndDigitTokens_Lowercased_FullWidthFolded_Distinct()
    {
        var words = GallerySearchWords.Normalize(["古籍", " ", "Teacher", "'", ";", "ＡＩ", "DROP", "--", "teacher", "2024", "c++", "古籍"]);

        Assert.Equal(["古籍", "teacher", "ai", "drop", "2024"], words);
    }

    [Fact]
    public void Normalize_StopsAtMax_AndDropsOverlongTokens()
    {
        Assert.Equal(["a", "b"], GallerySearchWords.Normalize(["a", "b", "c"], max: 2));
        Assert.Empty(GallerySearchWords.Normalize([new string('x', GallerySearchWords.MaxWordLength + 1)]));
    }

    [Theory]
    [InlineData("%")]
    [InlineData(".*")]
    [InlineData("a:*")]
    [InlineData("x|y")]
    [InlineData("")]
    public void Word_WithAnySyntax_IsNull(string token) => Assert.Null(GallerySearchWords.Word(token));

    [Fact]
    public void IsLatin_OnlyAsciiLettersAndDigits() => Assert.Equal((true, false), (GallerySearchWords.IsLatin("abc12"), GallerySearchWords.IsLatin("古籍")));
}
