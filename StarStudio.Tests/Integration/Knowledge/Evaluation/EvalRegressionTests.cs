using StarStudio.TestSupport.Eval;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Knowledge.Evaluation;

/// <summary>
/// A slice of the evaluation set (8 documents with their distractors, the questions answered from them), ingested once
/// through the product's path and asked in the text-only and hybrid modes with the configured defaults. The floors sit a
/// little below what was measured when they were set (docs/evaluation.md): raise them when retrieval improves.
/// </summary>
public sealed class EvalRegressionTests(EvalSliceFixture slice, ITestOutputHelper output) : IClassFixture<EvalSliceFixture>
{
    [Fact]
    public void Slice_IsEightDocumentsInTwoLanguages_WithTheirQuestions()
    {
        Assert.Equal(8, slice.Set.Documents.Count);
        Assert.Equal(4, slice.Set.Documents.Count(d => d.Lang == "zh"));
        Assert.True(slice.Set.Questions.Count >= 40, $"{slice.Set.Questions.Count} questions");
        Assert.All(EvalSet.Kinds, kind => Assert.Contains(slice.Set.Questions, q => q.Kind == kind));
    }

    [Fact]
    public void EveryGoldSpan_IsAnExactSubstringOfItsDocument() => Assert.Empty(slice.Set.Problems());

    [Fact]
    public void TextOnly_RecallAt5_StaysAboveItsFloor()
    {
        var all = Report(slice.Text);

        Assert.True(all.RecallAt5 >= EvalSliceFixture.TextFloor, $"text-only recall@5 {all.RecallAt5:0.000} < floor {EvalSliceFixture.TextFloor}");
        Assert.True(Literal(slice.Text) >= EvalSliceFixture.LiteralFloor, $"text-only literal recall@5 {Literal(slice.Text):0.000}");
    }

    [Fact]
    public void Hybrid_RecallAt5_StaysAboveItsFloor()
    {
        var all = Report(slice.Hybrid);

        Assert.True(all.RecallAt5 >= EvalSliceFixture.HybridFloor, $"hybrid recall@5 {all.RecallAt5:0.000} < floor {EvalSliceFixture.HybridFloor}");
        Assert.True(Literal(slice.Hybrid) >= EvalSliceFixture.LiteralFloor, $"hybrid literal recall@5 {Literal(slice.Hybrid):0.000}");
    }

    [Fact]
    public void Hybrid_IsNotWorseThanTextOnly_BeyondTheMargin()
    {
        var text = EvalMetrics.Of(slice.Text.Outcomes).RecallAt5;
        var hybrid = EvalMetrics.Of(slice.Hybrid.Outcomes).RecallAt5;

        Assert.True(hybrid >= text - EvalSliceFixture.HybridMargin, $"hybrid {hybrid:0.000} vs text-only {text:0.000} (margin {EvalSliceFixture.HybridMargin})");
    }

    private static double Literal(EvalRun run) => EvalMetrics.Of(run.Outcomes.Where(o => o.Question.Kind == "literal")).RecallAt5;

    private EvalMetrics Report(EvalRun run)
    {
        foreach (var g in EvalGroups.Of(run.Outcomes))
        {
            output.WriteLine($"{run.Mode.Name} {g.Kind} {g.Lang}: n {g.Metrics.Questions}, R@1 {g.Metrics.RecallAt1:0.000}, R@5 {g.Metrics.RecallAt5:0.000}, R@10 {g.Metrics.RecallAt10:0.000}, MRR {g.Metrics.Mrr:0.000}");
        }

        return EvalMetrics.Of(run.Outcomes);
    }
}

/// <summary>The slice's star, ingested once per test class, and its two runs.</summary>
public sealed class EvalSliceFixture : IAsyncLifetime
{
    /// <summary>Two tram systems of three, two libraries, two teas of four, one expense policy of two.</summary>
    public static readonly string[] Documents =
    [
        "zh/tram-qinghe.md", "zh/tram-wuyuan.md", "zh/library-lending.md", "zh/tea-pressing.md",
        "en/tram-port-vellin.md", "en/library-lending.md", "en/green-tea-steaming.md", "en/expense-policy.md",
    ];

    // Measured when set (48 questions, default options: coverage fusion — translation 1, synonym 0.5, form 1; semantic 1
    // above 0.2, vector 0.1, full-text tie-break 0.2; the dictionary analyzer and the semantic list): text-only recall@5
    // 0.677, hybrid 0.844 (0.729 with the earlier relative-score fusion), literal 1.000 in both. The floors sit about two
    // questions (2/48 ≈ 0.04) below. Re-measured after issue 10's third round (pinyin bridge, names lent to their document,
    // one round trip): the same, text 0.677 and hybrid 0.844 (R@10 0.927) — the slice asks no English question about a
    // Chinese document that names a place only in pinyin and misses, so the floors stay.
    // Retrieval here is deterministic (local hashing embedder, full text), so the floors guard against regressions, not noise.
    public const double TextFloor = 0.64;
    public const double HybridFloor = 0.80;
    public const double LiteralFloor = 0.90;

    /// <summary>How far hybrid recall@5 may trail text-only: not at all (issue 10: the hybrid is never worse than its best half).</summary>
    public const double HybridMargin = 0.0;

    private readonly PostgresDatabase pg = new();

    public EvalSet Set { get; private set; } = null!;
    public EvalRun Text { get; private set; } = null!;
    public EvalRun Hybrid { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await pg.InitializeAsync();
        Set = EvalSet.Load().Slice(Documents);
        await using var star = await EvalStar.CreateAsync(pg.MaintConnectionString, pg.AppConnectionString, Set.Documents);
        Text = await star.RunAsync(Set.Questions, EvalMode.Text);
        Hybrid = await star.RunAsync(Set.Questions, EvalMode.Hybrid);
    }

    public Task DisposeAsync() => pg.DisposeAsync();
}
