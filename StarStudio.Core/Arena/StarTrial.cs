namespace StarStudio.Core.Arena;

/// <summary>
/// A season of the arena (<c>trial_seasons</c>; seed 000 names <c>star_trials.season_id</c> without a table): a span of
/// dates, its rules, and the reward table by rank that its trials pay out of.
/// </summary>
public class TrialSeason
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string Rules { get; set; } = "";

    /// <summary>Points per point rank: index 0 = rank 1; ranks beyond the table get nothing.</summary>
    public List<long> RewardTable { get; set; } = [];

    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A trial (星试) stars compete in; seed 000 §1.8 plus the window, rubric and limits of issue 11. Its life:
/// <c>draft</c> (admins only) → <c>ongoing</c> (entries from <see cref="OpensAt"/> until <see cref="SubmitUntil"/>, then
/// judging and blind battles until <see cref="EndsAt"/>) → <c>finished</c> (scored by a job; ranks and rewards).
/// </summary>
public class StarTrial
{
    public Guid Id { get; set; }
    public Guid? SeasonId { get; set; }
    public string Title { get; set; } = "";
    public string Prompt { get; set; } = "";

    /// <summary>The answer's JSON Schema (draft 2020-12), accepted by <see cref="AnswerSchemas.Accept"/> when saved.</summary>
    public string AnswerSchema { get; set; } = "{}";

    public TrialStatus Status { get; set; } = TrialStatus.Draft;
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What judges score, 1–10 each, with weights (jsonb).</summary>
    public List<RubricCriterion> Rubric { get; set; } = [];

    /// <summary>Entries are taken from here…</summary>
    public DateTimeOffset OpensAt { get; set; }

    /// <summary>…until here; then judging and battles.</summary>
    public DateTimeOffset SubmitUntil { get; set; }

    /// <summary>Judging and battles end here; the trial finishes and is scored.</summary>
    public DateTimeOffset EndsAt { get; set; }

    /// <summary>The job opens the draft by itself at <see cref="OpensAt"/> (else an admin opens it).</summary>
    public bool AutoOpen { get; set; }

    /// <summary>Stars one owner may enter.</summary>
    public int MaxEntriesPerOwner { get; set; } = 1;

    /// <summary>Answers a star may write for this trial beyond the first before one is submitted.</summary>
    public int MaxRegenerations { get; set; } = 3;

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>When the scoring job last completed (null: not scored yet).</summary>
    public DateTimeOffset? ScoredAt { get; set; }

    /// <summary>Decisive votes won by the entry shown on the left / all decisive votes, set by scoring (position bias).</summary>
    public int? LeftWins { get; set; }

    public int? DecisiveVotes { get; set; }

    /// <summary>Style-control coefficients (length, headers, list items) from the last scoring; empty without votes.</summary>
    public List<double> StyleCoefficients { get; set; } = [];
}

/// <summary>A judge of a trial (<c>trial_judges</c>): may score every entry's rubric after the submission window.</summary>
public class TrialJudge
{
    public Guid TrialId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// An answer a star wrote for a trial before its owner submitted one (<c>trial_entry_drafts</c>): written through the
/// chat engine on channel <c>trial</c> (its own conversation and trace), stored as JSON in <c>trial-responses</c>,
/// validated against the schema. Never edited; the owner may write up to 1 + <see cref="StarTrial.MaxRegenerations"/>.
/// </summary>
public class TrialEntryDraft
{
    public Guid Id { get; set; }
    public Guid TrialId { get; set; }
    public Guid StarId { get; set; }
    public Guid OwnerId { get; set; }

    /// <summary>1 for the first answer, 2 for the first regeneration…</summary>
    public int Attempt { get; set; }

    public string ResponseUri { get; set; } = "";
    public bool SchemaValid { get; set; }

    /// <summary>The validation errors (JSON array of {pointer, keyword, message}); "[]" when valid.</summary>
    public string Errors { get; set; } = "[]";

