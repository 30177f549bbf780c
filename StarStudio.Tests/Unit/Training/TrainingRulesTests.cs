using System.Text.Json;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;

namespace StarStudio.Tests.Unit.Training;

public sealed class TrainingRulesTests
{
    [Fact]
    public void Phases_RunInOrder_AndProgressCoversEachPhaseWithoutReaching100BeforePublishEnds()
    {
        Assert.Equal([TrainingJobPhase.Prepare, TrainingJobPhase.Train, TrainingJobPhase.Evaluate, TrainingJobPhase.Publish], TrainingRules.PhaseOrder);
        Assert.Equal(0, TrainingRules.Progress(TrainingJobPhase.Prepare, 0));
        Assert.Equal(10, TrainingRules.Progress(TrainingJobPhase.Prepare, 1));
        Assert.Equal(40, TrainingRules.Progress(TrainingJobPhase.Train, 0.5));
        Assert.Equal(70, TrainingRules.Progress(TrainingJobPhase.Evaluate, 0));
        Assert.Equal(95, TrainingRules.Progress(TrainingJobPhase.Evaluate, 7)); // clamped
        Assert.Equal(70, TrainingRules.Progress(TrainingJobPhase.Evaluate, double.NaN));
        Assert.Equal(100, TrainingRules.Progress(TrainingJobPhase.Publish, 1));
        Assert.True(TrainingRules.IsPast(TrainingJobPhase.Evaluate, TrainingJobPhase.Train));
        Assert.False(TrainingRules.IsPast(TrainingJobPhase.Train, TrainingJobPhase.Train));
        Assert.False(TrainingRules.IsPast(null, TrainingJobPhase.Prepare));
        Assert.Equal("publish", TrainingRules.LogName(TrainingJobPhase.Publish));
    }

    [Theory]
    [InlineData("""{"train_loss":0.4,"eval.accuracy":1,"similarity":0,"steps":120,"lr":0.0002}""", true)]
    [InlineData("""{}""", true)]
    [InlineData("""null""", true)]
    [InlineData("""{"loss":"0.4"}""", false)]
    [InlineData("""{"accuracy":1.01}""", false)]
    [InlineData("""{"grounding_rate":-0.01}""", false)]
    [InlineData("""{"loss":-1}""", false)]
    [InlineData("""{"steps":1e12}""", false)]
    [InlineData("""{"Bad Name":1}""", false)]
    [InlineData("""{"x":true}""", false)]
    [InlineData("""[0.5]""", false)]
    public void Metrics_AreFiniteNumbersWithinTheirDeclaredRanges_OrGarbage(string json, bool valid)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(valid, TrainingRules.ReadMetrics(doc.RootElement.Clone()) is not null);
    }

    [Fact]
    public void Metrics_MoreThanTheCap_AreGarbage_AndNaNIsNeverValid()
    {
        var many = "{" + string.Join(",", Enumerable.Range(0, TrainingRules.MaxMetrics + 1).Select(i => $"\"m{i}\":1")) + "}";
        using var doc = JsonDocument.Parse(many);
        Assert.Null(TrainingRules.ReadMetrics(doc.RootElement.Clone()));
        Assert.False(TrainingRules.IsValid("lr", double.NaN));
        Assert.False(TrainingRules.IsValid("lr", double.PositiveInfinity));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("抱歉，我无法回答这个问题。", true)]
    [InlineData("I can't answer that.", true)]
    [InlineData("I don’t know.", true)]
    [InlineData("宣纸要防潮防虫，放在干燥通风处。", false)]
    [InlineData("宣纸要防潮防虫，放在干燥通风处，这一点很多人都容易忽略，尤其是在南方的梅雨季节里更要注意，南方的梅雨季节湿度常常超过百分之九十，纸张很容易发霉长斑，所以如果有人说我不知道怎么办，我会说……", false)]
    public void Refusal_IsAnEmptyAnswer_OrARefusalPhraseNearTheStart(string answer, bool refusal) =>
        Assert.Equal(refusal, TrainingRules.IsRefusal(answer));

    [Fact]
    public void VersionNames_FollowTheHighestNumber()
    {
        Assert.Equal("v1", TrainingRules.NextVersionName([]));
        Assert.Equal("v10", TrainingRules.NextVersionName(["v2", "v9", "imported", "v03"]));
    }

    [Fact]
    public void Sanitize_RemovesControlCharacters_CollapsesWhitespace_AndCaps()
    {
        Assert.Equal("a b c", TrainingRules.Sanitize(" a\n\u0007b\t\tc "));
        Assert.Equal(TrainingRules.MaxErrorChars + 1, TrainingRules.Sanitize(new string('x', 1000)).Length);
        Assert.Equal("", TrainingRules.Sanitize(null));
    }

    [Fact]
    public void TrainingFiles_DpoGetsPairs_SftAndQloraGetChatLines()
    {
        Assert.Equal("dpo.train.jsonl", TrainingRules.TrainingFile(TrainingMethod.Dpo, false));
        Assert.Equal("sft.holdout.jsonl", TrainingRules.TrainingFile(TrainingMethod.Qlora, true));
        Assert.Equal("supervised", FineTuningMethod.For(TrainingMethod.Qlora).Type);
    }
}

