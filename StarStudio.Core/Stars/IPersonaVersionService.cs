using StarStudio.Core.Common;

namespace StarStudio.Core.Stars;

/// <summary>A star owner's (or an admin's) view of a star's persona versions: list, compare, roll back, review state.</summary>
public interface IPersonaVersionService
{
    /// <summary>The star's versions, newest first, with the review state of each and which one players get.</summary>
    Task<Result<PersonaVersionsView>> ListAsync(Guid starId, CancellationToken ct = default);

    /// <summary>One version's full snapshot.</summary>
    Task<Result<StarPersonaVersion>> GetAsync(Guid versionId, CancellationToken ct = default);

    /// <summary>A field-by-field word diff of two versions of the same star (older first).</summary>
    Task<Result<PersonaComparison>> CompareAsync(Guid olderVersionId, Guid newerVersionId, CancellationToken ct = default);

    /// <summary>
    /// Restores the star's working copy to a version, in one step; the restored content becomes a new version (source
    /// rollback, based on the chosen one), and a public star asks for review of it like any other new version.
    /// </summary>
    Task<Result<Star>> RollbackAsync(Guid versionId, CancellationToken ct = default);

    /// <summary>Withdraws the star's pending review (the owner changed their mind).</summary>
    Task<Result<StarReview>> WithdrawReviewAsync(Guid starId, CancellationToken ct = default);
}

/// <summary>What the versions tab shows.</summary>
/// <param name="CurrentVersionId">The version the working copy was last saved as (<c>stars.persona_version_id</c>).</param>
/// <param name="PublicVersionId">The version players get (<c>stars.public_version_id</c>), null while none was approved.</param>
/// <param name="LatestReview">The star's most recent review request, whatever its state.</param>
public sealed record PersonaVersionsView(
    Guid StarId,
    bool IsPublic,
    Guid? CurrentVersionId,
    Guid? PublicVersionId,
    IReadOnlyList<PersonaVersionSummary> Versions,
    StarReviewView? LatestReview);

/// <summary>A row of the versions list.</summary>
/// <param name="BasedOnVersionNo">For a rollback: the number of the version it restored.</param>
/// <param name="Review">The latest review of this version, if it was ever submitted.</param>
public sealed record PersonaVersionSummary(
    Guid Id,
    int VersionNo,
    PersonaVersionSource Source,
    int? BasedOnVersionNo,
    string ChangeLog,
    string CreatedByName,
    DateTimeOffset CreatedAt,
    StarReviewView? Review);

/// <summary>A review request as its owner sees it.</summary>
public sealed record StarReviewView(Guid Id, Guid PersonaVersionId, int VersionNo, StarReviewStatus Status, string? Reason, DateTimeOffset RequestedAt, DateTimeOffset? ReviewedAt);

/// <summary>The admin's review queue: pending requests to make a star's version public (seed 002's publish review).</summary>
public interface IStarReviewService
{
    /// <summary>Pending requests, oldest first, each with the version's content and its diff against the approved one.</summary>
    Task<Result<IReadOnlyList<PendingStarReview>>> ListPendingAsync(CancellationToken ct = default);

    /// <summary>Makes the star public at the requested version (players get it from now on).</summary>
    Task<Result<StarReview>> ApproveAsync(Guid reviewId, CancellationToken ct = default);

    /// <summary>Refuses the request with a reason the owner sees; a public star stays at its approved version.</summary>
    Task<Result<StarReview>> RejectAsync(Guid reviewId, string reason, CancellationToken ct = default);
}

/// <summary>A pending request in the admin's queue.</summary>
/// <param name="ApprovedVersionNo">The version players get now (the diff's left side), or null for a first publication.</param>
/// <param name="Diff">The requested version against the approved one (against an empty persona for a first publication).</param>
public sealed record PendingStarReview(
    Guid ReviewId,
    Guid StarId,
    string StarName,
    string OwnerName,
    Guid PersonaVersionId,
    int VersionNo,
    string ChangeLog,
    DateTimeOffset RequestedAt,
    int? ApprovedVersionNo,
    PersonaComparison Diff);
