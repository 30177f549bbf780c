namespace StarStudio.Core.Explore;

/// <summary>
/// A star's 7-day heat, the gallery's "trending" order (docs/explore.md):
/// <c>heat = Σ_{d=0..6} 0.5^(d / HalfLifeDays) · (plays_d + LikeWeight · likes_d)</c>, where d is how many Beijing days
/// before today the plays and new likes happened (0 = today). A play is a user-day with an answer, so one player counts
/// once a day however long they chat; a like weighs three plays because it is a deliberate act; a day's weight halves
/// every two days, so this week's newcomers can overtake last week's favourites. The SQL of the gallery job
/// (<c>star_gallery_recompute</c>) computes the same sum, rounded to 4 decimals.
/// </summary>
public static class HeatFormula
{
    /// <summary>Days counted: today and the six before it.</summary>
    public const int WindowDays = 7;

    /// <summary>How many plays one new like is worth.</summary>
    public const double LikeWeight = 3.0;

    /// <summary>Days after which a day's plays and likes count half.</summary>
    public const double HalfLifeDays = 2.0;

    /// <summary>The weight of a day <paramref name="ageDays"/> before today; 0 outside the window.</summary>
    public static double Weight(int ageDays) => ageDays is < 0 or >= WindowDays ? 0 : Math.Pow(0.5, ageDays / HalfLifeDays);

    /// <summary>The heat as of <paramref name="today"/> from plays per day and the days likes were made.</summary>
    public static double Compute(DateOnly today, IEnumerable<(DateOnly Day, int Plays)> plays, IEnumerable<DateOnly> likeDays)
    {
        ArgumentNullException.ThrowIfNull(plays);
        ArgumentNullException.ThrowIfNull(likeDays);
        var heat = 0.0;
        foreach (var (day, count) in plays)
        {
            heat += Weight(today.DayNumber - day.DayNumber) * count;
        }

        foreach (var day in likeDays)
        {
            heat += LikeWeight * Weight(today.DayNumber - day.DayNumber);
        }

        return Math.Round(heat, 4, MidpointRounding.AwayFromZero);
    }
}
