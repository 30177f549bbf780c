using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Tests.Unit.Knowledge.Retrieval;

public sealed class ScoreFusionTests
{
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = new("00000000-0000-0000-0000-00000000000c");

    [Fact]
    public void RelativeScore_ScalesEachListByItsBestAndAddsWeightedScores()
    {
        var text = new RankedList(RetrievalLists.Text, [new(A, 0.8), new(B, 0.4)], Weight: 1.0);
        var vector = new RankedList(RetrievalLists.Vector, [new(B, 0.9), new(C, 0.45)], Weight: 0.5);

        var fused = ScoreFusion.Fuse([text, vector], topK: 10, FusionMethod.RelativeScore);

        // A: 1·(0.8/0.8) = 1; B: 1·(0.4/0.8) + 0.5·(0.9/0.9) = 1; C: 0.5·(0.45/0.9) = 0.25. A and B tie: best rank 1 each, then id.
        Assert.Equal([A, B, C], fused.Select(f => f.Id));
        Assert.Equal([1.0, 1.0, 0.25], fused.Select(f => Math.Round(f.Score, 12)));
        Assert.Equal((1, (int?)null), (fused[0].TextRank!.Value, fused[0].VectorRank));
        Assert.Equal((2, 1), (fused[1].TextRank!.Value, fused[1].VectorRank!.Value));
    }

    [Fact]
    public void RelativeScore_AbsoluteList_KeepsItsSimilaritiesUnscaled()
    {
        // A sentence model's cosine similarity means the same from question to question: a list whose best is 0.3 found
        // nothing close, and must not count as if it had.
        var text = new RankedList(RetrievalLists.Text, [new(A, 2.0), new(B, 1.0)]);
        var weak = new RankedList(RetrievalLists.Semantic, [new(C, 0.3)], Weight: 1.0, Absolute: true);
        var strong = new RankedList(RetrievalLists.Semantic, [new(C, 0.9)], Weight: 1.0, Absolute: true);

        var withWeak = ScoreFusion.Fuse([text, weak], topK: 3, FusionMethod.RelativeScore);
        var withStrong = ScoreFusion.Fuse([text, strong], topK: 3, FusionMethod.RelativeScore);

        Assert.Equal([A, B, C], withWeak.Select(f => f.Id));
        Assert.Equal(0.3, withWeak[2].Score, 12);
        Assert.Equal([A, C, B], withStrong.Select(f => f.Id));
        Assert.Equal(1, withStrong[1].SemanticRank);
    }

    [Fact]
    public void ReciprocalRank_IsWeightOverKPlusRank()
    {
        var text = new RankedList(RetrievalLists.Text, [new(A, 5), new(B, 1)]);
        var vector = new RankedList(RetrievalLists.Vector, [new(B, 0.9)], Weight: 2);

        var fused = ScoreFusion.Fuse([text, vector], topK: 2, FusionMethod.ReciprocalRank, rrfK: 60);

        Assert.Equal(B, fused[0].Id);
        Assert.Equal(1.0 / 62 + 2.0 / 61, fused[0].Score, 12);
        Assert.Equal(1.0 / 61, fused[1].Score, 12);
    }

    [Fact]
    public void Fuse_RowRepeatedInAList_CountsOnceAtItsBestPlace()
    {
        var text = new RankedList(RetrievalLists.Text, [new(A, 2), new(A, 1)]);

        var fused = ScoreFusion.Fuse([text], topK: 5, FusionMethod.RelativeScore);

        var only = Assert.Single(fused);
        Assert.Equal(1.0, only.Score, 12);
        Assert.Equal(1, only.TextRank);
    }

    [Fact]
    public void Fuse_ZeroWeightOrEmptyLists_ContributeNothing()
    {
        var text = new RankedList(RetrievalLists.Text, [new(A, 1)]);
        var off = new RankedList(RetrievalLists.Semantic, [new(B, 1)], Weight: 0);
        var empty = new RankedList(RetrievalLists.Expansion, []);

        var fused = ScoreFusion.Fuse([text, off, empty], topK: 5, FusionMethod.RelativeScore);

        Assert.Equal([A], fused.Select(f => f.Id));
        Assert.Null(fused[0].SemanticRank);
    }

    [Fact]
    public void Fuse_TopKBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreFusion.Fuse([], 0, FusionMethod.RelativeScore));
}
