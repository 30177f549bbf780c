using StarStudio.Core.Common;

namespace StarStudio.Core.Arena.Queries;

/// <summary>A season as players see it.</summary>
public sealed record SeasonCard(Guid Id, string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Rules, IReadOnlyList<long> RewardTable);

/// <summary>A trial in a list: where it stands and when its next moment comes.</summary>
public sealed record TrialCard(
    Guid Id, Guid? SeasonId, string Title, TrialPhase Phase, DateTimeOffset OpensAt, DateTimeOffset SubmitUntil, DateTimeOffset EndsAt, DateTimeOffset? FinishedAt)
{
    /// <summary>The moment the countdown counts to: opening, end of submissions, or end; null once closing or finished.</summary>
    public DateTimeOffset? NextMoment => Phase switch
    {
        TrialPhase.Upcoming => OpensAt,
        TrialPhase.Submissions => SubmitUntil,
        TrialPhase.Judging => EndsAt,
        _ => null,
    };
}

/// <summary>The arena's front page.</summary>
public sealed record ArenaHomeView(
    IReadOnlyList<SeasonCard> CurrentSeasons,
    IReadOnlyList<TrialCard> Open,
    IReadOnlyList<TrialCard> Upcoming,
    IReadOnlyList<TrialCard> Finished,
    DateTimeOffset Now);

/// <summary>One entry in a trial's leaderboard (results are null until the trial is scored).</summary>
public sealed record LeaderboardRow(
    Guid EntryId,
    Guid StarId,
    string StarName,
    bool Mine,
    bool SchemaValid,
    DateTimeOffset SubmittedAt,
    decimal? Score,
    decimal? ScoreLow,
    decimal? ScoreHigh,
    int? Rank,
    int? RankBest,
    int? RankWorst,
    double? RubricMean,
    double? Rating,
    double? RatingLow,
    double? RatingHigh,
    double? RatingStyleControlled,
    int Battles,
    int RewardPoints)
{
    /// <summary>"3" or "2–5" (ranks whose score intervals overlap).</summary>
    public string RankText => Rank is null ? "" : new RankRange(Rank.Value, RankBest ?? Rank.Value, RankWorst ?? Rank.Value).ToString();
}

/// <summary>Everything the trial page shows.</summary>
public sealed record TrialDetailView(
    StarTrial Trial,
    TrialPhase Phase,
    SeasonCard? Season,
    bool EntriesShown,
    IReadOnlyList<LeaderboardRow> Entries,
    bool IsJudge,
    bool IsAdmin,
    bool SignedIn,
    Battles.PositionBiasReport? Bias,
    IReadOnlyList<double> StyleNote,
    DateTimeOffset Now);

/// <summary>A star's standing over a season or all time.</summary>
public sealed record StarStanding(
    Guid StarId,
    string StarName,
    int Trials,
    long Points,
    int? BestRank,
    decimal? MeanScore,
    double? Rating,
    double? RatingLow,
    double? RatingHigh,
    int Votes);

/// <summary>A point of a star's rating over time.</summary>
public sealed record RatingPoint(DateTimeOffset At, double Rating, double Lower, double Upper);

/// <summary>A season's (or all time's) leaderboard and the rating history of its leading stars.</summary>
public sealed record StandingsView(
    SeasonCard? Season,
    IReadOnlyList<SeasonCard> Seasons,
    IReadOnlyList<StarStanding> Stars,
    IReadOnlyDictionary<Guid, IReadOnlyList<RatingPoint>> History);

/// <summary>The arena's read side: pages of seasons, trials, leaderboards. Anyone may read what RLS shows them.</summary>
public interface IArenaQueryService
{
    Task<ArenaHomeView> HomeAsync(CancellationToken ct = default);

    Task<Result<TrialDetailView>> TrialAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>An entry's submitted answer (JSON), once entries are shown or to its owner and admins.</summary>
    Task<Result<string>> AnswerAsync(Guid entryId, CancellationToken ct = default);

    /// <summary>Standings of a season (null: the current or latest season) or, with <paramref name="allTime"/>, of all time.</summary>
    Task<StandingsView> StandingsAsync(Guid? seasonId, bool allTime, CancellationToken ct = default);
}
