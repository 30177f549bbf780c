using StarStudio.Core.Common;

namespace StarStudio.Core.Arena;

/// <summary>
/// Seasons and trials for admins (issue 11, item 1): create and edit, judges, and the moves draft → ongoing → finished.
/// Every method refuses non-admins (<see cref="ResultKind.Forbidden"/>); the row-level security policies refuse them too.
/// </summary>
public interface IArenaAdminService
{
    Task<Result<IReadOnlyList<SeasonView>>> ListSeasonsAsync(CancellationToken ct = default);

    Task<Result<SeasonView>> CreateSeasonAsync(SeasonDraft draft, CancellationToken ct = default);

    Task<Result<SeasonView>> UpdateSeasonAsync(Guid seasonId, SeasonDraft draft, CancellationToken ct = default);

    /// <summary>Trials, newest window first; optionally of one season and/or one status.</summary>
    Task<Result<IReadOnlyList<TrialAdminSummary>>> ListTrialsAsync(Guid? seasonId, TrialStatus? status, CancellationToken ct = default);

    Task<Result<TrialAdminView>> GetTrialAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>Saves a new trial as a draft.</summary>
    Task<Result<TrialAdminView>> CreateTrialAsync(TrialDraft draft, CancellationToken ct = default);

    /// <summary>
    /// Edits a trial: a draft freely; an ongoing one except its prompt, schema and rubric once it has an entry; a finished
    /// one not at all.
    /// </summary>
    Task<Result<TrialAdminView>> UpdateTrialAsync(Guid trialId, TrialDraft draft, CancellationToken ct = default);

    /// <summary>Appoints a judge named by e-mail address or user name; the account must exist.</summary>
    Task<Result<TrialJudgeView>> AddJudgeAsync(Guid trialId, string emailOrUserName, CancellationToken ct = default);

    Task<Result<bool>> RemoveJudgeAsync(Guid trialId, Guid userId, CancellationToken ct = default);

    /// <summary>Publishes a draft (draft → ongoing); refuses one that is not valid to open, with every reason.</summary>
    Task<Result<TrialAdminView>> OpenAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>Ends the submission window now (submit_until = now) while submissions are open, so judging starts at once.</summary>
    Task<Result<TrialAdminView>> CloseSubmissionsNowAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>Finishes an ongoing trial now (finished_at = now) and queues its scoring once.</summary>
    Task<Result<TrialAdminView>> FinishNowAsync(Guid trialId, CancellationToken ct = default);
}

/// <summary>What an admin enters for a season.</summary>
public sealed class SeasonDraft
{
    public string Name { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string Rules { get; set; } = "";

    /// <summary>Points by rank, index 0 = rank 1.</summary>
    public List<long> RewardTable { get; set; } = [];
}

/// <summary>A season as the admin pages show it.</summary>
public sealed record SeasonView(Guid Id, string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Rules, IReadOnlyList<long> RewardTable, int Trials);

/// <summary>What an admin enters for a trial.</summary>
public sealed class TrialDraft
{
    public Guid? SeasonId { get; set; }
    public string Title { get; set; } = "";
    public string Prompt { get; set; } = "";
    public string AnswerSchema { get; set; } = "{}";
    public List<RubricCriterion> Rubric { get; set; } = [];
    public DateTimeOffset OpensAt { get; set; }
    public DateTimeOffset SubmitUntil { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public bool AutoOpen { get; set; }
    public int MaxEntriesPerOwner { get; set; } = 1;
    public int MaxRegenerations { get; set; } = 3;

    /// <summary>A draft holding what <paramref name="trial"/> holds, for its editor.</summary>
    public static TrialDraft From(StarTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return new TrialDraft
        {
            SeasonId = trial.SeasonId,
            Title = trial.Title,
            Prompt = trial.Prompt,
            AnswerSchema = trial.AnswerSchema,
            Rubric = [.. trial.Rubric],
            OpensAt = trial.OpensAt,
            SubmitUntil = trial.SubmitUntil,
            EndsAt = trial.EndsAt,
            AutoOpen = trial.AutoOpen,
            MaxEntriesPerOwner = trial.MaxEntriesPerOwner,
            MaxRegenerations = trial.MaxRegenerations,
        };
    }
}

/// <summary>A row of the admin's trial list.</summary>
public sealed record TrialAdminSummary(
    Guid Id, Guid? SeasonId, string Title, TrialStatus Status, TrialPhase Phase,
    DateTimeOffset OpensAt, DateTimeOffset SubmitUntil, DateTimeOffset EndsAt, bool AutoOpen, int Entries);

/// <summary>One trial for its editor: the row, its phase now, how many entries it has, and its judges.</summary>
public sealed record TrialAdminView(StarTrial Trial, TrialPhase Phase, int Entries, IReadOnlyList<TrialJudgeView> Judges)
{
    /// <summary>Whether the prompt, schema and rubric can still change (<see cref="ArenaAdminRules.ContentLocked"/>).</summary>
    public bool ContentEditable => !ArenaAdminRules.ContentLocked(Trial.Status, Entries);
}

/// <summary>A judge of a trial.</summary>
public sealed record TrialJudgeView(Guid UserId, string DisplayName, string? Email);
