using StarStudio.Core.Training;

namespace StarStudio.Tests.Unit.Training;

public sealed class TextOverlapTests
{
    [Fact]
    public void CopiedShare_AnswerCopiedWordForWord_IsOne()
    {
        const string passage = "The quick brown fox jumps over the lazy dog near the river bank.";
        Assert.Equal(1.0, TextOverlap.CopiedShare("the quick brown fox jumps over the lazy dog", [passage]));
    }

    [Fact]
    public void CopiedShare_CountsTheShareOfFiveGramsFound()
    {
        // 7 words → 3 five-grams; the first two occur in the passage, the last does not.
        var share = TextOverlap.CopiedShare("a b c d e f zzz", ["x a b c d e f y"]);
        Assert.Equal(2.0 / 3, share!.Value, 6);
    }

    [Fact]
    public void CopiedShare_ChineseCountsCharacters()
    {
        // 修复古籍需要耐心 has 8 characters → 4 five-grams; 修复古籍需 and 复古籍需要 are in the passage, 古籍需要耐 is not.
        var share = TextOverlap.CopiedShare("修复古籍需要耐心", ["古书修复古籍需要专门的工具"]);
        Assert.Equal(2.0 / 4, share!.Value, 6);
    }

    [Fact]
    public void CopiedShare_NullWithoutPassagesOrWithAShortAnswer()
    {
        Assert.Null(TextOverlap.CopiedShare("one two three four five six", []));
        Assert.Null(TextOverlap.CopiedShare("one two three four five six", ["", "  "]));
        Assert.Null(TextOverlap.CopiedShare("too short", ["too short for five grams here"]));
    }

    [Fact]
    public void Similarity_IsOneForTheSameWordsAndZeroForNoneInCommon()
    {
        Assert.Equal(1.0, TextOverlap.Similarity("Paper conservation needs patience", "paper CONSERVATION needs patience!"), 6);
        Assert.Equal(0.0, TextOverlap.Similarity("alpha beta", "gamma delta"));
        Assert.Equal(1.0, TextOverlap.Similarity("", ""));
        Assert.Equal(0.0, TextOverlap.Similarity("alpha", ""));
    }

    [Fact]
    public void Similarity_IsTokenF1()
    {
        // {a,b,c,d} vs {a,b,x}: common 2, precision 2/4, recall 2/3 → F1 = 4/7.
        Assert.Equal(4.0 / 7, TextOverlap.Similarity("a b c d", "a b x"), 6);
        Assert.Equal(TextOverlap.Similarity("a b x", "a b c d"), TextOverlap.Similarity("a b c d", "a b x"), 6);
    }

    [Fact]
    public void Similarity_ChineseUsesBigrams()
    {
        Assert.True(TextOverlap.Similarity("古籍修复需要耐心", "修复古籍需要耐心和工具") > 0.5);
        Assert.Equal(0.0, TextOverlap.Similarity("古籍修复", "天气晴朗"));
    }
}
