using StarStudio.Core.Common;
using StarStudio.Core.Growth;

namespace StarStudio.Core.Explore;

/// <summary>The gallery: listed stars as cards, searched, filtered and sorted; a star's public profile. Anyone may call it.</summary>
public interface IGalleryService
{
    /// <summary>One page of cards; an invalid query (too long, unknown sort, page out of range) gives field errors.</summary>
    Task<Result<GalleryPage>> SearchAsync(GalleryQuery query, CancellationToken ct = default);

    /// <summary>The most common 星域 and tags of listed stars, for the filters.</summary>
    Task<GalleryFacets> FacetsAsync(CancellationToken ct = default);

    /// <summary>A listed star's profile (or the owner's own star); not found for anything else.</summary>
    Task<Result<StarProfile>> ProfileAsync(Guid starId, CancellationToken ct = default);

    /// <summary>The current user's recently chatted stars, newest first; empty when signed out.</summary>
    Task<IReadOnlyList<RecentlyChatted>> RecentlyChattedAsync(int take, CancellationToken ct = default);
}

/// <summary>Likes as the current user.</summary>
public interface IStarLikeService
{
    /// <summary>
    /// Likes (<paramref name="like"/> true) or unlikes a star; setting the state it already has changes nothing, so a
    /// double click or two tabs never count twice. Refused for a signed-out user, and liking a star that is not public and
    /// active (unliking always works).
    /// </summary>
    Task<Result<LikeState>> SetAsync(Guid starId, bool like, CancellationToken ct = default);

    /// <summary>Flips the current user's like.</summary>
    Task<Result<LikeState>> ToggleAsync(Guid starId, CancellationToken ct = default);
}

/// <summary>Records plays; called by the chat service when an answer completes.</summary>
public interface IStarPlayRecorder
{
    /// <summary>The current user got an answer from the star now: a play (once per Beijing day) and "recently chatted".</summary>
    /// <returns>True when this was the user's first play of the star today.</returns>
    Task<bool> RecordAsync(Guid starId, CancellationToken ct = default);
}

/// <summary>The gallery job: daily play stats, 7-day heat and missing search texts.</summary>
public interface IGalleryRecompute
{
    Task<GalleryRecomputeResult> RunAsync(CancellationToken ct = default);
}

/// <summary>What a recomputation did.</summary>
public sealed record GalleryRecomputeResult(int SearchTextsFilled, int HeatChanged, TimeSpan Elapsed);

/// <summary>The current user's like of a star after a change.</summary>
public sealed record LikeState(bool Liked, int LikeCount);

/// <summary>One star as a gallery card.</summary>
public sealed record GalleryCard(
    Guid StarId,
    string Name,
    string Domain,
    string Tone,
    IReadOnlyList<string> Tags,
    bool HasAvatar,
    MagnitudeLevel? Magnitude,
    int Likes,
    long Plays,
    double Heat,
    DateTimeOffset CreatedAt,
    bool LikedByMe);

/// <summary>A page of cards. <paramref name="NoSearchableWords"/>: the text held no letter or digit to search for.</summary>
public sealed record GalleryPage(IReadOnlyList<GalleryCard> Items, int Page, bool HasMore, bool NoSearchableWords = false);

/// <summary>A filter value and how many listed stars carry it.</summary>
public sealed record FacetValue(string Value, long Stars);

/// <summary>The filters' choices.</summary>
public sealed record GalleryFacets(IReadOnlyList<FacetValue> Domains, IReadOnlyList<FacetValue> Tags);

/// <summary>
/// A star's public profile: its card, the greeting and sample questions players get (from the approved public version),
/// plays in the last 7 days, and the newest likers who do not hide their likes.
/// </summary>
public sealed record StarProfile(
    GalleryCard Card,
    string Greeting,
    IReadOnlyList<string> SampleQuestions,
    int Plays7d,
    IReadOnlyList<string> RecentLikers,
    bool IsOwner,
    bool Listed);

/// <summary>A star the user chatted with, and when they last did.</summary>
public sealed record RecentlyChatted(GalleryCard Card, DateTimeOffset LastChattedAt);
