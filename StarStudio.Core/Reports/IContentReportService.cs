using StarStudio.Core.Common;

namespace StarStudio.Core.Reports;

/// <summary>Players report content; admins resolve or dismiss reports (docs/admin-inbox.md).</summary>
public interface IContentReportService
{
    /// <summary>
    /// Files the current user's report. Refused with a field error when they already have an open report of the same
    /// content (<c>Reports.AlreadyReported</c>) or filed <see cref="ReportRules.MaxPerHour"/> in the last hour
    /// (<c>Reports.RateLimited</c>); not found when the content is not theirs to see.
    /// </summary>
    Task<Result<ContentReport>> ReportAsync(ReportTarget target, string category, string? detail, CancellationToken ct = default);

    /// <summary>The current user's own reports, newest first.</summary>
    Task<Result<IReadOnlyList<ContentReport>>> MineAsync(CancellationToken ct = default);

    /// <summary>Reports for admins, oldest first, with what they point at.</summary>
    Task<Result<IReadOnlyList<ReportView>>> ListAsync(string? status = ReportStatuses.Open, CancellationToken ct = default);

    /// <summary>
    /// Closes the report as acted upon, with a note. With <paramref name="hideTarget"/> the content goes down in the same
    /// transaction: a star is made private (its pending publication withdrawn, as when its owner does it), a review is
    /// removed (its text stays in the audit entry). An answer cannot be hidden from here.
    /// </summary>
    Task<Result<ContentReport>> ResolveAsync(Guid reportId, string note, bool hideTarget, CancellationToken ct = default);

    /// <summary>Closes the report as not breaking the rules; the note is optional.</summary>
    Task<Result<ContentReport>> DismissAsync(Guid reportId, string? note, CancellationToken ct = default);
}

/// <summary>What a report points at.</summary>
/// <param name="Kind">One of <see cref="ReportTargetKinds"/>.</param>
/// <param name="TargetId">The star, the answer (message id) or the review.</param>
/// <param name="ConversationId">The conversation of an answer.</param>
/// <param name="ReviewOf">For a review: <see cref="ReviewOfSkill"/> or <see cref="ReviewOfExtension"/>.</param>
public sealed record ReportTarget(string Kind, Guid TargetId, Guid? ConversationId = null, string? ReviewOf = null)
{
    public const string ReviewOfSkill = "skill";
    public const string ReviewOfExtension = "extension";

    public static ReportTarget Star(Guid starId) => new(ReportTargetKinds.Star, starId);
    public static ReportTarget Answer(Guid conversationId, Guid messageId) => new(ReportTargetKinds.Answer, messageId, conversationId);
    public static ReportTarget SkillReview(Guid reviewId) => new(ReportTargetKinds.Review, reviewId, ReviewOf: ReviewOfSkill);
    public static ReportTarget ExtensionReview(Guid reviewId) => new(ReportTargetKinds.Review, reviewId, ReviewOf: ReviewOfExtension);
}

/// <summary>A report as the admin reads it.</summary>
/// <param name="Subject">What the content belongs to: the star's, skill's or extension's name.</param>
/// <param name="CanHide">Whether resolving can take the content down (a star or a review that still exists).</param>
public sealed record ReportView(ContentReport Report, string ReporterName, string Subject, string? Link, bool CanHide);
