using StarStudio.Core.Recommendations;

namespace StarStudio.Tests.Unit.Recommendations;

public class RecommenderTests
{
    private static readonly Guid Me = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static CandidateStar Star(string name, string domain = "古籍修复", double heat = 0, bool isPublic = true, bool active = true, Guid? owner = null, int ageDays = 10) =>
        new(Guid.NewGuid(), name, domain, owner ?? Guid.NewGuid(), isPublic, active, T0.AddDays(-ageDays), heat);

    private static SeedStar Seed(CandidateStar s) => new(s.StarId, s.Name, s.Domain);

    private static SimilarPair Pair(CandidateStar from, CandidateStar to, double score) => new(from.StarId, to.StarId, score, 5);

    private static RecommendationInput Input(IEnumerable<CandidateStar> candidates, IEnumerable<CandidateStar>? liked = null, IEnumerable<CandidateStar>? chatted = null,
        IEnumerable<SimilarPair>? neighbours = null, IEnumerable<CandidateStar>? dismissed = null) =>
        new(Me, (liked ?? []).Select(Seed).ToList(), (chatted ?? []).Select(Seed).ToList(), (dismissed ?? []).Select(d => d.StarId).ToHashSet(),
            (neighbours ?? []).ToList(), candidates.ToList());

    [Fact]
    public void Recommend_NeighbourOfLikedStar_BecauseYouLikedItsName()
    {
        var liked = Star("墨痕");
        var similar = Star("纸鸢");

        var recs = Recommender.Recommend(Input([liked, similar], liked: [liked], neighbours: [Pair(liked, similar, 0.8)]), 5);

        var r = Assert.Single(recs);
        Assert.Equal(similar.StarId, r.Star.StarId);
        Assert.Equal(RecommendationReason.Of(RecommendationReasonCode.BecauseYouLiked, "墨痕"), r.Reason);
        Assert.Equal(RecommendationAlgorithms.ItemToItem, r.Algorithm);
        Assert.Equal(0.8, r.Confidence);
    }

    [Fact]
    public void Recommend_NeighbourOfChattedStar_BecauseYouChatted_RankedBelowLiked()
    {
        var liked = Star("墨痕");
        var chatted = Star("星图");
        var viaLike = Star("纸鸢");
        var viaChat = Star("灯塔");

        var recs = Recommender.Recommend(Input([liked, chatted, viaLike, viaChat], liked: [liked], chatted: [chatted],
            neighbours: [Pair(liked, viaLike, 0.5), Pair(chatted, viaChat, 0.6)]), 5);

        Assert.Equal([viaLike.StarId, viaChat.StarId], recs.Select(r => r.Star.StarId)); // 0.5 > 0.6 × 0.6
        Assert.Equal(RecommendationReason.Of(RecommendationReasonCode.BecauseYouChatted, "星图"), recs[1].Reason);
    }

    [Fact]
    public void Recommend_ReasonNamesTheSeedThatContributedMost()
    {
        var weak = Star("弱");
        var strong = Star("强");
        var target = Star("目标");

        var r = Assert.Single(Recommender.Recommend(Input([weak, strong, target], liked: [weak, strong],
            neighbours: [Pair(weak, target, 0.2), Pair(strong, target, 0.7)]), 5));

        Assert.Equal(["强"], r.Reason.Args);
        Assert.Equal(0.9, r.Confidence, 6);
    }

    [Fact]
    public void Recommend_NeverOwnLikedDismissedPrivateOrArchived()
    {
        var liked = Star("墨痕", heat: 9);
        var own = Star("我的", heat: 8, owner: Me);
        var dismissed = Star("不要", heat: 7);
        var hidden = Star("私密", heat: 6, isPublic: false);
        var archived = Star("归档", heat: 5, active: false);
        var ok = Star("可以", heat: 1);
        var all = new[] { liked, own, dismissed, hidden, archived, ok };

        var recs = Recommender.Recommend(Input(all, liked: [liked], dismissed: [dismissed],
            neighbours: all.Where(s => s != liked).Select(s => Pair(liked, s, 0.9))), 10);

        Assert.Equal([ok.StarId], recs.Select(r => r.Star.StarId));
    }

    [Fact]
    public void Recommend_PopularInTheUsersDomain_NamesTheDomain()
    {
        var liked = Star("墨痕", domain: "古籍修复");
        var inDomain = Star("纸寿千年", domain: "古籍修复", heat: 5);
        var elsewhere = Star("火箭", domain: "航天", heat: 50);

        var recs = Recommender.Recommend(Input([liked, inDomain, elsewhere], liked: [liked]), 2);

        Assert.Equal(inDomain.StarId, recs[0].Star.StarId);
        Assert.Equal(RecommendationReason.Of(RecommendationReasonCode.PopularInDomain, "古籍修复"), recs[0].Reason);
        Assert.Equal(RecommendationReason.Of(RecommendationReasonCode.PopularOverall), recs[1].Reason);
    }

    [Fact]
    public void Recommend_ColdStart_PopularThenNew_NoDuplicates()
    {
        var hot = Star("热门", heat: 10, ageDays: 30);
        var warm = Star("温", heat: 2, ageDays: 20);
        var fresh = Star("新星", ageDays: 0);

        var recs = Recommender.Recommend(Input([fresh, warm, hot]), 5);

        Assert.Equal([hot.StarId, warm.StarId, fresh.StarId], recs.Select(r => r.Star.StarId));
        Assert.Equal([RecommendationReasonCode.PopularOverall, RecommendationReasonCode.PopularOverall, RecommendationReasonCode.NewStar], recs.Select(r => r.Reason.Code));
    }

    [Fact]
    public void Recommend_CountIsRespectedAndCapped()
    {
        var stars = Enumerable.Range(0, 40).Select(i => Star("s" + i, heat: i + 1)).ToList();

        Assert.Equal(3, Recommender.Recommend(Input(stars), 3).Count);
        Assert.Equal(Recommender.MaxCount, Recommender.Recommend(Input(stars), 1000).Count);
        Assert.Empty(Recommender.Recommend(Input(stars), -1));
    }

    [Fact]
    public void Recommend_StarAlreadyChattedWith_IsNotRecommended()
    {
        var chatted = Star("星图", heat: 10);

        Assert.Empty(Recommender.Recommend(Input([chatted], chatted: [chatted]), 5));
    }

    [Theory]
    [InlineData(RecommendationReasonCode.BecauseYouLiked, "because_you_liked")]
    [InlineData(RecommendationReasonCode.PopularInDomain, "popular_in_domain")]
    [InlineData(RecommendationReasonCode.NewStar, "new_star")]
    public void Reason_StoredSpelling_RoundTrips(RecommendationReasonCode code, string stored)
    {
        Assert.Equal(stored, RecommendationReason.Store(code));
        Assert.Equal(code, RecommendationReason.Parse(stored));
    }

    [Fact]
    public void Reason_UnknownStoredSpelling_IsNull() => Assert.Null(RecommendationReason.Parse("because_of_the_moon"));
}
