namespace StarStudio.Core.Recommendations;

/// <summary>
/// One recommendation shown to one user (seed 004 <c>recommendation_logs</c>), with the reaction it got. The reason is
/// stored as a code and its args so the row reads in every UI language; clicks, likes and dismissals each keep their time
/// (a click followed by a like counts as both), and <see cref="UserAction"/>/<see cref="FeedbackTime"/> hold the latest
/// reaction as the seed has them.
/// </summary>
public class RecommendationLog
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>Always <c>star</c> today (seed 004's <c>character</c>); the column keeps room for other kinds.</summary>
    public string ItemType { get; set; } = RecommendationLogRules.StarItem;
    public Guid ItemId { get; set; }
    /// <summary>One of <see cref="RecommendationAlgorithms.All"/>.</summary>
    public string AlgorithmType { get; set; } = "";
    public double ConfidenceScore { get; set; }
    /// <summary>The stored spelling of a <see cref="RecommendationReasonCode"/> (<see cref="RecommendationReason.Store"/>).</summary>
    public string ReasonCode { get; set; } = "";
    public List<string> ReasonArgs { get; set; } = [];
    /// <summary><c>clicked</c>, <c>liked</c> or <c>dismissed</c>: the latest reaction; null while none.</summary>
    public string? UserAction { get; set; }
    public DateTimeOffset? FeedbackTime { get; set; }
    public DateTimeOffset? ClickedAt { get; set; }
    public DateTimeOffset? LikedAt { get; set; }
    public DateTimeOffset? DismissedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A precomputed neighbour of a star (<see cref="ItemSimilarity"/>), written by the similarity job.</summary>
public class StarSimilarity
{
    public Guid StarId { get; set; }
    public Guid SimilarStarId { get; set; }
    public double Score { get; set; }
    public int Support { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
}

/// <summary>Constants of the recommendation log.</summary>
public static class RecommendationLogRules
{
    public const string StarItem = "star";

    /// <summary>A shown recommendation with no reaction is shown again from its row within this time instead of adding one (a page render twice, a refresh).</summary>
    public static readonly TimeSpan ReuseWindow = TimeSpan.FromMinutes(30);

    /// <summary>A like of a star within this time of its recommendation being shown counts for that recommendation.</summary>
    public static readonly TimeSpan LikeAttribution = TimeSpan.FromDays(7);

    public static string Store(RecommendationAction action) => action switch
    {
        RecommendationAction.Clicked => "clicked",
        RecommendationAction.Liked => "liked",
        RecommendationAction.Dismissed => "dismissed",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