    public Guid? ConversationId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A star's entry in a trial; seed 000 §1.9, plus what scoring records.</summary>
public class TrialEntry
{
    public Guid Id { get; set; }
    public Guid TrialId { get; set; }
    public Guid StarId { get; set; }
    public string? ResponseUri { get; set; }
    public decimal? Score { get; set; }
    public int? Rank { get; set; }
    public int RewardPoints { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The star's owner when it entered (limits per owner; who the reward goes to).</summary>
    public Guid OwnerId { get; set; }

    /// <summary>The star's name when it entered (leaderboards show it even when the star is private).</summary>
    public string StarName { get; set; } = "";

    /// <summary>The draft that was submitted.</summary>
    public Guid? DraftId { get; set; }

    public bool SchemaValid { get; set; }

    /// <summary>Style covariates of the answer (<see cref="TrialScoring.Style"/>).</summary>
    public int StyleLength { get; set; }

    public int StyleHeaders { get; set; }
    public int StyleListItems { get; set; }

    /// <summary>Set by scoring: the score's interval, the rank range, the rubric mean and the battle rating.</summary>
    public decimal? ScoreLow { get; set; }

    public decimal? ScoreHigh { get; set; }
    public int? RankBest { get; set; }
    public int? RankWorst { get; set; }
    public double? RubricMean { get; set; }
    public double? Rating { get; set; }
    public double? RatingLow { get; set; }
    public double? RatingHigh { get; set; }

    /// <summary>The rating with style control (point estimate).</summary>
    public double? RatingStyleControlled { get; set; }

    public int Battles { get; set; }
}

/// <summary>One judge's score of one rubric criterion of one entry (<c>trial_rubric_scores</c>).</summary>
public class TrialRubricScore
{
    public Guid Id { get; set; }
    public Guid TrialId { get; set; }
    public Guid EntryId { get; set; }
    public Guid JudgeId { get; set; }
    public string Criterion { get; set; } = "";
    public short Score { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A blind battle shown to a player (<c>trial_battles</c>): two entries of one trial, <see cref="EntryA"/> on the left;
/// <see cref="Outcome"/> is null until the player votes. One per player per pair (<see cref="PairLow"/>,
/// <see cref="PairHigh"/> = the two entry ids in order, computed by PostgreSQL), so a pair is never voted twice by one player.
/// </summary>
public class TrialBattle
{
    public Guid Id { get; set; }
    public Guid TrialId { get; set; }
    public Guid VoterId { get; set; }
    public Guid EntryA { get; set; }
    public Guid EntryB { get; set; }
    public Guid PairLow { get; set; }
    public Guid PairHigh { get; set; }
    public BattleOutcome? Outcome { get; set; }
    public DateTimeOffset ShownAt { get; set; }
    public DateTimeOffset? VotedAt { get; set; }
}

/// <summary>
/// A rating snapshot written by scoring (<c>trial_rating_history</c>), for the leaderboards' charts of rating over
/// time: per entry of a trial, per star within a season, and per star over all time.
/// </summary>
public class TrialRatingSnapshot
{
    public Guid Id { get; set; }
    public RatingScope Scope { get; set; }

    /// <summary>The trial (scope trial), the season (scope season), or null (all time).</summary>
    public Guid? ScopeId { get; set; }

    public Guid StarId { get; set; }
    public string StarName { get; set; } = "";
    public double Rating { get; set; }
    public double Lower { get; set; }
    public double Upper { get; set; }
    public int Votes { get; set; }

    /// <summary>The trial whose scoring wrote it.</summary>
    public Guid TrialId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>What a rating snapshot ranks over.</summary>
public enum RatingScope
{
    Trial,
    Season,
    AllTime,
}

/// <summary>Seed 000 <c>star_trials.status</c>.</summary>
public enum TrialStatus
{
    Draft,
    Ongoing,
    Finished,
}
