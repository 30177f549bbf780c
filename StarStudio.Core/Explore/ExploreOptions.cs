namespace StarStudio.Core.Explore;

/// <summary>The gallery job's schedule (<c>StarStudio__Explore__…</c>).</summary>
public sealed class ExploreOptions
{
    public const string Section = "StarStudio:Explore";

    /// <summary>
    /// Cron of the recomputation (daily play stats, 7-day heat, missing search texts); every 10 minutes by default, so a
    /// new star's search text and today's plays reach the gallery soon (a run over 100,000 stars takes seconds).
    /// </summary>
    public string RecomputeCron { get; set; } = "*/10 * * * *";
}
