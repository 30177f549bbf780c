namespace StarStudio.Core.Recommendations;

/// <summary>A star the user liked or chatted with, which seeds "because you …" recommendations.</summary>
public sealed record SeedStar(Guid StarId, string Name, string Domain);

/// <summary>A star that may be recommended, as the gallery sees it now.</summary>
/// <param name="Popularity">The gallery's 7-day heat (0 when it has none).</param>
public sealed record CandidateStar(Guid StarId, string Name, string Domain, Guid OwnerId, bool IsPublic, bool IsActive, DateTimeOffset CreatedAt, double Popularity)
{
    /// <summary>Whether players may see it at all: public and active (not paused, not archived).</summary>
    public bool IsShowable => IsPublic && IsActive;
}

/// <summary>Everything <see cref="Recommender"/> needs about one user at one moment.</summary>
/// <param name="Liked">Stars the user likes, newest first.</param>
/// <param name="Chatted">Stars the user chatted with, newest first.</param>
/// <param name="Dismissed">Stars the user said "不感兴趣" to: never again.</param>
/// <param name="Neighbours">Precomputed similar stars of the seeds (<see cref="SimilarPair.StarId"/> is the seed).</param>
/// <param name="Candidates">Every star the neighbours, the popular lists and the new list name.</param>
public sealed record RecommendationInput(
    Guid UserId,
    IReadOnlyList<SeedStar> Liked,
    IReadOnlyList<SeedStar> Chatted,
    IReadOnlySet<Guid> Dismissed,
    IReadOnlyList<SimilarPair> Neighbours,
    IReadOnlyCollection<CandidateStar> Candidates);

/// <summary>One recommendation before it is shown and logged.</summary>
/// <param name="Confidence">0..1, stored as seed 004's <c>confidence_score</c>.</param>
public sealed record Recommendation(CandidateStar Star, RecommendationReason Reason, string Algorithm, double Confidence);

/// <summary>
/// Picks what to recommend, in this order until <c>count</c> are chosen: item-to-item neighbours of the stars the user
/// liked (weight 1) or chatted with (weight <see cref="ChattedWeight"/>), popular in the user's top domains, popular
/// overall, new. Never the user's own stars, stars they like or already chat with, stars they dismissed, or stars that are not public and
/// active — whatever the inputs contain.
/// </summary>
public static class Recommender
{
    public const int MaxCount = 24;
    public const double ChattedWeight = 0.6;
    /// <summary>Domains of the user's seeds that get a "popular in 星域 X" slot.</summary>
    public const int TopDomains = 2;
    /// <summary>Per domain, at most this many "popular in" picks, so one domain does not fill the strip.</summary>
    public const int PerDomain = 2;

    public static IReadOnlyList<Recommendation> Recommend(RecommendationInput input, int count)
    {
        ArgumentNullException.ThrowIfNull(input);
        count = Math.Clamp(count, 0, MaxCount);
        var liked = input.Liked.Select(s => s.StarId).ToHashSet();
        // A star the user already chats with is not news to them.
        var chatted = input.Chatted.Select(s => s.StarId).ToHashSet();
        var byId = input.Candidates.GroupBy(c => c.StarId).ToDictionary(g => g.Key, g => g.First());
        var chosen = new List<Recommendation>();
        var taken = new HashSet<Guid>();

        bool Allowed(CandidateStar c) =>
            c.IsShowable && c.OwnerId != input.UserId && !liked.Contains(c.StarId) && !chatted.Contains(c.StarId) && !input.Dismissed.Contains(c.StarId) && !taken.Contains(c.StarId);

        void Take(Recommendation r)
        {
            if (chosen.Count < count && Allowed(r.Star))
            {
                chosen.Add(r);
                taken.Add(r.Star.StarId);
            }
        }

        // Item to item: a candidate's score sums its similarity to every seed; the reason names the seed that added most.
        var seeds = new Dictionary<Guid, (SeedStar Seed, double Weight, RecommendationReasonCode Code)>();
        foreach (var s in input.Chatted)
        {
            seeds.TryAdd(s.StarId, (s, ChattedWeight, RecommendationReasonCode.BecauseYouChatted));
        }

        foreach (var s in input.Liked)
        {
            seeds[s.StarId] = (s, 1.0, RecommendationReasonCode.BecauseYouLiked);
        }

        var scored = new Dictionary<Guid, (double Total, double Best, Guid BestSeed)>();
        foreach (var n in input.Neighbours)
        {
            if (!seeds.TryGetValue(n.StarId, out var seed))
            {
                continue;
            }

            var part = n.Score * seed.Weight;
            var current = scored.GetValueOrDefault(n.SimilarStarId);
            scored[n.SimilarStarId] = part > current.Best
                ? (current.Total + part, part, n.StarId)
                : (current.Total + part, current.Best, current.BestSeed);
        }

        foreach (var (starId, s) in scored.OrderByDescending(p => p.Value.Total).ThenBy(p => p.Key))
        {
            if (byId.TryGetValue(starId, out var star))
            {
                var seed = seeds[s.BestSeed];
                Take(new Recommendation(star, RecommendationReason.Of(seed.Code, seed.Seed.Name), RecommendationAlgorithms.ItemToItem, Math.Round(Math.Min(1, s.Total), 4)));
            }
        }

        // Popular in the user's domains (most seeds first; likes count double).
        var domains = input.Liked.Select(s => (s.Domain, W: 2)).Concat(input.Chatted.Select(s => (s.Domain, W: 1)))
            .Where(d => !string.IsNullOrWhiteSpace(d.Domain))
            .GroupBy(d => d.Domain, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(d => d.W)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(TopDomains).Select(g => g.Key).ToList();
        var popular = byId.Values.Where(c => c.Popularity > 0).OrderByDescending(c => c.Popularity).ThenBy(c => c.StarId).ToList();
        var topHeat = popular.Count > 0 ? popular[0].Popularity : 1;
        foreach (var domain in domains)
        {
            foreach (var star in popular.Where(c => c.Domain == domain && Allowed(c)).Take(PerDomain).ToList())
            {
                Take(new Recommendation(star, RecommendationReason.Of(RecommendationReasonCode.PopularInDomain, domain), RecommendationAlgorithms.PopularInDomain,
                    Math.Round(0.5 * star.Popularity / topHeat, 4)));
            }
        }

        // Cold start and fill: popular overall, then the newest.
        foreach (var star in popular)
        {
            Take(new Recommendation(star, RecommendationReason.Of(RecommendationReasonCode.PopularOverall), RecommendationAlgorithms.Popular, Math.Round(0.3 * star.Popularity / topHeat, 4)));
        }

        foreach (var star in byId.Values.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.StarId))
        {
            Take(new Recommendation(star, RecommendationReason.Of(RecommendationReasonCode.NewStar), RecommendationAlgorithms.New, 0.1));
        }

        return chosen;
    }
}
