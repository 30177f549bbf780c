using StarStudio.Data.Explore;

namespace StarStudio.Tests.Unit.Explore;

/// <summary>jieba on both sides of the gallery search: index words include the words inside long ones, query words are whole.</summary>
public sealed class GallerySearchTextTests
{
    [Fact]
    public void For_SegmentsChineseWithJieba_AndKeepsEnglishWords()
    {
        var words = GallerySearchText.For("墨痕·古籍修复师", "古籍修复", "温和", ["历史"], "Hello, {{user}}!").Split(' ');

        Assert.Contains("古籍", words);
        Assert.Contains("修复", words);
        Assert.Contains("历史", words);
        Assert.Contains("hello", words);
        Assert.Contains("user", words);
        Assert.DoesNotContain("·", words);
        Assert.DoesNotContain(words, w => w.Length == 0);
    }

    [Fact]
    public void QueryWords_AreJiebaWords_WithoutPunctuation_AtMostEight()
    {
        Assert.Equal(["古籍", "修复"], GallerySearchText.QueryWords("古籍，修复！"));
        Assert.Empty(GallerySearchText.QueryWords("%_*?"));
        Assert.Equal(GallerySearchText.MaxQueryWords, GallerySearchText.QueryWords(string.Join(' ', Enumerable.Range(0, 20).Select(i => $"w{i}"))).Count);
    }
}
