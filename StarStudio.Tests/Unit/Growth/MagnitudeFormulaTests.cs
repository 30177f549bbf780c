using StarStudio.Core.Growth;

namespace StarStudio.Tests.Unit.Growth;

public sealed class MagnitudeFormulaTests
{
    /// <summary>The worked example of docs/magnitude.md; every number below is computed by hand there.</summary>
    public static readonly MagnitudeSignals Worked = new(
        Answers: 40, CitedAnswers: 30, CopiedSamples: 30, CopiedShareMean: 0.2,
        Ratings: 20, RatingMean: 4.2, DepthLabels: 6, UsefulLabels: 10,
        RubricDepthScores: 3, RubricDepthMean: 7,
        SkillCalls: 10, SkillCallsSucceeded: 9, Players: 8, ReturningPlayers: 4,
        ProbePairs: 4, ProbeAgreementMean: 0.6, RegeneratedPairs: 2, RegeneratedSimilarityMean: 0.5);

    [Fact]
    public void WorkedExample_MatchesTheDocs()
    {
        var s = MagnitudeFormula.Evaluate(Worked);

        Assert.Equal([70, 34, 58.33], s.Depth.Parts.Select(p => p.Score));
        Assert.Equal(58.08, s.Depth.Score);
        Assert.Equal(72.5, s.Originality.Score);
        Assert.Equal([56.67, 50], s.Consistency.Parts.Select(p => p.Score));
        Assert.Equal(54.0, s.Consistency.Score);
        Assert.Equal([74, 50, 70, 50], s.Utility.Parts.Select(p => p.Score));
        Assert.Equal(63.6, s.Utility.Score);
        Assert.Equal(61.8, s.Overall);
        Assert.Equal(MagnitudeLevel.L3, s.Level);
        Assert.Null(s.Cap);
    }

    [Fact]
    public void NoEvidence_IsFiftyEverywhere_L2()
    {
        var s = MagnitudeFormula.Evaluate(MagnitudeSignals.None);
        Assert.All(s.Dimensions, d => Assert.Equal(50, d.Score));
        Assert.Equal(50, s.Overall);
        Assert.Equal(MagnitudeLevel.L2, s.Level);
    }

    [Fact]
    public void OneFiveStarRating_MovesTheRatingPartOnlyALittle()
    {
        var s = MagnitudeFormula.Evaluate(MagnitudeSignals.None with { Ratings = 1, RatingMean = 5 });
        // (1·100 + 5·50) / (1 + 5) = 58.33
        Assert.Equal(58.33, s.Utility.Parts.Single(p => p.Name == "rating").Score);
        Assert.Equal(MagnitudeLevel.L2, s.Level);
    }

    [Theory]
    [InlineData(null, 0, 10, 50)]
    [InlineData(100.0, 10, 10, 75)]
    [InlineData(0.0, 90, 10, 5)]
    [InlineData(80.0, 1_000_000, 10, 80)]
    public void Shrink_WeighsTheMeasurementByItsEvidence(double? raw, int n, double k, double expected) =>
        Assert.Equal(expected, MagnitudeFormula.Shrink(raw, n, k), 2);

    private static readonly MagnitudeSignals Excellent = new(
        Answers: 1000, CitedAnswers: 1000, CopiedSamples: 1000, CopiedShareMean: 0,
        Ratings: 30, RatingMean: 5, DepthLabels: 30, UsefulLabels: 30, RubricDepthScores: 10, RubricDepthMean: 10,
        SkillCalls: 100, SkillCallsSucceeded: 100, Players: 5, ReturningPlayers: 5,
        ProbePairs: 4, ProbeAgreementMean: 1, RegeneratedPairs: 10, RegeneratedSimilarityMean: 1);

    [Fact]
    public void ScoresOfL5_WithoutL4Evidence_GiveL3_AndSayWhy()
    {
        var s = MagnitudeFormula.Evaluate(Excellent);
        Assert.True(s.Overall >= MagnitudeFormula.L5From, $"overall {s.Overall}");
        Assert.Equal(MagnitudeLevel.L3, s.Level);
        Assert.Equal(new MagnitudeCap(MagnitudeLevel.L5, MagnitudeLevel.L3, 30, 5, 50, 10), s.Cap);
    }

    [Fact]
    public void ScoresOfL5_WithL4EvidenceOnly_GiveL4()
    {
        var s = MagnitudeFormula.Evaluate(Excellent with { Ratings = 60, Players = 12, ReturningPlayers = 12, DepthLabels = 60, UsefulLabels = 60 });
        Assert.True(s.Overall >= MagnitudeFormula.L5From);
        Assert.Equal(MagnitudeLevel.L4, s.Level);
        Assert.Equal(new MagnitudeCap(MagnitudeLevel.L5, MagnitudeLevel.L4, 60, 12, 200, 50), s.Cap);
    }

    [Fact]
    public void ScoresOfL5_WithL5Evidence_GiveL5()
    {
        var s = MagnitudeFormula.Evaluate(Excellent with { Ratings = 250, Players = 60, ReturningPlayers = 60, DepthLabels = 250, UsefulLabels = 250 });
        Assert.Equal(MagnitudeLevel.L5, s.Level);
        Assert.Null(s.Cap);
    }

    [Theory]
    [InlineData(39.99, MagnitudeLevel.L1)]
    [InlineData(40, MagnitudeLevel.L2)]
    [InlineData(54.99, MagnitudeLevel.L2)]
    [InlineData(55, MagnitudeLevel.L3)]
    [InlineData(70, MagnitudeLevel.L4)]
    [InlineData(84.99, MagnitudeLevel.L4)]
    [InlineData(85, MagnitudeLevel.L5)]
    public void Thresholds(double overall, MagnitudeLevel level) => Assert.Equal(level, MagnitudeFormula.LevelOf(overall));

    [Fact]
    public void Evidence_RoundTripsSignalsAndProbe_AndRecordsTheCap()
    {
        var signals = Excellent;
        var at = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var json = MagnitudeEvidence.ToJson(signals, MagnitudeFormula.Evaluate(signals), at);
        Assert.Equal(signals, MagnitudeEvidence.Signals(json));
        Assert.Equal((4, 1.0, at), MagnitudeEvidence.Probe(json));
        Assert.Contains("\"ratings_needed\":50", json);
        Assert.Equal((0, 0.0, null), MagnitudeEvidence.Probe("{not json"));
    }

    [Theory]
    [InlineData("你怎么看书法？", "请问你怎样看书法？")]
    [InlineData("请问为什么要临帖?", "为何要临帖？")]
    [InlineData("能否介绍一下楷书", "讲讲一下楷书？")]
    [InlineData("What is ink", "请问what's ink？")]
    public void Paraphrase_FollowsTheDocumentedRule(string question, string expected) =>
        Assert.Equal(expected, MagnitudeProbes.Paraphrase(question));

    [Fact]
    public void Pairs_PreferRatedQuestions_ThenDomainQuestions_AtMostFour()
    {
        var pairs = MagnitudeProbes.Pairs(["宣纸怎么保存？", "宣纸怎么保存？", new string('长', 200)], "书法");
        Assert.Equal(MagnitudeProbes.MaxPairs, pairs.Count);
        Assert.Equal("宣纸怎么保存？", pairs[0].Question);
        Assert.Equal("请问宣纸怎样保存？", pairs[0].Paraphrase);
        Assert.Equal("你怎么看书法的发展？", pairs[1].Question);
    }
}
