using System.Globalization;
using System.Security.Cryptography;
using StarStudio.Core.Common;

namespace StarStudio.Core.Growth;

/// <summary>The events that count towards tasks; a task config names one as its <c>event_key</c>.</summary>
public static class GrowthEventKeys
{
    /// <summary>A successful sign-in (and the sign-in that follows registration).</summary>
    public const string SignIn = "sign_in";

    /// <summary>A star answered a message the user sent (the answer completed).</summary>
    public const string ChatMessage = "chat_message";

    /// <summary>The user rated an answer (a conversation's feedback).</summary>
    public const string RateAnswer = "rate_answer";

    /// <summary>A star owner added knowledge: an upload, a note or a webhook delivery was accepted.</summary>
    public const string AddKnowledge = "add_knowledge";

    /// <summary>The user entered a star into a trial (reserved: the arena calls it).</summary>
    public const string EnterTrial = "enter_trial";

    public static readonly IReadOnlyList<string> All = [SignIn, ChatMessage, RateAnswer, AddKnowledge, EnterTrial];
}

/// <summary>Beijing-time periods (<c>day_key</c>, <see cref="BeijingTime"/>) that task progress and claims are counted in.</summary>
public static class GrowthPeriods
{
    /// <summary>The Beijing calendar day of an instant as <c>yyyymmdd</c> (e.g. 2026-12-05 → 20261205).</summary>
    public static int DayKey(DateTimeOffset instant) => BeijingTime.DayKey(instant);

    /// <summary>
    /// The period an event at <paramref name="instant"/> counts in: the Beijing day for daily tasks, the Monday of its
    /// ISO week for weekly ones, 0 for once-only tasks.
    /// </summary>
    public static int PeriodKey(TaskCycle cycle, DateTimeOffset instant)
    {
        var day = BeijingTime.Day(instant);
        return cycle switch
        {
            TaskCycle.Daily => BeijingTime.DayKey(day),
            TaskCycle.Weekly => BeijingTime.DayKey(day.AddDays(-(((int)day.DayOfWeek + 6) % 7))),
            _ => 0,
        };
    }

    /// <summary>The id of a progress row and of its claim (seed 003 <c>{user_id}:{task_id}:{day_key}</c>); the claim's ledger key too.</summary>
    public static string ClaimKey(Guid userId, string taskId, int periodKey) =>
        string.Create(CultureInfo.InvariantCulture, $"{userId}:{taskId}:{periodKey}");
}

/// <summary>What an admin may configure for a task.</summary>
public static class TaskConfigRules
{
    public const int TaskIdMaxLength = 64;
    public const int TitleMaxLength = 80;
    public const int DescriptionMaxLength = 300;
    public const int MaxThreshold = 1000;
    public const long MaxRewardPoints = 100_000;

