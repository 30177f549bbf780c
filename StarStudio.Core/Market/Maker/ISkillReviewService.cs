using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Maker;

/// <summary>Admins review submitted skill versions and suspend skills. Every call requires the admin role (checked again by the database).</summary>
public interface ISkillReviewService
{
    /// <summary>Versions waiting for review, oldest first, each with its changes against the skill's published version.</summary>
    Task<Result<IReadOnlyList<ReviewQueueItem>>> QueueAsync(CancellationToken ct = default);

    /// <summary>Published and suspended skills, for suspending and lifting suspensions.</summary>
    Task<Result<IReadOnlyList<AdminSkillRow>>> ListSkillsAsync(CancellationToken ct = default);

    /// <summary>Publishes the version and, with it, the skill.</summary>
    Task<Result<SkillVersionView>> ApproveAsync(Guid versionId, CancellationToken ct = default);

    Task<Result<SkillVersionView>> RejectAsync(Guid versionId, string reason, CancellationToken ct = default);

    Task<Result<AdminSkillRow>> SuspendAsync(Guid skillId, string reason, CancellationToken ct = default);

    Task<Result<AdminSkillRow>> UnsuspendAsync(Guid skillId, CancellationToken ct = default);
}

/// <summary>A version in the review queue with what it changes.</summary>
public sealed record ReviewQueueItem(
    Guid VersionId,
    Guid SkillId,
    string SkillName,
    string Icon,
    string MakerName,
    string Version,
    string ChangeLog,
    DateTimeOffset SubmittedAt,
    string? PublishedVersion,
    SkillPricingType PricingType,
    decimal Price,
    string ApiEndpoint,
    IReadOnlyList<SkillFieldChange> Changes);

/// <summary>A skill in the admin's list.</summary>
public sealed record AdminSkillRow(
    Guid Id,
    string Name,
    string Icon,
    string MakerName,
    SkillStatus Status,
    string? SuspendedReason,
    string? PublishedVersion,
    DateTimeOffset? PublishedAt);
