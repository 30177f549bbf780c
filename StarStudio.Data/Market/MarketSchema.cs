namespace StarStudio.Data.Market;

/// <summary>Facts about the marketplace's tables that tests and later migrations share.</summary>
public static class MarketSchema
{
    /// <summary>
    /// Market tables with row-level security left unforced, each because SECURITY DEFINER functions (running as the owner)
    /// write them for callers who could not: <c>skills</c> (ratings, subscriber and call counters kept by triggers) and
    /// <c>skill_calls</c> (recorded and charged by a function, whoever asked the star).
    /// </summary>
    public static readonly string[] NotForced = ["skills", "skill_calls"];
}
