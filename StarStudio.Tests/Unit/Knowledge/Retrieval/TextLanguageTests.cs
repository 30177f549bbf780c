using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Tests.Unit.Knowledge.Retrieval;

public sealed class TextLanguageTests
{
    [Theory]
    [InlineData("修复古籍用什么糨糊？", TextLanguage.Chinese)]
    [InlineData("How do conservators mend a tear?", TextLanguage.English)]
    [InlineData("Ｈｏｗ ｍａｎｙ ｄａｙｓ？", TextLanguage.English)]
    [InlineData("用 PostgreSQL 的 GIN index 怎么 search 中文", TextLanguage.Mixed)]
    [InlineData("ChatGPT 是什么样的模型呢请介绍一下", TextLanguage.Chinese)]
    [InlineData("12345 !!!", TextLanguage.Other)]
    [InlineData("", TextLanguage.Other)]
    [InlineData(null, TextLanguage.Other)]
    public void Detect_ByScript(string? text, string expected) => Assert.Equal(expected, TextLanguage.Detect(text));

    [Fact]
    public void BasicAnalyzer_KeepsTodaysTermsWithoutExpansions()
    {
        var analysis = new BasicQueryAnalyzer().Analyze("How do conservators mend paper?");

        Assert.Equal(TextLanguage.English, analysis.Language);
        Assert.Equal(["conservators", "mend", "paper"], analysis.Terms.Select(t => t.Text));
        Assert.Empty(analysis.Expansions);
        Assert.Equal("How do conservators mend paper?", analysis.SemanticText);
        Assert.Null(new BasicQueryAnalyzer().Analyze("修复古籍").SemanticText);
    }
}
