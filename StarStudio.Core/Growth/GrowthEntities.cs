namespace StarStudio.Core.Growth;

/// <summary>How often a daily task can be claimed (PostgreSQL enum <c>profile_task_cycle</c>).</summary>
public enum TaskCycle
{
    /// <summary>Once per Beijing-time day.</summary>
    Daily,

    /// <summary>Once per ISO week (Monday to Sunday, Beijing time).</summary>
    Weekly,

    /// <summary>Once ever.</summary>
    Once,
}

/// <summary>Where a user stands on a task in one period (PostgreSQL enum <c>profile_task_status</c>).</summary>
public enum TaskProgressStatus
{
    InProgress,
    Completed,
    Claimed,
}

/// <summary>Who may use a redeem code (PostgreSQL enum <c>profile_redeem_code_mode</c>, seed 003).</summary>
public enum RedeemCodeMode
{
    /// <summary>Many users, each once, up to <see cref="RedeemCode.MaxUses"/> in total.</summary>
    Public,

    /// <summary>One use in total.</summary>
    Unique,

    /// <summary>Only the listed users, each once, up to <see cref="RedeemCode.MaxUses"/> in total.</summary>
    Private,
}

/// <summary>A task admins configure (seed 003 <c>profile_task_config</c>).</summary>
public class TaskConfig
{
    public string TaskId { get; set; } = "";
    public string TitleZh { get; set; } = "";
    public string? TitleEn { get; set; }
    public string Description { get; set; } = "";
    public string EventKey { get; set; } = "";
    public TaskCycle Cycle { get; set; }
    public int Threshold { get; set; }
    public long RewardPoints { get; set; }
    public bool Enabled { get; set; }
    public int SortOrder { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's count of one task's event in one period (seed 003 <c>profile_task_progress</c>).</summary>
public class TaskProgress
{
    public string ProgressId { get; set; } = "";
    public Guid UserId { get; set; }
    public string TaskId { get; set; } = "";
    public int DayKey { get; set; }
    public int ProgressCount { get; set; }
    public int Threshold { get; set; }
    public TaskProgressStatus Status { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A claimed task reward (seed 003 <c>profile_task_reward_claim</c>); its id is also the ledger key.</summary>
public class TaskRewardClaim
{
    public string ClaimId { get; set; } = "";
    public Guid UserId { get; set; }
    public string TaskId { get; set; } = "";
    public int DayKey { get; set; }
    public long RewardPoints { get; set; }
    public string WalletLedgerId { get; set; } = "";
    public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>A code that grants points (seed 003 <c>profile_redeem_code</c>); stored upper-case.</summary>
public class RedeemCode
{
    public string Code { get; set; } = "";
    public RedeemCodeMode Mode { get; set; }
    public long RewardPoints { get; set; }
    public int MaxUses { get; set; }
    public int GlobalUsedCount { get; set; }
    public bool Enabled { get; set; }
    public Guid[] AllowedUserIds { get; set; } = [];
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The batch a generated code belongs to, so a batch can be listed and downloaded together.</summary>
    public string? BatchId { get; set; }
    public string? Note { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One redemption (seed 003 <c>profile_redeem_code_usage</c>); its id is also the ledger key.</summary>
public class RedeemCodeUsage
{
    public string UsageId { get; set; } = "";
    public string Code { get; set; } = "";
    public Guid UserId { get; set; }
    public long AmountGranted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user's invite code (seed 003 <c>profile_invite_code</c>), created the first time it is asked for.</summary>
public class InviteCode
{
    public Guid UserId { get; set; }
    public string Code { get; set; } = "";
    public string MetadataJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>Who invited whom (seed 003 <c>profile_referral_relation</c>); one per invitee, bound once.</summary>
public class ReferralRelation
{
    public Guid InviteeUserId { get; set; }
    public Guid InviterUserId { get; set; }
    public string InviteCode { get; set; } = "";
    public bool InviterRewardGranted { get; set; }
    public bool InviteeRewardGranted { get; set; }
    public DateTimeOffset BoundAt { get; set; }
}
