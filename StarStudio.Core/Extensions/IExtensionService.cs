using StarStudio.Core.Common;

namespace StarStudio.Core.Extensions;

/// <summary>The current user's installation of an extension.</summary>
/// <param name="UpdateAvailable">A newer approved version the user has not taken (auto-update off), or null.</param>
public sealed record InstallationView(Guid VersionId, string Version, bool Enabled, bool AutoUpdate, string? UpdateAvailable, DateTimeOffset InstalledAt);

/// <summary>An extension as the catalog lists it.</summary>
public sealed record ExtensionSummary(
    string Id, string Name, string Kind, string Description, string? LatestVersion, string Author,
    double? RatingAverage, int RatingCount, int InstallCount, IReadOnlyList<string> Permissions, string SandboxLevel,
    InstallationView? Installation)
{
    /// <summary>Whether StarStudio can run this kind today (chat templates and theme packs).</summary>
    public bool CanRun => ExtensionKinds.CanRun(Kind);
}

/// <summary>A review as the extension page shows it.</summary>
public sealed record ExtensionReviewView(
    Guid Id, string Author, int Rating, string Body, string Version, int HelpfulCount, bool VotedByMe, bool IsMine, DateTimeOffset CreatedAt);

/// <summary>An extension's page: the summary, the manifest of the version shown, reviews, and what the user may do.</summary>
/// <param name="Manifest">The installed version's manifest when installed, else the latest approved one's.</param>
/// <param name="CanReview">Installed (now or before) and not the author.</param>
public sealed record ExtensionDetail(
    ExtensionSummary Summary, string Manifest, IReadOnlyList<ExtensionReviewView> Reviews, ExtensionReviewView? MyReview, bool CanReview, bool IsAuthor);

/// <summary>A maker's version as their list shows it (with the reviewer's reason when rejected).</summary>
public sealed record MakerVersionView(Guid Id, string Version, string Status, string? RejectReason, DateTimeOffset CreatedAt, DateTimeOffset? ReviewedAt);

/// <summary>A maker's extension and its versions, newest first.</summary>
public sealed record MakerExtensionView(string Id, string Name, string Kind, string Status, string? SuspendedReason, IReadOnlyList<MakerVersionView> Versions);

/// <summary>A version waiting for review, with everything the reviewer must see.</summary>
public sealed record PendingVersionView(
    Guid VersionId, string ExtensionId, string Name, string Kind, string Version, string? CurrentVersion, string Author,
    IReadOnlyList<string> Permissions, string SandboxLevel, string Description, string Manifest, DateTimeOffset CreatedAt);

/// <summary>An extension as the admin list shows it (every status).</summary>
public sealed record AdminExtensionView(string Id, string Name, string Kind, string Status, string? LatestVersion, string Author, int InstallCount, string? SuspendedReason);

/// <summary>What the signed-in user has enabled that StarStudio applies: at most one chat template and one theme pack.</summary>
public sealed record ActiveExtensions(string? ChatTemplateId, ChatTemplatePack? ChatTemplate, string? ThemeId, string? ThemeName, ThemePalette? Theme)
{
    public static readonly ActiveExtensions None = new(null, null, null, null, null);
}

/// <summary>
/// The extensions registry (seed 004; docs/extensions.md): makers publish manifests (each new extension or version waits
/// for review), admins approve, reject with a reason or suspend, users browse approved extensions, install, enable,
/// disable, switch auto-update, uninstall, rate and review what they installed, and vote reviews helpful.
/// Every call acts as the signed-in user; anonymous callers may only browse.
/// </summary>
public interface IExtensionService
{
    /// <summary>Approved, unsuspended extensions, optionally of one kind and matching a search text, best rated first.</summary>
    Task<IReadOnlyList<ExtensionSummary>> CatalogAsync(string? kind = null, string? search = null, CancellationToken ct = default);

    /// <summary>An approved extension's page (or, for its author and admins, any of theirs); not found otherwise.</summary>
    Task<Result<ExtensionDetail>> GetAsync(string id, CancellationToken ct = default);

    /// <summary>Publishes a manifest: a new extension (the id is free) or a new, higher version of the caller's own. Pending review.</summary>
    Task<Result<MakerVersionView>> PublishAsync(string manifestJson, CancellationToken ct = default);

    /// <summary>The caller's own extensions with every version and its review.</summary>
    Task<IReadOnlyList<MakerExtensionView>> MineAsync(CancellationToken ct = default);

    /// <summary>Admins: versions waiting for review, oldest first.</summary>
    Task<Result<IReadOnlyList<PendingVersionView>>> PendingAsync(CancellationToken ct = default);

    /// <summary>Admins: every extension.</summary>
    Task<Result<IReadOnlyList<AdminExtensionView>>> AllAsync(CancellationToken ct = default);

    /// <summary>Admins: approves a pending version; when it is the newest, users with auto-update move to it.</summary>
    Task<Result<bool>> ApproveAsync(Guid versionId, CancellationToken ct = default);

    /// <summary>Admins: rejects a pending version with a reason the maker sees.</summary>
    Task<Result<bool>> RejectAsync(Guid versionId, string reason, CancellationToken ct = default);

    /// <summary>Admins: suspends an extension (taken off the catalog; installed copies stop applying) or lifts the suspension.</summary>
    Task<Result<bool>> SetSuspendedAsync(string extensionId, bool suspended, string? reason, CancellationToken ct = default);

    /// <summary>Installs the latest approved version, enabled (for a chat template or theme this replaces the one enabled before).</summary>
    Task<Result<InstallationView>> InstallAsync(string extensionId, CancellationToken ct = default);

    /// <summary>Enables or disables an installed extension (enabling a chat template or theme disables the previous one of its kind).</summary>
    Task<Result<InstallationView>> SetEnabledAsync(string extensionId, bool enabled, CancellationToken ct = default);

    /// <summary>Turns auto-update on (moves to the latest approved version at once) or off (pins the installed one).</summary>
    Task<Result<InstallationView>> SetAutoUpdateAsync(string extensionId, bool autoUpdate, CancellationToken ct = default);

    /// <summary>Moves a pinned installation to the latest approved version.</summary>
    Task<Result<InstallationView>> UpdateAsync(string extensionId, CancellationToken ct = default);

    /// <summary>Uninstalls; the user's review stays.</summary>
    Task<Result<bool>> UninstallAsync(string extensionId, CancellationToken ct = default);

    /// <summary>Writes or edits the caller's one review (1–5 and text); only for an extension they installed, never their own.</summary>
    Task<Result<ExtensionReviewView>> ReviewAsync(string extensionId, int rating, string? body, CancellationToken ct = default);

    /// <summary>Marks a review helpful, or takes the vote back; one vote per user, never on one's own review.</summary>
    Task<Result<int>> SetHelpfulAsync(Guid reviewId, bool helpful, CancellationToken ct = default);

    /// <summary>The chat template and theme pack the signed-in user has enabled (approved, unsuspended extensions only).</summary>
    Task<ActiveExtensions> ActiveAsync(CancellationToken ct = default);
}
