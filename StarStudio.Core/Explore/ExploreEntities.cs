using StarStudio.Core.Growth;

namespace StarStudio.Core.Explore;

/// <summary>One player's like of one star (seed 003 <c>public_work_like</c>): at most one row per user and star.</summary>
public class StarLike
{
    public Guid StarId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A play: the user had at least one answer from the star on that Beijing day. One row per user, star and day, so a play
/// counts once however many answers the day held.
/// </summary>
public class StarPlay
{
    public Guid StarId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The Beijing calendar day (<see cref="Common.BeijingTime.Day"/>).</summary>
    public DateOnly PlayDay { get; set; }
    public DateTimeOffset FirstPlayedAt { get; set; }
}

/// <summary>Plays of a star on one Beijing day, rolled up from <see cref="StarPlay"/> by the gallery job (seed 003 <c>public_work_play_daily_stat</c>).</summary>
public class StarPlayDailyStat
{
    public Guid StarId { get; set; }
    public DateOnly PlayDay { get; set; }
    public int PlayCount { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// The gallery's read model of one star: the star's public fields (copied by a trigger whenever the star changes), its
/// counters (kept by triggers, race-free) and its 7-day heat (recomputed by the gallery job). Readable by everyone while
/// <see cref="Listed"/> (public and active), by the owner always. Nobody writes it directly.
/// </summary>
public class StarGalleryStats
{
    public Guid StarId { get; set; }
    public Guid OwnerId { get; set; }
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public string Tone { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public bool HasAvatar { get; set; }
    /// <summary>The star is public and active: the gallery shows it.</summary>
    public bool Listed { get; set; }
    public DateTimeOffset StarCreatedAt { get; set; }
    /// <summary>The latest magnitude level (copied from <c>magnitude_history</c>), null before the first evaluation.</summary>
    public MagnitudeLevel? MagnitudeLevel { get; set; }
    public int LikeCount { get; set; }
    /// <summary>Plays ever (user-days with an answer).</summary>
    public long PlayCount { get; set; }
    /// <summary>Plays in the last 7 Beijing days, as of <see cref="HeatComputedAt"/>.</summary>
    public int Plays7d { get; set; }
    /// <summary>7-day heat (<see cref="HeatFormula"/>), as of <see cref="HeatComputedAt"/>.</summary>
    public double Heat { get; set; }
    public DateTimeOffset? HeatComputedAt { get; set; }
    /// <summary>The star's jieba-segmented search text (copied from <c>stars.search_text</c>).</summary>
    public string SearchText { get; set; } = "";

    /// <summary>
    /// The rank of the star's effective content rating (0 general … 3 adult, <c>ContentFilter.ContentRatings</c>), kept by
    /// <c>star_gallery_refresh</c>; lists show a star only when it is at most the viewer's <c>app_content_max_rank()</c>.
    /// </summary>
    public short ContentRank { get; set; }
}

/// <summary>The stars a user chatted with, latest first ("recently chatted"; seed 003 <c>user_browse_history</c>).</summary>
public class UserBrowseHistory
{
    public Guid UserId { get; set; }
    public Guid StarId { get; set; }
    public DateTimeOffset FirstChattedAt { get; set; }
    public DateTimeOffset LastChattedAt { get; set; }
}
