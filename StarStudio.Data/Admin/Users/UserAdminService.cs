using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Admin.Users;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data.Audit;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Admin.Users;

/// <summary>
/// <see cref="IUserAdminService"/> over PostgreSQL. The admin role is checked here from the caller's claims and again by
/// the database: roles change only through <c>app_grant_role</c>/<c>app_revoke_role</c> (which refuse the caller's own
/// admin role and the last active admin), and a trigger on <c>users</c> lets only an admin disable, enable or delete an
/// account, never their own. Admin changes are serialised by one transaction-level advisory lock, the one
/// <c>app_revoke_role</c> takes, so two admins cannot each remove the other's last-admin guarantee at the same time.
/// After a commit, the user's open sessions are told to check the account at once (<see cref="IUserSessions"/>).
/// </summary>
public sealed class UserAdminService(
    StarStudioDb db,
    TimeProvider clock,
    IUserSessions? sessions = null,
    IClientAddress? clientAddress = null) : IUserAdminService
{
    /// <summary>The advisory lock key every admin-set change takes (also in the <c>AdminUsers</c> migration).</summary>
    internal const string AdminLockKey = "starstudio.admin_roles";

    private const int StarsShown = 50;
    private const int OrdersShown = 20;
    private const int ConversationsShown = 10;
    private const int AuditShown = 30;

    private readonly IUserSessions sessions = sessions ?? NoUserSessions.Instance;

    public Task<Result<Page<UserListItem>>> SearchAsync(UserFilter filter, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        pageIndex = Math.Max(0, pageIndex);
        pageSize = Math.Clamp(pageSize, 1, 100);
        return db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<Page<UserListItem>>.Forbidden();
            }

            var now = clock.GetUtcNow();
            var query = ctx.Users.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(filter.Search))
            {
                var pattern = "%" + EscapeLike(filter.Search.Trim()) + "%";
                query = query.Where(u => EF.Functions.ILike(u.Email!, pattern, "\\") || EF.Functions.ILike(u.DisplayName, pattern, "\\"));
            }

            if (filter.Role == UserAdminRules.Player)
            {
                query = query.Where(u => !ctx.UserRoles.Any(ur => ur.UserId == u.Id));
            }
            else if (UserAdminRules.IsGrantable(filter.Role))
            {
                var roleName = filter.Role!;
                query = query.Where(u => ctx.UserRoles.Any(ur => ur.UserId == u.Id && ctx.Roles.Any(r => r.Id == ur.RoleId && r.Name == roleName)));
            }

            query = filter.Status switch
            {
                UserStatus.Deleted => query.Where(u => u.DeletedAt != null),
                UserStatus.Disabled => query.Where(u => u.DeletedAt == null && u.DisabledAt != null),
                UserStatus.LockedOut => query.Where(u => u.DeletedAt == null && u.DisabledAt == null && u.LockoutEnd != null && u.LockoutEnd > now),
                UserStatus.Active => query.Where(u => u.DeletedAt == null && u.DisabledAt == null && (u.LockoutEnd == null || u.LockoutEnd <= now)),
                // Deleted accounts are placeholders; they are listed only when asked for.
                _ => query.Where(u => u.DeletedAt == null),
            };

            var total = await query.CountAsync(ct);
            query = filter.Sort switch
            {
                UserSort.CreatedAsc => query.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id),
                // Never-signed-in users last in both directions.
                UserSort.LastSignInDesc => query.OrderBy(u => u.LastSignInAt == null).ThenByDescending(u => u.LastSignInAt).ThenBy(u => u.Id),
                UserSort.LastSignInAsc => query.OrderBy(u => u.LastSignInAt == null).ThenBy(u => u.LastSignInAt).ThenBy(u => u.Id),
                _ => query.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id),
            };
            var rows = await query.Skip(pageIndex * pageSize).Take(pageSize)
                .Select(u => new { u.Id, u.Email, u.DisplayName, u.CreatedAt, u.LastSignInAt, u.DisabledAt, u.DeletedAt, u.LockoutEnd })
                .ToListAsync(ct);
            var roles = await RolesOfAsync(ctx, rows.Select(r => r.Id).ToList(), ct);
            var items = rows.Select(r => new UserListItem(
                r.Id, r.Email ?? "", r.DisplayName, roles.GetValueOrDefault(r.Id) ?? [],
                UserAdminRules.StatusOf(r.DeletedAt, r.DisabledAt, r.LockoutEnd, now), r.CreatedAt, r.LastSignInAt)).ToList();
            return Result<Page<UserListItem>>.Ok(new Page<UserListItem>(items, total));
        }, ct);
    }

    public Task<Result<UserDetail>> GetAsync(Guid userId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<UserDetail>.Forbidden();
            }

            return await DetailAsync(ctx, userId, ct) is { } detail ? Result<UserDetail>.Ok(detail) : Result<UserDetail>.NotFound();
        }, ct);

    public async Task<Result<UserDetail>> GrantRoleAsync(Guid userId, string role, CancellationToken ct = default)
    {
        if (!UserAdminRules.IsGrantable(role))
        {
            return Result<UserDetail>.Invalid("Role", UserAdminRules.UnknownRole);
        }

        return await ChangeAsync(userId, async (ctx, actor, target, roles) =>
        {
            if (target.DeletedAt is not null)
            {
                return new FieldError("User", UserAdminRules.IsDeleted);
            }

            if (roles.Contains(role))
            {
                return null;
            }

            await UserRoleGrants.GrantAsync(ctx, userId, role, ct);
            var after = roles.Append(role).Order(StringComparer.Ordinal).ToList();
            target.Role = StarUser.PrimaryRole(after);
            await ctx.SaveChangesAsync(ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.RoleGranted, AuditTargets.User, userId.ToString(), target.Email,
                Before: new { roles }, After: new { roles = after }), clientAddress?.Get(), ct);
            return null;
        }, ct);
    }

    public async Task<Result<UserDetail>> RevokeRoleAsync(Guid userId, string role, CancellationToken ct = default)
    {
        if (!UserAdminRules.IsGrantable(role))
        {
            return Result<UserDetail>.Invalid("Role", UserAdminRules.UnknownRole);
        }

        return await ChangeAsync(userId, async (ctx, actor, target, roles) =>
        {
            var others = await OtherActiveAdminsAsync(ctx, userId, ct);
            if (UserAdminRules.CheckRevoke(actor, userId, role, roles.Contains(role), others) is { } refused)
            {
                return refused;
            }

            if (!roles.Contains(role))
            {
                return null;
            }

            await UserRoleGrants.RevokeAsync(ctx, userId, role, ct);
            var after = roles.Where(r => r != role).ToList();
            target.Role = StarUser.PrimaryRole(after);
            await ctx.SaveChangesAsync(ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.RoleRevoked, AuditTargets.User, userId.ToString(), target.Email,
                Before: new { roles }, After: new { roles = after }), clientAddress?.Get(), ct);
            return null;
        }, ct);
    }

    public async Task<Result<UserDetail>> DisableAsync(Guid userId, string? reason, CancellationToken ct = default)
    {
        if (UserAdminRules.CheckReason(reason) is { } tooLong)
        {
            return Result<UserDetail>.Invalid([tooLong]);
        }

        return await ChangeAsync(userId, async (ctx, actor, target, roles) =>
        {
            if (target.DeletedAt is not null)
            {
                return new FieldError("User", UserAdminRules.IsDeleted);
            }

            var others = await OtherActiveAdminsAsync(ctx, userId, ct);
            if (UserAdminRules.CheckDisable(actor, userId, roles.Contains(RoleNames.Admin), others) is { } refused)
            {
                return refused;
            }

            if (target.DisabledAt is not null)
            {
                return null;
            }

            target.DisabledAt = clock.GetUtcNow();
            // A new stamp invalidates every cookie of the account at its next validation, on every app instance.
            target.SecurityStamp = Guid.NewGuid().ToString();
            target.ConcurrencyStamp = Guid.NewGuid().ToString();
            await ctx.SaveChangesAsync(ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.UserDisabled, AuditTargets.User, userId.ToString(), target.Email,
                Before: new { status = "active" }, After: new { status = "disabled" }, Reason: Blank(reason)), clientAddress?.Get(), ct);
            return null;
        }, ct);
    }

    public Task<Result<UserDetail>> EnableAsync(Guid userId, CancellationToken ct = default) =>
        ChangeAsync(userId, async (ctx, actor, target, roles) =>
        {
            if (target.DeletedAt is not null)
            {
                return new FieldError("User", UserAdminRules.IsDeleted);
            }

            var now = clock.GetUtcNow();
            var before = UserAdminRules.StatusOf(null, target.DisabledAt, target.LockoutEnd, now);
            if (before == UserStatus.Active)
            {
                return null;
            }

            // Enabling also lifts a lockout: the admin has looked at the account.
            target.DisabledAt = null;
            target.LockoutEnd = null;
            target.AccessFailedCount = 0;
            target.ConcurrencyStamp = Guid.NewGuid().ToString();
            await ctx.SaveChangesAsync(ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.UserEnabled, AuditTargets.User, userId.ToString(), target.Email,
                Before: new { status = StatusName(before) }, After: new { status = "active" }), clientAddress?.Get(), ct);
            return null;
        }, ct);

    public async Task<Result<UserDetail>> DeleteAsync(Guid userId, string? reason, CancellationToken ct = default)
    {
        if (UserAdminRules.CheckReason(reason) is { } tooLong)
        {
            return Result<UserDetail>.Invalid([tooLong]);
        }

        return await ChangeAsync(userId, async (ctx, actor, target, roles) =>
        {
            if (target.DeletedAt is not null)
            {
                return null;
            }

            var others = await OtherActiveAdminsAsync(ctx, userId, ct);
            if (UserAdminRules.CheckDelete(actor, userId, roles.Contains(RoleNames.Admin), others) is { } refused)
            {
                return refused;
            }

            var now = clock.GetUtcNow();
            var status = UserAdminRules.StatusOf(null, target.DisabledAt, target.LockoutEnd, now);
            foreach (var role in roles)
            {
                await UserRoleGrants.RevokeAsync(ctx, userId, role, ct);
            }

            // Their stars leave the public gallery and the studio lists: archived and private, kept (not deleted) so that
            // other users' conversations with them and the audit trail still resolve.
            var starsArchived = await ctx.Stars.Where(s => s.OwnerId == userId && (s.IsPublic || s.Status != StarStatus.Archived))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.IsPublic, false).SetProperty(x => x.Status, StarStatus.Archived).SetProperty(x => x.UpdatedAt, now), ct);
            await ctx.UserClaims.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
            await ctx.UserLogins.Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
            await ctx.UserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);

            Anonymise(target, UserAdminRules.Anonymise(userId));
            target.DeletedAt = now;
            await ctx.SaveChangesAsync(ct);
            // The entry names the account by id and placeholder only: the personal data it had is gone.
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.UserDeleted, AuditTargets.User, userId.ToString(), target.DisplayName,
                Before: new { status = StatusName(status), roles },
                After: new { status = "deleted", roles = Array.Empty<string>(), starsArchived }, Reason: Blank(reason)), clientAddress?.Get(), ct);
            return null;
        }, ct);
    }

    /// <summary>Replaces the account's personal data and credentials by <paramref name="p"/>; nobody can sign in as it again.</summary>
    internal static void Anonymise(StarUser user, AnonymisedProfile p)
    {
        user.Email = p.Email;
        user.NormalizedEmail = p.Email.ToUpperInvariant();
        user.UserName = p.UserName;
        user.NormalizedUserName = p.UserName.ToUpperInvariant();
        user.DisplayName = p.DisplayName;
        user.AvatarUrl = p.AvatarUrl;
        user.PhoneNumber = p.PhoneNumber;
        user.PhoneNumberConfirmed = false;
        user.EmailConfirmed = false;
        user.TwoFactorEnabled = false;
        user.PasswordHash = null;
        user.Preferences = "{}";
        user.Role = null;
        user.SecurityStamp = Guid.NewGuid().ToString();
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
    }

    /// <summary>
    /// Runs one admin change in a transaction under the admin lock: loads the target and their roles, applies
    /// <paramref name="change"/> (which returns why it refused, or null), commits, then tells the user's live sessions.
    /// </summary>
    private async Task<Result<UserDetail>> ChangeAsync(
        Guid userId, Func<StarStudioDbContext, Guid, StarUser, List<string>, Task<FieldError?>> change, CancellationToken ct)
    {
        Result<UserDetail> result;
        try
        {
            result = await db.RunAsync(async (ctx, user) =>
            {
                if (!user.IsAdmin || user.UserId is not { } actor)
                {
                    return Result<UserDetail>.Forbidden();
                }

                await ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({AdminLockKey}))", ct);
                var target = await ctx.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
                if (target is null)
                {
                    return Result<UserDetail>.NotFound();
                }

                var roles = (await RolesOfAsync(ctx, [userId], ct)).GetValueOrDefault(userId)?.ToList() ?? [];
                if (await change(ctx, actor, target, roles) is { } refused)
                {
                    return Result<UserDetail>.Invalid([refused]);
                }

                return Result<UserDetail>.Ok((await DetailAsync(ctx, userId, ct))!);
            }, ct);
        }
        catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pg
            || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege })
        {
            // The database's own guard (a stale admin session, or a race the lock did not cover): its refusal, readable.
            var message = (e as PostgresException ?? (PostgresException)e.InnerException!).MessageText;
            return message.Contains("own admin", StringComparison.Ordinal) ? Result<UserDetail>.Invalid("Role", UserAdminRules.OwnAdminRole)
                : message.Contains("last", StringComparison.Ordinal) ? Result<UserDetail>.Invalid("Role", UserAdminRules.LastAdmin)
                : Result<UserDetail>.Forbidden();
        }

        if (result.Succeeded)
        {
            await sessions.RevalidateAsync(userId, ct);
        }

        return result;
    }

    private static Task<int> OtherActiveAdminsAsync(StarStudioDbContext ctx, Guid userId, CancellationToken ct) =>
        ctx.UserRoles.CountAsync(ur => ur.UserId != userId
            && ctx.Roles.Any(r => r.Id == ur.RoleId && r.Name == RoleNames.Admin)
            && ctx.Users.Any(u => u.Id == ur.UserId && u.DisabledAt == null && u.DeletedAt == null), ct);

    private static async Task<Dictionary<Guid, IReadOnlyList<string>>> RolesOfAsync(StarStudioDbContext ctx, List<Guid> userIds, CancellationToken ct)
    {
        var pairs = await (from ur in ctx.UserRoles
                           join r in ctx.Roles on ur.RoleId equals r.Id
                           where userIds.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(ct);
        return pairs.GroupBy(p => p.UserId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<string>)g.Select(p => p.Name!).Order(StringComparer.Ordinal).ToList());
    }

    private async Task<UserDetail?> DetailAsync(StarStudioDbContext ctx, Guid userId, CancellationToken ct)
    {
        var u = await ctx.Users.AsNoTracking().SingleOrDefaultAsync(x => x.Id == userId, ct);
        if (u is null)
        {
            return null;
        }

        var roles = (await RolesOfAsync(ctx, [userId], ct)).GetValueOrDefault(userId) ?? [];
        var stars = ctx.Stars.AsNoTracking().Where(s => s.OwnerId == userId);
        var starCount = await stars.CountAsync(ct);
        var starItems = (await stars.OrderByDescending(s => s.CreatedAt).Take(StarsShown)
                .Select(s => new { s.Id, s.Name, s.Status, s.IsPublic, s.CreatedAt }).ToListAsync(ct))
            .Select(s => new UserStarItem(s.Id, s.Name, s.Status.ToString().ToLowerInvariant(), s.IsPublic, s.CreatedAt)).ToList();

        var orders = ctx.Orders.AsNoTracking().Where(o => o.UserId == userId);
        var orderCount = await orders.CountAsync(ct);
        var orderItems = (await orders.OrderByDescending(o => o.CreatedAt).Take(OrdersShown)
                .Select(o => new { o.Id, o.OrderNo, o.ProductTitle, o.Amount, o.Status, o.CreatedAt }).ToListAsync(ct))
            .Select(o => new UserOrderItem(o.Id, o.OrderNo, o.ProductTitle, o.Amount, o.Status.ToString().ToLowerInvariant(), o.CreatedAt)).ToList();

        var conversations = ctx.Conversations.AsNoTracking().Where(c => c.UserId == userId);
        var conversationCount = await conversations.CountAsync(ct);
        var conversationItems = await (from c in conversations
                                       join s in ctx.Stars on c.StarId equals s.Id
                                       orderby c.CreatedAt descending
                                       select new UserConversationItem(c.Id, c.StarId, s.Name, c.Title, c.CreatedAt))
            .Take(ConversationsShown).ToListAsync(ct);

        var id = userId.ToString();
        var audit = (await ctx.AuditLogs.AsNoTracking()
                .Where(e => (e.TargetType == AuditTargets.User && e.TargetId == id) || e.ActorId == userId)
                .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(AuditShown)
                .ToListAsync(ct))
            .Select(e => new UserAuditItem(e.Id, e.OccurredAt, e.Action, e.ActorId, e.TargetId,
                e.BeforeValue?.RootElement.GetRawText(), e.AfterValue?.RootElement.GetRawText(), e.Reason, e.IpAddress)).ToList();

        return new UserDetail(
            u.Id, u.Email ?? "", u.DisplayName, u.PhoneNumber, u.AvatarUrl, roles,
            UserAdminRules.StatusOf(u.DeletedAt, u.DisabledAt, u.LockoutEnd, clock.GetUtcNow()),
            u.CreatedAt, u.LastSignInAt, u.DisabledAt, u.DeletedAt, u.LockoutEnd,
            starCount, starItems, orderCount, orderItems, conversationCount, conversationItems, audit);
    }

    private static string StatusName(UserStatus status) => status switch
    {
        UserStatus.Disabled => "disabled",
        UserStatus.LockedOut => "locked_out",
        UserStatus.Deleted => "deleted",
        _ => "active",
    };

    private static string? Blank(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    private static string EscapeLike(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
