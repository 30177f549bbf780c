using Microsoft.Extensions.Options;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Web.Identity;

/// <summary>
/// The other instances' half of an admin's account change. Triggers on <c>users</c> (disabled, deleted) and
/// <c>user_roles</c> (granted, revoked) notify <see cref="ChannelName"/> with the user's id at commit, on every instance;
/// this listener makes that user's circuits in this process check the account at once (<see cref="UserCircuitRegistry"/>),
/// so a disabled user is signed out everywhere within milliseconds, not at the next periodic check. The instance that
/// made the change has already done so before the admin's call returned; its second check finds nothing new.
/// A notification lost while the connection is down falls back to the periodic checks (docs/admin-users.md).
/// </summary>
internal sealed class UserSessionsListener(UserCircuitRegistry registry, IOptions<DatabaseOptions> database, ILogger<UserSessionsListener> log)
    : PostgresListener(database.Value.ConnectionString, log)
{
    public const string ChannelName = "user_sessions_changed";

    public override string Channel => ChannelName;

    protected override void OnNotification(string payload)
    {
        if (Guid.TryParse(payload, out var userId) && registry.CountFor(userId) > 0)
        {
            // Off the connection's thread: the checks read the database.
            _ = Task.Run(() => registry.RevalidateAsync(userId));
        }
    }
}
