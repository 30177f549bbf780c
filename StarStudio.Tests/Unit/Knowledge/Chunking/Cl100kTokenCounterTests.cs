using StarStudio.Data.Knowledge.Tokenization;

namespace StarStudio.Tests.Unit.Knowledge.Chunking;

public class Cl100kTokenCounterTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("hello world", 2)]
    [InlineData("tiktoken is great!", 6)]
    public void Count_KnownStrings_MatchesCl100k(string text, int expected) =>
        Assert.Equal(expected, Cl100kTokenCounter.Instance.Count(text));

    [Fact]
    public void Count_Chinese_CountsMoreThanOneTokenPerFewCharacters() =>
        Assert.InRange(Cl100kTokenCounter.Instance.Count("知识库解析文档"), 4, 14);

    [Fact]
    public void Count_ManyThreads_AgreeWithSingleThread()
    {
        var text = string.Concat(Enumerable.Repeat("The star reads 知识 quickly. ", 50));
        var expected = new Cl100kTokenCounter().Count(text);

        var results = new int[64];
        Parallel.For(0, results.Length, i => results[i] = Cl100kTokenCounter.Instance.Count(text));

        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
