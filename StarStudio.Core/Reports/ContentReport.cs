namespace StarStudio.Core.Reports;

/// <summary>
/// A player's report of content they think breaks the rules (<c>content_reports</c>, docs/admin-inbox.md): a star, a
/// star's answer in a chat, or a review of a skill or an extension. Reporters see their own; admins see and decide all.
/// </summary>
public class ContentReport
{
    public Guid Id { get; set; }
    public Guid ReporterId { get; set; }

    /// <summary>One of <see cref="ReportTargetKinds"/>.</summary>
    public string TargetKind { get; set; } = ReportTargetKinds.Star;

    /// <summary>The reported row: the star, the answer (message id) or the review.</summary>
    public Guid TargetId { get; set; }

    /// <summary>The star the content belongs to (a star or an answer).</summary>
    public Guid? StarId { get; set; }

    /// <summary>The skill a reported review is about.</summary>
    public Guid? SkillId { get; set; }

    /// <summary>The extension a reported review is about.</summary>
    public string? ExtensionId { get; set; }

    /// <summary>The conversation of a reported answer (no foreign key: conversations may live in another store's terms).</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>What the reporter saw, copied when they reported (the content may change or go before an admin looks).</summary>
    public string Excerpt { get; set; } = "";

    /// <summary>One of <see cref="ReportCategories"/>.</summary>
    public string Category { get; set; } = ReportCategories.Other;

    /// <summary>The reporter's words, plain text (never rendered as Markdown).</summary>
    public string Detail { get; set; } = "";

    /// <summary>One of <see cref="ReportStatuses"/>.</summary>
    public string Status { get; set; } = ReportStatuses.Open;

    public string? ResolutionNote { get; set; }

    /// <summary>Whether resolving took the content down (unpublished the star, removed the review).</summary>
    public bool TargetHidden { get; set; }

    public Guid? ResolvedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What can be reported.</summary>
public static class ReportTargetKinds
{
    public const string Star = "star";
    public const string Answer = "answer";
    /// <summary>A review of a skill (<see cref="ContentReport.SkillId"/>) or an extension (<see cref="ContentReport.ExtensionId"/>).</summary>
    public const string Review = "review";

    public static readonly IReadOnlyList<string> All = [Star, Answer, Review];
}

/// <summary>Why something is reported.</summary>
public static class ReportCategories
{
    public const string Spam = "spam";
    public const string Sexual = "sexual";
    public const string Violence = "violence";
    public const string Hate = "hate";
    public const string Illegal = "illegal";
    public const string Copyright = "copyright";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Spam, Sexual, Violence, Hate, Illegal, Copyright, Other];
}

/// <summary>Where a report stands.</summary>
public static class ReportStatuses
{
    public const string Open = "open";
    public const string Resolved = "resolved";
    public const string Dismissed = "dismissed";

    public static readonly IReadOnlyList<string> All = [Open, Resolved, Dismissed];
}

/// <summary>Audit action names of the reports feature that <c>AuditActions</c> does not have yet (the lead folds them in).</summary>
public static class ReportAuditActions
{
    public const string Dismissed = StarStudio.Core.Audit.AuditActions.ReportDismissed;
}
