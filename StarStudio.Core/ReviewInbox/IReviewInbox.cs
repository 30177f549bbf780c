using StarStudio.Core.Common;
using StarStudio.Core.Reports;

namespace StarStudio.Core.ReviewInbox;

/// <summary>
/// One queue of everything awaiting an admin (docs/admin-inbox.md): skill versions, extension versions, star
/// publications and reports. Decisions go through each feature's own review service, so the inbox has no rules of its
/// own about what may be approved; those services write the audit entry in the decision's transaction.
/// </summary>
public interface IReviewInbox
{
    /// <summary>The items that match <paramref name="filter"/>, oldest first, and how many wait of each kind.</summary>
    Task<Result<InboxPage>> LoadAsync(InboxFilter filter, CancellationToken ct = default);

    /// <summary>Approves a skill version, an extension version or a star publication.</summary>
    Task<Result<bool>> ApproveAsync(InboxKind kind, Guid id, CancellationToken ct = default);

    /// <summary>Rejects a skill version, an extension version or a star publication with a reason the maker sees.</summary>
    Task<Result<bool>> RejectAsync(InboxKind kind, Guid id, string reason, CancellationToken ct = default);

    /// <summary>Resolves a report (see <see cref="IContentReportService.ResolveAsync"/>).</summary>
    Task<Result<bool>> ResolveReportAsync(Guid reportId, string note, bool hideTarget, CancellationToken ct = default);

    /// <summary>Dismisses a report.</summary>
    Task<Result<bool>> DismissReportAsync(Guid reportId, string? note, CancellationToken ct = default);
}

/// <summary>The kinds of work in the inbox.</summary>
public enum InboxKind
{
    Skill,
    Extension,
    Star,
    Report,
}

/// <summary>How old an item must be to show.</summary>
public enum InboxAge
{
    Any,
    /// <summary>Waiting longer than a day.</summary>
    OverADay,
    /// <summary>Waiting longer than a week.</summary>
    OverAWeek,
}

/// <summary>Which items: waiting ones (every kind) or decided reports.</summary>
public enum InboxStatus
{
    /// <summary>Everything awaiting a decision.</summary>
    Waiting,
    /// <summary>Reports already resolved.</summary>
    Resolved,
    /// <summary>Reports already dismissed.</summary>
    Dismissed,
}

/// <summary>Inbox filters; null kind means every kind.</summary>
public sealed record InboxFilter(InboxKind? Kind = null, InboxAge Age = InboxAge.Any, InboxStatus Status = InboxStatus.Waiting)
{
    /// <summary>The oldest submission time an item may have to pass the age filter, or null.</summary>
    public DateTimeOffset? SubmittedBefore(DateTimeOffset now) => Age switch
    {
        InboxAge.OverADay => now.AddDays(-1),
        InboxAge.OverAWeek => now.AddDays(-7),
        _ => null,
    };

    /// <summary>Whether <paramref name="item"/> passes the kind and age filters (status picks the source lists).</summary>
    public bool Matches(InboxItem item, DateTimeOffset now) =>
        (Kind is null || item.Kind == Kind) && (SubmittedBefore(now) is not { } before || item.SubmittedAt <= before);
}

/// <summary>One item of the inbox.</summary>
/// <param name="Id">The id the decision needs: the skill version, the extension version, the star review or the report.</param>
/// <param name="Title">What it is: the skill's, extension's or star's name (a report: its subject).</param>
/// <param name="Version">The version under review, or a report's category.</param>
/// <param name="By">Who submitted it (maker, owner, reporter).</param>
/// <param name="Summary">The change log, or a report's excerpt and detail.</param>
/// <param name="DetailLink">The feature's own page with the full diff or content.</param>
/// <param name="Report">The report, for report items.</param>
public sealed record InboxItem(
    InboxKind Kind,
    Guid Id,
    string Title,
    string Version,
    string By,
    DateTimeOffset SubmittedAt,
    string Summary,
    string? DetailLink,
    ReportView? Report = null);

/// <summary>What the inbox shows: the filtered items and how many wait of each kind (unfiltered, for the badges).</summary>
public sealed record InboxPage(IReadOnlyList<InboxItem> Items, IReadOnlyDictionary<InboxKind, int> Waiting)
{
    public int TotalWaiting => Waiting.Values.Sum();
}
