using StarStudio.Core.Common;
using StarStudio.Core.Storage;

namespace StarStudio.Core.Account;

/// <summary>Where a help-and-feedback submission stands; the PostgreSQL enum <c>feedback_status</c>.</summary>
public enum FeedbackStatus
{
    Open,
    InProgress,
    Resolved,
}

/// <summary>
/// A help-and-feedback submission (seed 003 <c>profile_feedback_submission</c>), plus the admin's reply.
/// <see cref="EvidenceJson"/> holds <see cref="FeedbackEvidence"/> entries: object keys and metadata, never image data.
/// </summary>
public class FeedbackSubmission
{
    public Guid FeedbackId { get; set; }
    public Guid UserId { get; set; }
    public string Description { get; set; } = "";
    public string? ContactPhone { get; set; }
    public string EvidenceJson { get; set; } = "[]";
    public FeedbackStatus Status { get; set; } = FeedbackStatus.Open;
    /// <summary>The admin's answer, shown to the submitter (not in the seed; docs/account.md).</summary>
    public string? AdminReply { get; set; }
    public DateTimeOffset? RepliedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One stored image of a submission: its key in <see cref="Buckets.FeedbackEvidence"/> and what was checked about it.</summary>
/// <param name="ContentType">The type found from the bytes (never the browser's claim).</param>
/// <param name="FileName">The name the user's file had, for display only.</param>
public sealed record FeedbackEvidence(string Key, string ContentType, long Size, string FileName);

/// <summary>What the user typed; images travel beside it as <see cref="FeedbackImageUpload"/>.</summary>
public sealed class FeedbackDraft
{
    public string Description { get; set; } = "";
    public string? ContactPhone { get; set; }
}

/// <summary>An image as it arrives: the browser's name and size claim, and a stream the service reads at most the limit of.</summary>
public sealed record FeedbackImageUpload(string FileName, long DeclaredSize, Stream Content);

/// <summary>A submission as its submitter or an admin sees it.</summary>
/// <param name="UserEmail">The submitter's e-mail; filled for admins only.</param>
public sealed record FeedbackView(
    Guid Id,
    Guid UserId,
    string? UserEmail,
    string Description,
    string? ContactPhone,
    IReadOnlyList<FeedbackEvidence> Evidence,
    FeedbackStatus Status,
    string? AdminReply,
    DateTimeOffset? RepliedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An admin's answer: the reply text (blank keeps none) and the new status.</summary>
public sealed class FeedbackReply
{
    public string? Reply { get; set; }
    public FeedbackStatus Status { get; set; } = FeedbackStatus.InProgress;
}

/// <summary>Help and feedback: users submit and read their own; admins read all, reply and move the status.</summary>
public interface IFeedbackService
{
    /// <summary>
    /// Validates the draft and every image (count, size, real PNG/JPEG/WebP bytes), stores the images, then the row.
    /// Field errors are on <c>Description</c>, <c>ContactPhone</c> and <c>Images</c>; nothing is stored when any fails.
    /// </summary>
    Task<Result<FeedbackView>> SubmitAsync(FeedbackDraft draft, IReadOnlyList<FeedbackImageUpload> images, CancellationToken ct = default);

    /// <summary>The current user's own submissions, newest first (at most <see cref="FeedbackRules.MineListMax"/>).</summary>
    Task<IReadOnlyList<FeedbackView>> ListMineAsync(CancellationToken ct = default);

    /// <summary>Opens image <paramref name="index"/> of a submission the current user may read (their own; any for an admin); null otherwise.</summary>
    Task<FeedbackImage?> OpenEvidenceAsync(Guid feedbackId, int index, CancellationToken ct = default);

    /// <summary>Admins: every submission, newest first, optionally of one status. Forbidden for anyone else.</summary>
    Task<Result<Page<FeedbackView>>> ListAllAsync(FeedbackStatus? status, int page, int pageSize, CancellationToken ct = default);

    /// <summary>Admins: one submission with the submitter's e-mail.</summary>
    Task<Result<FeedbackView>> GetAsync(Guid feedbackId, CancellationToken ct = default);

    /// <summary>Admins: sets the reply and status. Field errors are on <c>Reply</c>.</summary>
    Task<Result<FeedbackView>> ReplyAsync(Guid feedbackId, FeedbackReply reply, CancellationToken ct = default);
}

/// <summary>An evidence image opened for download, with the type its bytes were checked to be.</summary>
public sealed record FeedbackImage(StoredObject Object, FeedbackEvidence Evidence) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Object.DisposeAsync();
}
