namespace StarStudio.Core.Audit;

/// <summary>
/// One entry of the append-only audit log (<c>audit_logs</c>, docs/audit.md): an admin action or a security event.
/// The actor is never part of the event: the database takes it from the acting user of the transaction, so no caller
/// can write an entry in someone else's name.
/// </summary>
/// <param name="Action">What happened, one of <see cref="AuditActions"/> (dotted, lower case).</param>
/// <param name="TargetType">What it happened to (<see cref="AuditTargets"/>), or null.</param>
/// <param name="TargetId">The target's id as text, or null.</param>
/// <param name="TargetLabel">A readable name of the target when it was written (a star's name, an attempted e-mail).</param>
/// <param name="Before">The state before (serialised to JSON), or null.</param>
/// <param name="After">The state after (serialised to JSON), or null.</param>
/// <param name="Reason">Why, in the actor's words (a rejection reason, a refund note), or null.</param>
public sealed record AuditEvent(
    string Action,
    string? TargetType = null,
    string? TargetId = null,
    string? TargetLabel = null,
    object? Before = null,
    object? After = null,
    string? Reason = null);

/// <summary>Writes audit entries in a transaction of their own, as the current user, with the client's address.</summary>
/// <remarks>
/// A service that changes data writes its entry inside its own transaction instead (Data's <c>AuditTrail</c>), so the
/// change and its record commit together. This port is for events with nothing else to commit: a failed sign-in, a
/// lockout, a sign-out of every circuit.
/// </remarks>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="e"/>; returns the entry's id.</summary>
    Task<long> RecordAsync(AuditEvent e, CancellationToken ct = default);
}

/// <summary>The action names of the audit log. New ones are added here so the admin page can offer them as filters.</summary>
public static class AuditActions
{
    public const string SignInFailed = "auth.sign_in_failed";
    public const string LockedOut = "auth.locked_out";
    public const string SignedIn = "auth.signed_in";
    public const string RoleGranted = "user.role_granted";
    public const string RoleRevoked = "user.role_revoked";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserDeleted = "user.deleted";
    public const string ConfigChanged = "config.changed";
    public const string ProviderKeyChanged = "provider.key_changed";
    public const string ProviderChanged = "provider.changed";
    public const string Refund = "billing.refund";
    public const string WalletAdjusted = "billing.wallet_adjusted";
    public const string ReviewApproved = "review.approved";
    public const string ReviewRejected = "review.rejected";
    public const string ReportResolved = "report.resolved";
    public const string WebhookRedelivered = "webhook.redelivered";
    public const string ReportDismissed = "report.dismissed";
    public const string ConfigReset = "config.reset";
    public const string AnalyticsRollupRun = "analytics.rollup_run";
    public const string ContentRatingFloorSet = "star.content_rating_floor_set";

    /// <summary>Every action above, for filters.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        SignInFailed, LockedOut, SignedIn, RoleGranted, RoleRevoked, UserDisabled, UserEnabled, UserDeleted, ConfigChanged,
        ProviderKeyChanged, ProviderChanged, Refund, WalletAdjusted, ReviewApproved, ReviewRejected, ReportResolved,
        WebhookRedelivered, ReportDismissed, ConfigReset, AnalyticsRollupRun, ContentRatingFloorSet,
    ];

    /// <summary>Whether <paramref name="action"/> is a well-formed action name: 3–64 chars of a–z, 0–9, '_' and '.'.</summary>
    public static bool IsWellFormed(string? action) =>
        action is { Length: >= 3 and <= 64 } && action.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.')
        && action.Contains('.') && action[0] != '.' && action[^1] != '.';
}

/// <summary>Target types of audit entries.</summary>
public static class AuditTargets
{
    public const string User = "user";
    public const string Star = "star";
    public const string Skill = "skill";
    public const string Extension = "extension";
    public const string Config = "config";
    public const string Provider = "provider";
    public const string Order = "order";
    public const string Wallet = "wallet";
    public const string Report = "report";
    public const string Webhook = "webhook";
}
