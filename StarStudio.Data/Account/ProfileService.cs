using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Account;

/// <summary>
/// The signed-in user's profile over the Identity tables. Reads go to the database every time (nothing is cached in
/// claims), so a changed display name shows at once, without signing in again.
/// </summary>
internal sealed class ProfileService(StarStudioDb db) : IProfileService
{
    public Task<ProfileView?> GetAsync(CancellationToken ct = default) =>
        db.RunAsync((ctx, user) => user.UserId is { } me ? ReadAsync(ctx, me, ct) : Task.FromResult<ProfileView?>(null), ct);

    public Task<Result<ProfileView>> UpdateDisplayNameAsync(string displayName, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<ProfileView>.Forbidden();
            }

            var (name, error) = AccountRules.ValidateDisplayName(displayName);
            if (error is not null)
            {
                return Result<ProfileView>.Invalid([error]);
            }

            // A new concurrency stamp, as UserManager.UpdateAsync would write, so an Identity update that read the
            // user before this one fails instead of writing the old name back. The security stamp stays: a name
            // change must not sign the user's other sessions out.
            var stamp = Guid.NewGuid().ToString();
            var changed = await ctx.Users.Where(u => u.Id == me)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, name).SetProperty(u => u.ConcurrencyStamp, stamp), ct);
            return changed == 1 && await ReadAsync(ctx, me, ct) is { } profile
                ? Result<ProfileView>.Ok(profile)
                : Result<ProfileView>.NotFound();
        }, ct);

    private static async Task<ProfileView?> ReadAsync(StarStudioDbContext ctx, Guid me, CancellationToken ct)
    {
        var row = await ctx.Users.AsNoTracking().Where(u => u.Id == me)
            .Select(u => new { u.Email, u.DisplayName, u.CreatedAt })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var roles = await ctx.UserRoles.Where(r => r.UserId == me)
            .Join(ctx.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync(ct);
        // In the order of RoleNames.All, so the panel lists them the same way every time.
        var ordered = RoleNames.All.Where(roles.Contains).ToList();
        return new ProfileView(me, row.Email ?? "", row.DisplayName, ordered, row.CreatedAt);
    }
}
