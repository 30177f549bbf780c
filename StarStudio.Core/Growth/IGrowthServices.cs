using StarStudio.Core.Common;

namespace StarStudio.Core.Growth;

/// <summary>
/// Events that count towards daily tasks, and the registration reward, for the current user. Recording never throws
/// for a database failure (it is logged): the action that caused the event matters more than its task progress.
/// </summary>
public interface IGrowthEvents
{
    /// <summary>Counts one <paramref name="eventKey"/> (<see cref="GrowthEventKeys"/>) towards every enabled task that listens to it.</summary>
    Task RecordAsync(string eventKey, CancellationToken ct = default);

    /// <summary>Books the registration points once (key <c>new-user-registration:{user_id}</c>); a replay books nothing.</summary>
    Task<bool> RewardRegistrationAsync(CancellationToken ct = default);
}

/// <summary>The current user's daily tasks: progress and claims.</summary>
public interface ITaskService
{
    /// <summary>Every enabled task with the current user's progress in its current period, in the admins' order.</summary>
    Task<Result<IReadOnlyList<TaskView>>> ListMineAsync(CancellationToken ct = default);

    /// <summary>
    /// Books the reward of a finished task for the current period, once: a double click or a concurrent claim returns
    /// the first claim. Refused before the threshold is reached.
    /// </summary>
    Task<Result<TaskView>> ClaimAsync(string taskId, CancellationToken ct = default);
}

/// <summary>A task as its user sees it now.</summary>
public sealed record TaskView(
    string TaskId,
    string TitleZh,
    string? TitleEn,
    string Description,
    string EventKey,
    TaskCycle Cycle,
    int Threshold,
    long RewardPoints,
    int PeriodKey,
    int Progress,
    bool Claimed)
{
    public bool Completed => Progress >= Threshold;
    public bool CanClaim => Completed && !Claimed;
}

/// <summary>Redeeming codes, as the current user.</summary>
public interface IRedeemService
{
    /// <summary>Redeems a code (case-insensitive) and books its points, or says why not.</summary>
    Task<Result<RedeemResult>> RedeemAsync(string code, CancellationToken ct = default);
}

/// <summary>A successful redemption.</summary>
public sealed record RedeemResult(string Code, long Points);

/// <summary>The current user's invite code and referrals.</summary>
public interface IInviteService
{
    /// <summary>The current user's invite code, created the first time.</summary>
    Task<Result<string>> GetMyCodeAsync(CancellationToken ct = default);

    /// <summary>Binds the current user to the owner of <paramref name="code"/> and rewards both sides once.</summary>
    Task<Result<ReferralView>> BindAsync(string code, CancellationToken ct = default);

    /// <summary>Who invited the current user, if anyone.</summary>
    Task<Result<ReferralView?>> GetMyInviterAsync(CancellationToken ct = default);

    /// <summary>The people the current user referred, newest first.</summary>
    Task<Result<IReadOnlyList<ReferralView>>> ListReferralsAsync(CancellationToken ct = default);
}

/// <summary>A referral as either side sees it: the other person's display name and when they were bound.</summary>
public sealed record ReferralView(Guid UserId, string DisplayName, string InviteCode, DateTimeOffset BoundAt);

/// <summary>What an admin enters for a task.</summary>
public sealed class TaskConfigDraft
{
    public string TaskId { get; set; } = "";
    public string TitleZh { get; set; } = "";
    public string? TitleEn { get; set; }
    public string Description { get; set; } = "";
    public string EventKey { get; set; } = GrowthEventKeys.SignIn;
    public TaskCycle Cycle { get; set; } = TaskCycle.Daily;
    public int Threshold { get; set; } = 1;
    public long RewardPoints { get; set; } = 5;
    public bool Enabled { get; set; } = true;
    public int SortOrder { get; set; }

    public static TaskConfigDraft From(TaskConfig c) => new()
    {
        TaskId = c.TaskId,
        TitleZh = c.TitleZh,
        TitleEn = c.TitleEn,
        Description = c.Description,
        EventKey = c.EventKey,
        Cycle = c.Cycle,
        Threshold = c.Threshold,
        RewardPoints = c.RewardPoints,
        Enabled = c.Enabled,
        SortOrder = c.SortOrder,
    };
}

/// <summary>Admins' task configuration. Every call is <see cref="ResultKind.Forbidden"/> for anyone else; RLS refuses their writes too.</summary>
public interface ITaskAdminService
{
    Task<Result<IReadOnlyList<TaskConfig>>> ListAsync(CancellationToken ct = default);

    /// <summary>Creates a task (its id must be new).</summary>
    Task<Result<TaskConfig>> CreateAsync(TaskConfigDraft draft, CancellationToken ct = default);

    /// <summary>Changes a task; its id stays (claims and ledger keys name it).</summary>
    Task<Result<TaskConfig>> UpdateAsync(string taskId, TaskConfigDraft draft, CancellationToken ct = default);

    /// <summary>Deletes a task and its progress; claims and ledger rows stay as history.</summary>
    Task<Result<bool>> DeleteAsync(string taskId, CancellationToken ct = default);
}

/// <summary>What an admin enters for a code or a batch of codes.</summary>
public sealed class RedeemCodeDraft
{
    /// <summary>The code for a single code; ignored for a generated batch.</summary>
    public string Code { get; set; } = "";
    public RedeemCodeMode Mode { get; set; } = RedeemCodeMode.Public;
    public long RewardPoints { get; set; } = 10;
    public int MaxUses { get; set; } = 100;

    /// <summary>For private codes: the users (e-mail addresses or ids) who may redeem.</summary>
    public IReadOnlyList<string> AllowedUsers { get; set; } = [];
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? Note { get; set; }
}

/// <summary>A code as admins see it.</summary>
public sealed record RedeemCodeView(
    string Code,
    RedeemCodeMode Mode,
    long RewardPoints,
    int MaxUses,
    int UsedCount,
    bool Enabled,
    int AllowedUserCount,
    DateTimeOffset? StartsAt,
    DateTimeOffset? ExpiresAt,
    string? BatchId,
    string? Note,
    DateTimeOffset CreatedAt);

/// <summary>Admins' redeem codes. Every call is <see cref="ResultKind.Forbidden"/> for anyone else; RLS hides the codes from them too.</summary>
public interface IRedeemCodeAdminService
{
    /// <summary>A page of codes, newest first; <paramref name="search"/> matches a code or batch prefix.</summary>
    Task<Result<Page<RedeemCodeView>>> ListAsync(string? search, int page, int pageSize, CancellationToken ct = default);

    Task<Result<RedeemCodeView>> CreateAsync(RedeemCodeDraft draft, CancellationToken ct = default);

    /// <summary>Generates <paramref name="count"/> new random codes with the draft's settings under one batch id.</summary>
    Task<Result<GeneratedBatch>> GenerateAsync(RedeemCodeDraft draft, int count, CancellationToken ct = default);

    Task<Result<RedeemCodeView>> SetEnabledAsync(string code, bool enabled, CancellationToken ct = default);
}

/// <summary>A generated batch: its id and codes.</summary>
public sealed record GeneratedBatch(string BatchId, IReadOnlyList<string> Codes)
{
    /// <summary>The batch as CSV (header, one code a line) for a download.</summary>
    public string ToCsv() => "code\n" + string.Join("\n", Codes) + "\n";
}
