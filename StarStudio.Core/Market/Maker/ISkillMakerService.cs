using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Maker;

/// <summary>
/// The skill maker's side of the marketplace: becoming a maker, drafts, secrets, "try it", and versions submitted for
/// review. Every call acts as the current user (row-level security); a skill is reachable only by its maker.
/// </summary>
public interface ISkillMakerService
{
    /// <summary>Gives the current user the <c>skill_maker</c> role (idempotent). The sign-in cookie must be refreshed to carry it.</summary>
    Task<Result<bool>> BecomeMakerAsync(CancellationToken ct = default);

    Task<Result<IReadOnlyList<MakerSkillSummary>>> ListMineAsync(CancellationToken ct = default);

    /// <summary>The draft and standing of one of my skills; never the auth secret, nor the signing secret (see <see cref="RevealSigningSecretAsync"/>).</summary>
    Task<Result<MakerSkillView>> GetAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>Creates a draft and its signing secret.</summary>
    Task<Result<MakerSkillView>> CreateAsync(SkillDraft draft, CancellationToken ct = default);

    Task<Result<MakerSkillView>> UpdateAsync(Guid skillId, SkillDraft draft, CancellationToken ct = default);

    /// <summary>Switches the skill to a header secret: <paramref name="header"/> carries <paramref name="secret"/> on every call.</summary>
    Task<Result<MakerSkillView>> SetHeaderSecretAsync(Guid skillId, string header, string secret, CancellationToken ct = default);

    /// <summary>Back to the signature alone; the stored secret is deleted.</summary>
    Task<Result<MakerSkillView>> ClearHeaderSecretAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>The signing secret in plain text, for the maker to verify calls with.</summary>
    Task<Result<string>> RevealSigningSecretAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>Replaces the signing secret (the old one stops verifying at once) and returns the new one.</summary>
    Task<Result<string>> RotateSigningSecretAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>Calls the saved draft's endpoint with <paramref name="argumentsJson"/>; not billed, not recorded.</summary>
    Task<Result<SkillTryResult>> TryAsync(Guid skillId, string argumentsJson, CancellationToken ct = default);

    /// <summary>Snapshots the saved draft as a new version and submits it for review.</summary>
    Task<Result<SkillVersionView>> SubmitAsync(Guid skillId, string version, string changeLog, CancellationToken ct = default);

    /// <summary>Takes back a version still waiting for review.</summary>
    Task<Result<bool>> WithdrawAsync(Guid versionId, CancellationToken ct = default);

    /// <summary>The skill's versions, newest first, with their review status and reject reasons.</summary>
    Task<Result<IReadOnlyList<SkillVersionView>>> ListVersionsAsync(Guid skillId, CancellationToken ct = default);
}

/// <summary>A row of "my skills": standing, published version, and the versions still in review or rejected after it.</summary>
public sealed record MakerSkillSummary(
    Guid Id,
    string Name,
    string Icon,
    string Category,
    SkillStatus Status,
    string? SuspendedReason,
    string? PublishedVersion,
    IReadOnlyList<SkillVersionView> OpenVersions,
    DateTimeOffset UpdatedAt);

/// <summary>One of my skills in the editor: the draft, auth settings without the secret, and its standing.</summary>
public sealed record MakerSkillView(
    Guid Id,
    SkillDraft Draft,
    SkillAuthType AuthType,
    string? AuthHeader,
    bool HasAuthSecret,
    SkillStatus Status,
    string? SuspendedReason,
    Guid? PublishedVersionId,
    DateTimeOffset? PublishedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A submitted version as its maker (or an admin) sees it.</summary>
public sealed record SkillVersionView(
    Guid Id,
    Guid SkillId,
    string Version,
    string ChangeLog,
    SkillVersionStatus Status,
    string? RejectReason,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? ReviewedAt);

/// <summary>What "try it" shows: the raw answer, the HTTP status, the latency and the output schema's verdict.</summary>
public sealed record SkillTryResult(
    bool Success,
    string? ErrorCode,
    string? ErrorMessage,
    int? HttpStatus,
    string? Body,
    IReadOnlyList<string> ValidationErrors,
    int LatencyMs,
    string Arguments);
