using StarStudio.TestSupport.Eval;

namespace StarStudio.Tests.Unit.Knowledge.Evaluation;

public sealed class EvalScoringTests
{
    private static EvalQuestion Question(string id, string kind, string lang, params (string Doc, string Span)[] gold) =>
        new(id, lang, kind, "?", [.. gold.Select(g => new EvalGold(g.Doc, g.Span))]);

    private static QuestionOutcome Outcome(string kind, string lang, params int?[] ranks) =>
        new(Question("q", kind, lang, [.. ranks.Select(_ => ("d.md", "0123456789"))]), ranks);

    [Fact]
    public void Normalize_CollapsesWhitespaceRunsAndTrims()
    {
        Assert.Equal("a b c", EvalScoring.Normalize("  a \n\t b\r\nc  "));
        Assert.Equal("中文 段落", EvalScoring.Normalize("中文\n\n段落"));
    }

    [Fact]
    public void Hits_NeedsTheSameDocumentAndTheSpanInTheText()
    {
        var gold = new EvalGold("zh/a.md", "每次乘车两元，不论乘坐几站");

        Assert.True(EvalScoring.Hits(gold, new("zh/a.md", "票价\n\n每次乘车两元，不论乘坐几站。乘客可以…")));
        Assert.False(EvalScoring.Hits(gold, new("zh/b.md", "每次乘车两元，不论乘坐几站")));
        Assert.False(EvalScoring.Hits(gold, new(null, "每次乘车两元，不论乘坐几站")));
        Assert.False(EvalScoring.Hits(gold, new("zh/a.md", "每次乘车三元，不论乘坐几站")));
    }

    [Fact]
    public void Hits_IgnoresHowWhitespaceWasWrapped()
    {
        var gold = new EvalGold("en/a.md", "A single journey costs 1.80 crowns");

        Assert.True(EvalScoring.Hits(gold, new("en/a.md", "Fares\nA single\n journey costs   1.80 crowns regardless")));
    }

    [Fact]
    public void Hits_ASpanCutByAChunkBoundary_CountsWhenThePassageHoldsAtLeastHalf()
    {
        var gold = new EvalGold("en/a.md", "0123456789"); // 10 characters: half is 5

        Assert.True(EvalScoring.Hits(gold, new("en/a.md", "text before 012345")));   // ends with the first 6
        Assert.True(EvalScoring.Hits(gold, new("en/a.md", "text before 01234")));    // ends with the first 5
        Assert.False(EvalScoring.Hits(gold, new("en/a.md", "text before 0123")));    // only 4
        Assert.True(EvalScoring.Hits(gold, new("en/a.md", "56789 and after")));      // starts with the last 5
        Assert.False(EvalScoring.Hits(gold, new("en/a.md", "6789 and after")));
        Assert.False(EvalScoring.Hits(gold, new("en/a.md", "x 56789 and after")));   // the tail, but not at the start
    }

    [Fact]
    public void Score_RanksEachGoldSpanAtItsFirstHit()
    {
        var q = Question("q1", "multi", "en", ("a.md", "first fact here"), ("b.md", "second fact here"), ("a.md", "never retrieved"));
        EvalPassage[] ranked =
        [
            new("b.md", "first fact here"),    // wrong document
            new("a.md", "… first fact here …"),
            new("a.md", "first fact here again"),
            new("b.md", "second fact here"),
        ];

        var outcome = EvalScoring.Score(q, ranked);

        Assert.Equal([2, 4, null], outcome.GoldRanks);
    }

    [Fact]
    public void Outcome_MultiQuestion_RecallIsTheFractionOfSpansFound()
    {
        var o = Outcome("multi", "zh", 2, 7);

        Assert.Equal(0.0, o.RecallAt(1));
        Assert.Equal(0.5, o.RecallAt(5));
        Assert.Equal(1.0, o.RecallAt(10));
        Assert.Equal(0.5, o.ReciprocalRank);
        Assert.False(o.FoundAt(5));
        Assert.True(o.FoundAt(7));
    }

    [Fact]
    public void Outcome_NothingFound_ScoresZero()
    {
        var o = Outcome("literal", "en", [null]);

        Assert.Equal(0.0, o.RecallAt(10));
        Assert.Equal(0.0, o.ReciprocalRank);
        Assert.False(o.FoundAt(10));
    }

    [Fact]
    public void Metrics_AverageOverQuestions()
    {
        // Ranks: [1], [3], [null], [2, 6]. R@1 = (1+0+0+0)/4; R@5 = (1+1+0+0.5)/4; R@10 = (1+1+0+1)/4;
        // MRR = (1 + 1/3 + 0 + 1/2)/4; found@5: the first two.
        var m = EvalMetrics.Of([Outcome("literal", "zh", 1), Outcome("literal", "zh", 3), Outcome("paraphrase", "en", [null]), Outcome("multi", "en", 2, 6)]);

        Assert.Equal(4, m.Questions);
        Assert.Equal(0.25, m.RecallAt1, 9);
        Assert.Equal(0.625, m.RecallAt5, 9);
        Assert.Equal(0.75, m.RecallAt10, 9);
        Assert.Equal((1 + 1.0 / 3 + 0.5) / 4, m.Mrr, 9);
        Assert.Equal(2, m.FoundAt5);
    }

    [Fact]
    public void Metrics_OfNothing_AreZero() => Assert.Equal(new EvalMetrics(0, 0, 0, 0, 0, 0), EvalMetrics.Of([]));

    [Fact]
    public void Groups_SliceByKindAndLanguage_LeavingEmptySlicesOut()
    {
        var groups = EvalGroups.Of([Outcome("literal", "zh", 1), Outcome("literal", "en", [null]), Outcome("multi", "en", 1, 9)]);

        Assert.Equal(
            ["all/all", "all/zh", "all/en", "literal/all", "literal/zh", "literal/en", "multi/all", "multi/en"],
            groups.Select(g => $"{g.Kind}/{g.Lang}"));
        Assert.Equal(0.5, groups.Single(g => g.Kind == "all" && g.Lang == "all").Metrics.RecallAt5, 9); // (1 + 0 + 0.5) / 3
        Assert.Equal(0.25, groups.Single(g => g.Kind == "all" && g.Lang == "en").Metrics.RecallAt5, 9); // (0 + 0.5) / 2
    }

    [Fact]
    public void MinLead_IsTheWorstSliceOfFusedMinusItsBestSingleList()
    {
        // Slices: literal zh, literal en. Fused: 1.0 and 0.0. Text: 0.0 and 1.0. Vector: 1.0 and 0.0.
        // literal zh: 1.0 − max(0, 1) = 0; literal en: 0.0 − max(1, 0) = −1.
        QuestionOutcome[] fused = [Outcome("literal", "zh", 1), Outcome("literal", "en", [null])];
        QuestionOutcome[] text = [Outcome("literal", "zh", [null]), Outcome("literal", "en", 2)];
        QuestionOutcome[] vector = [Outcome("literal", "zh", 3), Outcome("literal", "en", 8)];

        var (lead, kind, lang) = EvalGroups.MinLeadOverBestSingle(fused, [text, vector]);

        Assert.Equal(-1.0, lead, 9);
        Assert.Equal(("literal", "en"), (kind, lang));
    }
}
