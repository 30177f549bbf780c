using StarStudio.Core.Common;

namespace StarStudio.Core.Recommendations;

/// <summary>A recommendation as the strip shows it: the logged row's id (reactions name it), the star and the reason.</summary>
public sealed record ShownRecommendation(Guid LogId, Guid StarId, string Name, string Domain, bool HasAvatar, RecommendationReason Reason, string Algorithm);

/// <summary>Counts of one reason (or one algorithm) over a date range, for the admin page.</summary>
public sealed record RecommendationReasonStats(string ReasonCode, int Shown, int Clicked, int Liked, int Dismissed)
{
    /// <summary>Clicks per shown recommendation, 0 when none was shown.</summary>
    public double ClickThroughRate => Shown == 0 ? 0 : (double)Clicked / Shown;
}

/// <summary>
/// Recommendations for the signed-in player (docs/recommendations.md): every shown one is logged with its reason;
/// reactions are recorded; a dismissed star is never recommended again; a star made private since is filtered when
/// shown and a click on a stale card says so.
/// </summary>
public interface IRecommendationService
{
    /// <summary>Up to <paramref name="count"/> recommendations for the current user, each logged; empty for anonymous visitors.</summary>
    Task<IReadOnlyList<ShownRecommendation>> ShowAsync(int count, CancellationToken ct = default);

    /// <summary>
    /// Records a click on a shown recommendation and returns the star to open; <c>Recs.Click.Unavailable</c> when the star
    /// is no longer public and active, NotFound when the log row is not the user's.
    /// </summary>
    Task<Result<Guid>> ClickAsync(Guid logId, CancellationToken ct = default);

    /// <summary>"不感兴趣": records the dismissal; the star is not recommended to this user again.</summary>
    Task<Result<bool>> DismissAsync(Guid logId, CancellationToken ct = default);

    /// <summary>Admins only: shown / clicked / liked / dismissed per reason for recommendations shown in [from, to] (Beijing days).</summary>
    Task<Result<IReadOnlyList<RecommendationReasonStats>>> StatsAsync(DateOnly from, DateOnly to, CancellationToken ct = default);
}

/// <summary>Recomputes the star-to-star similarity table from all likes and plays (a Hangfire job; no signed-in user).</summary>
public interface IRecommendationSimilarityJob
{
    /// <summary>Returns the number of similarity rows written.</summary>
    Task<int> RunAsync(CancellationToken ct = default);
}
