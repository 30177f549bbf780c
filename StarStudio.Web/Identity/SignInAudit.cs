using Microsoft.AspNetCore.Identity;
using StarStudio.Core.Audit;
using StarStudio.Core.Identity;
using StarStudio.Data.Identity;

namespace StarStudio.Web.Identity;

/// <summary>
/// The security events of the login page for the audit log (docs/admin-users.md): a failed sign-in names the attempted
/// e-mail and, when it exists, the account — never the password; a lockout is recorded when this attempt caused it.
/// Best effort: a failed write is logged and never changes what the visitor sees.
/// </summary>
internal sealed class SignInAudit(IAuditLog audit, ILogger<SignInAudit> log)
{
    public const string UnknownAccount = "unknown_account";
    public const string WrongPassword = "wrong_password";
    public const string LockedOut = "locked_out";
    public const string Disabled = "disabled";

    /// <summary>Records a failed password sign-in, and the lockout if <paramref name="wasLockedOut"/> was false.</summary>
    public async Task RecordFailureAsync(string email, StarUser? account, SignInResult result, bool wasLockedOut)
    {
        await RecordFailureAsync(email, account, account is null ? UnknownAccount : result.IsLockedOut ? LockedOut : WrongPassword);
        if (result.IsLockedOut && !wasLockedOut && account is not null)
        {
            await RecordAsync(new AuditEvent(AuditActions.LockedOut, AuditTargets.User, account.Id.ToString(), email,
                Reason: $"{AccountRules.MaxFailedAccessAttempts} failed sign-ins"));
        }
    }

    /// <summary>Records a failed sign-in with <paramref name="why"/> (one of the constants above).</summary>
    public Task RecordFailureAsync(string email, StarUser? account, string why) =>
        RecordAsync(new AuditEvent(AuditActions.SignInFailed, AuditTargets.User, account?.Id.ToString(), email, Reason: why));

    private async Task RecordAsync(AuditEvent e)
    {
        try
        {
            await audit.RecordAsync(e);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not record the security event {Action}", e.Action);
        }
    }
}
