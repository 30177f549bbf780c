using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Identity;

/// <summary>
/// Identity's user store, with role changes sent through <see cref="UserRoleGrants"/> as the current user instead
/// of an INSERT or DELETE on <c>user_roles</c> (which the app role may not run).
/// </summary>
public sealed class StarUserStore(StarStudioDbContext context, ICurrentUser currentUser, IdentityErrorDescriber? describer = null)
    : UserStore<StarUser, StarRole, StarStudioDbContext, Guid>(context, describer)
{
    public override Task AddToRoleAsync(StarUser user, string normalizedRoleName, CancellationToken cancellationToken = default) =>
        AsCurrentUserAsync((db, ct) => UserRoleGrants.GrantAsync(db, user.Id, normalizedRoleName, ct), cancellationToken);

    public override Task RemoveFromRoleAsync(StarUser user, string normalizedRoleName, CancellationToken cancellationToken = default) =>
        AsCurrentUserAsync((db, ct) => UserRoleGrants.RevokeAsync(db, user.Id, normalizedRoleName, ct), cancellationToken);

    private async Task AsCurrentUserAsync(Func<StarStudioDbContext, CancellationToken, Task> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var user = await currentUser.GetAsync(ct);
        // The user setting is transaction-local, so the grant runs in a transaction of its own unless one is open.
        await using var tx = Context.Database.CurrentTransaction is null ? await Context.Database.BeginTransactionAsync(ct) : null;
        await StarStudioDb.SetUserAsync(Context, user, ct);
        await work(Context, ct);
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
    }
}