    /// <summary>Checks a draft; the task id is lower-case letters, digits, '_' and '-' (it appears in ledger keys).</summary>
    public static IReadOnlyList<FieldError> Validate(TaskConfigDraft draft)
    {
        var errors = new List<FieldError>();
        var id = draft.TaskId?.Trim() ?? "";
        if (id.Length == 0 || id.Length > TaskIdMaxLength || !id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
        {
            errors.Add(new FieldError(nameof(draft.TaskId), "Growth.Task.Id.Invalid", TaskIdMaxLength));
        }

        var title = draft.TitleZh?.Trim() ?? "";
        if (title.Length == 0)
        {
            errors.Add(new FieldError(nameof(draft.TitleZh), "Growth.Task.Title.Required"));
        }
        else if (title.Length > TitleMaxLength)
        {
            errors.Add(new FieldError(nameof(draft.TitleZh), "Growth.Task.Title.TooLong", TitleMaxLength));
        }

        if ((draft.TitleEn?.Trim().Length ?? 0) > TitleMaxLength)
        {
            errors.Add(new FieldError(nameof(draft.TitleEn), "Growth.Task.Title.TooLong", TitleMaxLength));
        }

        if ((draft.Description?.Trim().Length ?? 0) > DescriptionMaxLength)
        {
            errors.Add(new FieldError(nameof(draft.Description), "Growth.Task.Description.TooLong", DescriptionMaxLength));
        }

        if (!GrowthEventKeys.All.Contains(draft.EventKey ?? ""))
        {
            errors.Add(new FieldError(nameof(draft.EventKey), "Growth.Task.EventKey.Invalid"));
        }

        if (draft.Threshold is < 1 or > MaxThreshold)
        {
            errors.Add(new FieldError(nameof(draft.Threshold), "Growth.Task.Threshold.OutOfRange", 1, MaxThreshold));
        }

        if (draft.RewardPoints is < 1 or > MaxRewardPoints)
        {
            errors.Add(new FieldError(nameof(draft.RewardPoints), "Growth.Task.Reward.OutOfRange", 1, MaxRewardPoints));
        }

        return errors;
    }
}

/// <summary>Why a redeem was refused; each is a resource key.</summary>
public static class RedeemErrors
{
    public const string Empty = "Growth.Redeem.Empty";
    public const string Unknown = "Growth.Redeem.Unknown";
    public const string Disabled = "Growth.Redeem.Disabled";
    public const string NotYetValid = "Growth.Redeem.NotYetValid";
    public const string Expired = "Growth.Redeem.Expired";
    public const string UsedUp = "Growth.Redeem.UsedUp";
    public const string AlreadyUsed = "Growth.Redeem.AlreadyUsed";
    public const string NotForYou = "Growth.Redeem.NotForYou";
}

/// <summary>Redeem code rules: normalizing what a user typed, who may redeem, and generating codes.</summary>
public static class RedeemCodeRules
{
    public const int CodeMaxLength = 32;
    public const int CodeMinLength = 4;
    public const int GeneratedLength = 12;
    public const int MaxBatchSize = 1000;
    public const int MaxUsesLimit = 1_000_000;
    public const long MaxRewardPoints = 1_000_000;
    public const int NoteMaxLength = 200;

    /// <summary>
    /// Generated codes use upper-case letters and digits without the look-alikes 0/O, 1/I/L, 2/Z, 5/S and 8/B, so a
    /// code read off a screen or paper is typed right (25 symbols; 12 of them ≈ 55 bits).
    /// </summary>
    public const string Alphabet = "34679ACDEFGHJKMNPQRTUVWXY";

