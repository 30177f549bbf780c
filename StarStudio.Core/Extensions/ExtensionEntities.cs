namespace StarStudio.Core.Extensions;

/// <summary>Where an extension stands in the registry (seed 004 <c>extensions.status</c>).</summary>
public static class ExtensionStatuses
{
    /// <summary>Published, no version approved yet.</summary>
    public const string Pending = "pending";
    /// <summary>At least one version approved: listed in <c>/extensions</c>.</summary>
    public const string Approved = "approved";
    /// <summary>Its only versions were rejected.</summary>
    public const string Rejected = "rejected";
    /// <summary>Taken down by an admin: not listed, not installable, installed copies do nothing.</summary>
    public const string Suspended = "suspended";
}

/// <summary>A version's review state.</summary>
public static class ExtensionVersionStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

/// <summary>
/// An extension in the registry (seed 004 <c>extensions</c>): its id is the manifest's. Name, kind and description are
/// the latest approved version's (the first submission's until one is approved). Counters are kept by triggers.
/// </summary>
public class Extension
{
    public string Id { get; set; } = "";
    public Guid AuthorId { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Description { get; set; } = "";
    public string Status { get; set; } = ExtensionStatuses.Pending;
    /// <summary>The newest approved version (by SemVer precedence), or null.</summary>
    public Guid? LatestVersionId { get; set; }
    public string? LatestVersion { get; set; }
    public string? SuspendedReason { get; set; }
    public int InstallCount { get; set; }
    /// <summary>Sum of the ratings, kept by a trigger with <see cref="RatingCount"/> (incremented, so concurrent reviews never lose one).</summary>
    public int RatingSum { get; set; }
    public int RatingCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    public double? RatingAverage => RatingCount == 0 ? null : (double)RatingSum / RatingCount;
}

/// <summary>One submitted version: the manifest as submitted (immutable), and its review.</summary>
public class ExtensionVersion
{
    public Guid Id { get; set; }
    public string ExtensionId { get; set; } = "";
    public Guid AuthorId { get; set; }
    public string Version { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Description { get; set; } = "";
    public string[] Permissions { get; set; } = [];
    public string SandboxLevel { get; set; } = "strict";
    /// <summary>The manifest JSON exactly as submitted.</summary>
    public string Manifest { get; set; } = "{}";
    public string Status { get; set; } = ExtensionVersionStatuses.Pending;
    /// <summary>Why an admin rejected it; the maker sees it.</summary>
    public string? RejectReason { get; set; }
    public Guid? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user's installed extension (seed 004 <c>extension_installations</c>), one per user and extension.</summary>
public class ExtensionInstallation
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string ExtensionId { get; set; } = "";
    /// <summary>The installed (pinned, unless auto-update is on) version.</summary>
    public Guid VersionId { get; set; }
    public bool Enabled { get; set; }
    public bool AutoUpdate { get; set; } = true;
    public DateTimeOffset InstalledAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's rating and review of an extension they installed (seed 004 <c>extension_reviews</c>), one per user.</summary>
public class ExtensionReview
{
    public Guid Id { get; set; }
    public string ExtensionId { get; set; } = "";
    public Guid UserId { get; set; }
    public short Rating { get; set; }
    public string Body { get; set; } = "";
    /// <summary>The version the reviewer had installed when writing.</summary>
    public string Version { get; set; } = "";
    /// <summary>Kept by a trigger from <c>extension_review_votes</c>.</summary>
    public int HelpfulCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A "helpful" vote on a review, one per user and review.</summary>
public class ExtensionReviewVote
{
    public Guid ReviewId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
