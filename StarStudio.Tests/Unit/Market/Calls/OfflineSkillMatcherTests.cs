using System.Text.Json;
using StarStudio.Core.Market.Calls;

namespace StarStudio.Tests.Unit.Market.Calls;

/// <summary>The offline engine's example rule: templates with argument slots first, then a token overlap of at least 60%.</summary>
public sealed class OfflineSkillMatcherTests
{
    private static SkillExample Example(string question, string arguments) => new(question, JsonDocument.Parse(arguments).RootElement.Clone());

    private static readonly IReadOnlyList<SkillExample> Weather = [Example("北京今天天气怎么样", """{"city":"北京","days":1}""")];
    private static readonly IReadOnlyList<SkillExample> Calculator = [Example("what is 12 times 7", """{"a":"12","b":"7","op":"times"}""")];

    [Fact]
    public void Match_QuestionFitsTheTemplate_FillsTheSlotFromTheQuestion()
    {
        var match = OfflineSkillMatcher.Match("上海今天天气怎么样？", [Calculator, Weather]);

        Assert.NotNull(match);
        Assert.Equal(1, match.SkillIndex);
        Assert.True(match.ByTemplate);
        var args = JsonDocument.Parse(match.ArgumentsJson).RootElement;
        Assert.Equal("上海", args.GetProperty("city").GetString());
        Assert.Equal(1, args.GetProperty("days").GetInt32()); // non-string arguments are kept
    }

    [Fact]
    public void Match_SeveralSlots_AreFilledInOrder()
    {
        var match = OfflineSkillMatcher.Match("What is 3 plus 4", [Calculator]);

        Assert.NotNull(match);
        var args = JsonDocument.Parse(match.ArgumentsJson).RootElement;
        Assert.Equal(("3", "4", "plus"), (args.GetProperty("a").GetString(), args.GetProperty("b").GetString(), args.GetProperty("op").GetString()));
    }

    [Fact]
    public void Match_NoTemplateButEnoughOverlap_UsesTheExampleArguments()
    {
        var match = OfflineSkillMatcher.Match("请问北京今天天气怎么样呀", [Weather]);

        Assert.NotNull(match);
        Assert.False(match.ByTemplate);
        Assert.InRange(match.Score, OfflineSkillMatcher.MinJaccard, 1.0);
        Assert.Equal("北京", JsonDocument.Parse(match.ArgumentsJson).RootElement.GetProperty("city").GetString());
    }

    [Theory]
    [InlineData("修补宋元古籍应该选用什么补纸")]
    [InlineData("今天")]
    [InlineData("")]
    public void Match_UnrelatedOrTooLittleOverlap_IsNull(string question)
    {
        Assert.Null(OfflineSkillMatcher.Match(question, [Weather, Calculator]));
    }

    [Fact]
    public void Match_TemplateBeatsOverlap_AndTheMoreSpecificTemplateWins()
    {
        IReadOnlyList<SkillExample> general = [Example("今天天气怎么样", """{"city":"这里"}""")]; // overlaps 6/8 = 0.75
        IReadOnlyList<SkillExample> specific = [Example("北京今天天气怎么样", """{"city":"北京"}""")];

        var match = OfflineSkillMatcher.Match("广州今天天气怎么样", [general, specific]);

        Assert.NotNull(match);
        Assert.Equal(1, match.SkillIndex);
        Assert.Equal("广州", JsonDocument.Parse(match.ArgumentsJson).RootElement.GetProperty("city").GetString());
    }

    [Fact]
    public void Jaccard_CountsSharedOverUnion()
    {
        Assert.Equal(0.5, OfflineSkillMatcher.Jaccard(new HashSet<string> { "a", "b" }, new HashSet<string> { "b", "c", "a", "d" }));
        Assert.Equal(0, OfflineSkillMatcher.Jaccard(new HashSet<string>(), new HashSet<string>()));
    }

    [Fact]
    public void Parse_SkipsItemsWithoutQuestionOrObjectArguments()
    {
        var examples = SkillExample.Parse("""[{"question":"q1","arguments":{"x":1}},{"question":"","arguments":{}},{"question":"q3","arguments":[1]},"junk"]""");

        Assert.Equal(["q1"], examples.Select(e => e.Question));
        Assert.Empty(SkillExample.Parse("not json"));
    }
}
