using StarStudio.Core.Recommendations;

namespace StarStudio.Tests.Unit.Recommendations;

public class ItemSimilarityTests
{
    private static readonly Guid A = G(1), B = G(2), C = G(3), D = G(4);

    private static Guid G(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    private static IEnumerable<Interaction> Users(int from, int to, params Guid[] stars) =>
        Enumerable.Range(from, to - from + 1).SelectMany(u => stars.Select(s => new Interaction(G(1000 + u), s)));

    [Fact]
    public void Compute_ThreeUsersLikeBoth_CosineTimesLikeWeight()
    {
        // A: users 1..4, B: users 1..3 → shared 3, cosine 3/√12.
        var likes = Users(1, 3, A, B).Concat(Users(4, 4, A));

        var pairs = ItemSimilarity.Compute(likes, []);

        var ab = Assert.Single(pairs, p => p.StarId == A && p.SimilarStarId == B);
        Assert.Equal(Math.Round(0.6 * 3 / Math.Sqrt(12), 6), ab.Score, 6);
        Assert.Equal(3, ab.Support);
        Assert.Contains(pairs, p => p.StarId == B && p.SimilarStarId == A);
    }

    [Fact]
    public void Compute_TwoSharedUsers_BelowMinSupport_NoPair()
    {
        var pairs = ItemSimilarity.Compute(Users(1, 2, A, B), Users(1, 2, A, B));

        Assert.Empty(pairs);
    }

    [Fact]
    public void Compute_LikesAndPlays_AddUp()
    {
        var pairs = ItemSimilarity.Compute(Users(1, 3, A, B), Users(1, 5, A, B));

        var ab = Assert.Single(pairs, p => p.StarId == A && p.SimilarStarId == B);
        Assert.Equal(1.0, ab.Score, 6); // 0.6·1 + 0.4·1
        Assert.Equal(5, ab.Support);
    }

    [Fact]
    public void Compute_DuplicateInteractions_CountOnce()
    {
        var likes = Users(1, 2, A, B).Concat(Users(1, 2, A, B)).Concat(Users(1, 2, A, B));

        Assert.Empty(ItemSimilarity.Compute(likes, []));
    }

    [Fact]
    public void Compute_CloserNeighbourRanksFirst_AndListIsCapped()
    {
        // B shares all 4 users with A; C shares 3 of 4; D shares 3 but has 10 users.
        var likes = Users(1, 4, A, B).Concat(Users(1, 3, C)).Concat(Users(5, 5, C)).Concat(Users(1, 3, D)).Concat(Users(20, 26, D));

        var neighbours = ItemSimilarity.Compute(likes, [], new SimilarityOptions { NeighboursPerStar = 2 }).Where(p => p.StarId == A).ToList();

        Assert.Equal([B, C], neighbours.Select(n => n.SimilarStarId));
    }

    [Fact]
    public void Compute_UserWithManyStars_OnlyFirstOnesCount()
    {
        // Each user's first star is A; the cap of 1 leaves no pairs at all.
        var pairs = ItemSimilarity.Compute(Users(1, 5, A, B), [], new SimilarityOptions { MaxStarsPerUser = 1 });

        Assert.Empty(pairs);
    }
}