    /// <summary>The stored form of a code: trimmed, upper-case (codes are case-insensitive), without inner spaces or dashes a user may copy along.</summary>
    public static string Normalize(string? typed) =>
        new string((typed ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToUpperInvariant();

    /// <summary>Whether a normalized code has an acceptable shape: ASCII letters, digits and '_' only.</summary>
    public static bool IsWellFormed(string code) =>
        code.Length is >= CodeMinLength and <= CodeMaxLength && code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    /// <summary>
    /// Reads a typed redeem or invite code: its normalized form, or the resource key of why it cannot be one
    /// (<paramref name="emptyCode"/> when nothing was typed, <paramref name="unknownCode"/> when no code has that shape).
    /// </summary>
    public static string? Read(string? typed, string emptyCode, string unknownCode, out string normalized)
    {
        normalized = Normalize(typed);
        return normalized.Length == 0 ? emptyCode : IsWellFormed(normalized) ? null : unknownCode;
    }

    /// <summary>The ledger key (and usage id) of a user's redemption of a code: one per user and code.</summary>
    public static string UsageKey(string code, Guid userId) => $"redeem:{code}:{userId}";

    /// <summary>
    /// Why <paramref name="userId"/> may not redeem <paramref name="code"/> now, or null when they may. The order is what
    /// the user can act on first: a code that does not work for anyone says so before saying it is not theirs.
    /// </summary>
    public static string? Refusal(RedeemCode code, Guid userId, bool usedByUser, DateTimeOffset now)
    {
        if (!code.Enabled)
        {
            return RedeemErrors.Disabled;
        }

        if (code.StartsAt is { } start && now < start)
        {
            return RedeemErrors.NotYetValid;
        }

        if (code.ExpiresAt is { } end && now >= end)
        {
            return RedeemErrors.Expired;
        }

        if (code.Mode == RedeemCodeMode.Private && !code.AllowedUserIds.Contains(userId))
        {
            return RedeemErrors.NotForYou;
        }

        if (usedByUser)
        {
            return RedeemErrors.AlreadyUsed;
        }

        return code.GlobalUsedCount >= MaxUses(code) ? RedeemErrors.UsedUp : null;
    }

    /// <summary>The effective limit: a unique code is used once whatever its row says.</summary>
    public static int MaxUses(RedeemCode code) => code.Mode == RedeemCodeMode.Unique ? 1 : code.MaxUses;

    /// <summary>Checks an admin's draft of a code.</summary>
    public static IReadOnlyList<FieldError> Validate(RedeemCodeDraft draft, bool generated)
    {
        var errors = new List<FieldError>();
        if (!generated && !IsWellFormed(Normalize(draft.Code)))
        {
            errors.Add(new FieldError(nameof(draft.Code), "Growth.RedeemCode.Code.Invalid", CodeMinLength, CodeMaxLength));
        }

        if (draft.RewardPoints is < 1 or > MaxRewardPoints)
        {
            errors.Add(new FieldError(nameof(draft.RewardPoints), "Growth.RedeemCode.Reward.OutOfRange", 1, MaxRewardPoints));
        }

        if (draft.Mode != RedeemCodeMode.Unique && draft.MaxUses is < 1 or > MaxUsesLimit)
        {
            errors.Add(new FieldError(nameof(draft.MaxUses), "Growth.RedeemCode.MaxUses.OutOfRange", 1, MaxUsesLimit));
        }

        if (draft.Mode == RedeemCodeMode.Private && draft.AllowedUsers.Count == 0)
        {
            errors.Add(new FieldError(nameof(draft.AllowedUsers), "Growth.RedeemCode.AllowedUsers.Required"));
        }

        if (draft.StartsAt is { } s && draft.ExpiresAt is { } e && e <= s)
        {
            errors.Add(new FieldError(nameof(draft.ExpiresAt), "Growth.RedeemCode.Window.Invalid"));
        }

        if ((draft.Note?.Length ?? 0) > NoteMaxLength)
        {
            errors.Add(new FieldError(nameof(draft.Note), "Growth.RedeemCode.Note.TooLong", NoteMaxLength));
        }

        return errors;
    }

    /// <summary>A new random code from <see cref="Alphabet"/>, drawn with a cryptographic generator.</summary>
    public static string Generate(int length = GeneratedLength) => RandomNumberGenerator.GetString(Alphabet, length);
}

/// <summary>Invite codes and referral rules.</summary>
public static class InviteRules
{
    /// <summary>Invite codes are short enough to read out: 8 symbols of <see cref="RedeemCodeRules.Alphabet"/> (≈ 37 bits).</summary>
    public const int CodeLength = 8;

    /// <summary>Points the inviter gets when someone binds their code (<c>system_configs.referral_inviter_points</c> overrides).</summary>
    public const long DefaultInviterPoints = 20;

    /// <summary>Points the invitee gets for binding a code (<c>system_configs.referral_invitee_points</c> overrides).</summary>
    public const long DefaultInviteePoints = 10;

    public const string InviterPointsConfig = "referral_inviter_points";
    public const string InviteePointsConfig = "referral_invitee_points";

    public const string Empty = "Growth.Invite.Empty";
    public const string Unknown = "Growth.Invite.Unknown";
    public const string Self = "Growth.Invite.Self";
    public const string AlreadyBound = "Growth.Invite.AlreadyBound";
    public const string OlderAccount = "Growth.Invite.OlderAccount";
    public const string NotValidNow = "Growth.Invite.NotValidNow";

    public static string Generate() => RandomNumberGenerator.GetString(RedeemCodeRules.Alphabet, CodeLength);

    /// <summary>The ledger keys of a referral's two rewards: one per invitee, whoever the inviter.</summary>
    public static string InviterKey(Guid invitee) => $"referral:{invitee}:inviter";

    public static string InviteeKey(Guid invitee) => $"referral:{invitee}:invitee";

    /// <summary>
    /// Why <paramref name="invitee"/> may not bind <paramref name="code"/>, or null. An account created before the code
    /// existed was not brought by it (and could otherwise farm rewards by pairing old accounts).
    /// </summary>
    public static string? Refusal(InviteCode code, Guid invitee, DateTimeOffset inviteeCreatedAt, bool alreadyBound, DateTimeOffset now)
    {
        if (code.UserId == invitee)
        {
            return Self;
        }

        if (alreadyBound)
        {
            return AlreadyBound;
        }

        if ((code.StartsAt is { } s && now < s) || (code.ExpiresAt is { } e && now >= e))
        {
            return NotValidNow;
        }

        return inviteeCreatedAt < code.CreatedAt ? OlderAccount : null;
    }
}
