using StarStudio.Core.Common;

namespace StarStudio.Core.ContentFilter;

/// <summary>
/// How mature a star's content is, and which ratings a viewer's filter level (seed 004 <c>content_filter_level</c>) lets
/// through (docs/preferences.md, "Content filter"). A star's effective rating is the highest of its owner's rating, an
/// admin's floor and its tags (an imported card tagged NSFW is adult whatever the owner chose).
/// </summary>
public static class ContentRatings
{
    public const string General = "general";
    public const string Teen = "teen";
    public const string Mature = "mature";
    public const string Adult = "adult";

    /// <summary>Ratings from least to most mature; the index is the rank the database compares.</summary>
    public static readonly IReadOnlyList<string> All = Array.AsReadOnly(new[] { General, Teen, Mature, Adult });

    public const string Default = General;

    /// <summary>
    /// Tags that make a star adult, compared case-insensitively (SillyTavern and Chub cards mark adult cards "NSFW").
    /// The database's <c>star_content_rank</c> carries the same list.
    /// </summary>
    public static readonly IReadOnlyList<string> AdultTags = ["nsfw", "r18", "r-18", "18+", "成人", "限制级"];

    /// <summary>The rank of a rating (unknown: general).</summary>
    public static int Rank(string? rating) => rating is null ? 0 : Math.Max(0, All.ToList().IndexOf(rating));

    /// <summary>The rating players are filtered by.</summary>
    public static string Effective(string? ownerRating, string? adminRating, IEnumerable<string>? tags)
    {
        var tagRank = (tags ?? []).Any(t => AdultTags.Contains(t.Trim().ToLowerInvariant())) ? Rank(Adult) : 0;
        return All[Math.Max(Math.Max(Rank(ownerRating), Rank(adminRating)), tagRank)];
    }

    /// <summary>A field error for a rating that is not one of <see cref="All"/>.</summary>
    public static FieldError? Validate(string? rating, string field) =>
        rating is not null && All.Contains(rating) ? null : new FieldError(field, "ContentFilter.Rating.Unknown", string.Join(", ", All));
}

/// <summary>A viewer's content filter level (seed 004: none, mild, moderate, strict; default mild, also for anonymous visitors).</summary>
public static class ContentFilterLevels
{
    public const string None = "none";
    public const string Mild = "mild";
    public const string Moderate = "moderate";
    public const string Strict = "strict";

    public static readonly IReadOnlyList<string> All = [None, Mild, Moderate, Strict];

    public const string Default = Mild;

    /// <summary>
    /// The most mature rating a level shows: none all, mild up to mature (hides adult), moderate up to teen, strict
    /// general only. The database's <c>app_content_max_rank()</c> carries the same mapping.
    /// </summary>
    public static string MaxRating(string? level) => level switch
    {
        None => ContentRatings.Adult,
        Moderate => ContentRatings.Teen,
        Strict => ContentRatings.General,
        _ => ContentRatings.Mature,
    };

    /// <summary>Whether a star of <paramref name="rating"/> is shown at <paramref name="level"/>.</summary>
    public static bool Shows(string? level, string? rating) => ContentRatings.Rank(rating) <= ContentRatings.Rank(MaxRating(level));

    /// <summary>A field error for a level that is not one of <see cref="All"/>.</summary>
    public static FieldError? Validate(string? level, string field) =>
        level is not null && All.Contains(level) ? null : new FieldError(field, "ContentFilter.Level.Unknown", string.Join(", ", All));
}

/// <summary>A star's content rating as its owner or an admin sees it.</summary>
/// <param name="OwnerRating">What the owner chose (default general).</param>
/// <param name="AdminFloor">An admin's floor, or null: the owner cannot rate below it.</param>
/// <param name="Effective">What players are filtered by (<see cref="ContentRatings.Effective"/>).</param>
/// <param name="TagForcesAdult">Whether a tag (NSFW…) makes the star adult.</param>
public sealed record StarContentRating(Guid StarId, string OwnerRating, string? AdminFloor, string Effective, bool TagForcesAdult);

/// <summary>Sets a star's content rating: its owner (or an admin) the rating, an admin the floor.</summary>
public interface IContentRatingService
{
    /// <summary>The star's rating; not found unless the caller owns the star or is an admin.</summary>
    Task<Result<StarContentRating>> GetAsync(Guid starId, CancellationToken ct = default);

    /// <summary>Sets the owner's rating (owner or admin); an unknown rating is a field error.</summary>
    Task<Result<StarContentRating>> SetAsync(Guid starId, string rating, CancellationToken ct = default);

    /// <summary>Sets or clears (null) an admin's floor; admins only, audited.</summary>
    Task<Result<StarContentRating>> SetAdminFloorAsync(Guid starId, string? floor, CancellationToken ct = default);
}

