using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Maker;

/// <summary>
/// The review flow's moves, pure: what a skill's status and a version's status become on submit, withdraw, approve, reject,
/// suspend and unsuspend, or why the move is refused. The database guards (<c>skills_guard</c>,
/// <c>skill_versions_immutable</c>) refuse the same moves again.
/// </summary>
public static class SkillTransitions
{
    public const int ReasonMax = 500;
    public const int ChangeLogMax = 2000;
    public const string VersionField = "Version";
    public const string ChangeLogField = "ChangeLog";
    public const string ReasonField = "Reason";
    public const string StatusField = "Status";

    /// <summary>
    /// A maker submits <paramref name="version"/>: it must be semver, greater than every earlier version of the skill, with
    /// a change log; one version waits for review at a time, and a suspended skill takes none. Returns the skill's new
    /// status: a never-published draft goes to pending_review, a published skill stays published.
    /// </summary>
    public static Result<SkillStatus> Submit(SkillStatus current, string? version, string? changeLog, IEnumerable<string> earlier, bool hasPending)
    {
        var errors = new List<FieldError>();
        if (current == SkillStatus.Suspended)
        {
            return Result<SkillStatus>.Invalid(StatusField, "Market.Version.SkillSuspended");
        }

        if (hasPending)
        {
            return Result<SkillStatus>.Invalid(StatusField, "Market.Version.PendingExists");
        }

        if (!SemVer.TryParse(version?.Trim(), out var parsed))
        {
            errors.Add(new(VersionField, "Market.Version.Invalid"));
        }
        else
        {
            var max = earlier.Select(v => SemVer.TryParse(v, out var e) ? e : null).Where(e => e is not null).Max();
            if (max is not null && parsed.CompareTo(max) <= 0)
            {
                errors.Add(new(VersionField, "Market.Version.NotGreater", max.ToString()));
            }
        }

        var log = changeLog?.Trim() ?? "";
        if (log.Length == 0 || log.Length > ChangeLogMax)
        {
            errors.Add(new(ChangeLogField, "Market.Version.ChangeLog.Length", ChangeLogMax));
        }

        if (errors.Count > 0)
        {
            return Result<SkillStatus>.Invalid(errors);
        }

        return Result<SkillStatus>.Ok(current == SkillStatus.Draft ? SkillStatus.PendingReview : current);
    }

    /// <summary>The maker takes back a pending version: the skill returns to draft if that version was its first.</summary>
    public static Result<SkillStatus> Withdraw(SkillStatus skill, SkillVersionStatus version) =>
        version != SkillVersionStatus.PendingReview
            ? Result<SkillStatus>.Invalid(StatusField, "Market.Version.NotPending")
            : Result<SkillStatus>.Ok(skill == SkillStatus.PendingReview ? SkillStatus.Draft : skill);

    /// <summary>An admin approves a pending version: it is published and the skill with it (a suspended skill is unsuspended first).</summary>
    public static Result<SkillStatus> Approve(SkillStatus skill, SkillVersionStatus version)
    {
        if (version != SkillVersionStatus.PendingReview)
        {
            return Result<SkillStatus>.Invalid(StatusField, "Market.Review.AlreadyReviewed");
        }

        return skill == SkillStatus.Suspended
            ? Result<SkillStatus>.Invalid(StatusField, "Market.Review.SkillSuspended")
            : Result<SkillStatus>.Ok(SkillStatus.Published);
    }

    /// <summary>An admin rejects a pending version with a reason; a never-published skill goes back to draft.</summary>
    public static Result<SkillStatus> Reject(SkillStatus skill, SkillVersionStatus version, string? reason)
    {
        if (version != SkillVersionStatus.PendingReview)
        {
            return Result<SkillStatus>.Invalid(StatusField, "Market.Review.AlreadyReviewed");
        }

        if (CheckReason(reason) is { } error)
        {
            return Result<SkillStatus>.Invalid([error]);
        }

        return Result<SkillStatus>.Ok(skill == SkillStatus.PendingReview ? SkillStatus.Draft : skill);
    }

    /// <summary>An admin suspends a published skill with a reason: it leaves the catalog and is no longer called.</summary>
    public static Result<SkillStatus> Suspend(SkillStatus skill, string? reason)
    {
        if (skill != SkillStatus.Published)
        {
            return Result<SkillStatus>.Invalid(StatusField, "Market.Review.NotPublished");
        }

        return CheckReason(reason) is { } error ? Result<SkillStatus>.Invalid([error]) : Result<SkillStatus>.Ok(SkillStatus.Suspended);
    }

    /// <summary>An admin lifts a suspension: the skill is published again with its last published version.</summary>
    public static Result<SkillStatus> Unsuspend(SkillStatus skill, bool hasPublishedVersion) =>
        skill != SkillStatus.Suspended || !hasPublishedVersion
            ? Result<SkillStatus>.Invalid(StatusField, "Market.Review.NotSuspended")
            : Result<SkillStatus>.Ok(SkillStatus.Published);

    /// <summary>A reason of 1 to 500 characters, or the error.</summary>
    public static FieldError? CheckReason(string? reason)
    {
        var text = reason?.Trim() ?? "";
        return text.Length is 0 or > ReasonMax ? new FieldError(ReasonField, "Market.Review.Reason.Length", ReasonMax) : null;
    }
}