public sealed class PromptAdapterBuilderTests
{
    private static SftExample Sft(string q, string a) => new([new DatasetMessage("user", q), new DatasetMessage("assistant", a)]);

    [Fact]
    public void Cover_TakesTheCandidateThatCoversTheMostHeldOutQuestions_First_AndStopsWhenNothingIsAdded()
    {
        PromptExemplar[] candidates =
        [
            new("天气怎么样", "晴"),
            new("宣纸怎么保存", "防潮"),
            new("古籍虫蛀怎么办", "冷冻"),
        ];
        string[] targets = ["宣纸应该怎么保存", "宣纸怎么保存才好", "虫蛀的古籍怎么办"];

        var (chosen, coverage) = PromptAdapterBuilder.Cover(candidates, targets, 8);

        Assert.Equal(["宣纸怎么保存", "古籍虫蛀怎么办"], chosen.Select(c => c.Question));
        Assert.InRange(coverage, 0.3, 1);
    }

    [Fact]
    public void Build_DerivesExplainableRules_AndAtMostMaxExemplars()
    {
        var sft = Enumerable.Range(0, 20).Select(i => Sft($"问题{i}：宣纸第{i}种用法", $"这是第{i}个回答，引用 [1]。")).ToList();
        var dpo = new List<DpoExample> { new("金镶玉？", "衬纸宽于书页 [1]。", "这是一个非常非常长而且没有依据的回答，啰嗦了很多很多。") };
        var data = new TrainingData(sft, [Sft("宣纸第3种用法是什么", "…")], dpo, [], [], []);

        var built = PromptAdapterBuilder.Build(data, "温和");

        Assert.Contains(built.Rules, r => r.StartsWith("回答长度约", StringComparison.Ordinal));
        Assert.Contains("用中文回答。", built.Rules);
        Assert.Contains(built.Rules, r => r.StartsWith("引用资料时标注来源", StringComparison.Ordinal));
        Assert.Contains(built.Rules, r => r.StartsWith("宁短勿长", StringComparison.Ordinal));
        Assert.Contains(built.Rules, r => r.StartsWith("给出依据", StringComparison.Ordinal));
        Assert.Contains("保持语气：温和。", built.Rules);
        Assert.InRange(built.Adapter.Exemplars.Count, 1, PromptAdapter.MaxExemplars);
        Assert.Equal("问题3：宣纸第3种用法", built.Adapter.Exemplars[0].Question);
    }

    [Fact]
    public void Evaluation_MetricsFollowFromTheAnswers()
    {
        EvaluationItem[] items =
        [
            new("q1", "a b c d", "我不知道", 0, "a b c d", 2),
            new("q2", "x y", "x y", 1, "", 0),
        ];

        var m = EvaluationMetrics.Compute(items);

        Assert.Equal(2, m["heldout_count"]);
        Assert.Equal(0.5, m["base.similarity"]);
        Assert.Equal(0.5, m["new.similarity"]);
        Assert.Equal(0.5, m["base.grounding_rate"]);
        Assert.Equal(0.5, m["new.grounding_rate"]);
        Assert.Equal(0.5, m["base.refusal_rate"]);
        Assert.Equal(0.5, m["new.refusal_rate"]); // an empty answer declines
        Assert.Equal(new Dictionary<string, double> { ["heldout_count"] = 0 }, EvaluationMetrics.Compute([]));
    }
}

public sealed class CoverSimilarityTests
{
    /// <summary>The coverage search's own token F1 must agree with TextOverlap.Similarity (it only avoids re-tokenizing).</summary>
    [Theory]
    [InlineData("宣纸怎么保存", "宣纸应该怎么保存")]
    [InlineData("paper glue mold", "mold on paper")]
    [InlineData("", "")]
    [InlineData("古籍", "")]
    public void CoverageOfOneTarget_EqualsTextOverlapSimilarity(string candidate, string target)
    {
        var (_, coverage) = PromptAdapterBuilder.Cover([new PromptExemplar(candidate.Length == 0 ? " " : candidate, "a")], [target], 1);
        var expected = TextOverlap.Similarity(candidate.Length == 0 ? " " : candidate, target);
        Assert.Equal(expected, coverage, 10);
    }
}
