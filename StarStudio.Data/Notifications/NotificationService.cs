using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Notifications;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Notifications;

/// <summary>
/// <see cref="INotificationService"/> as the signed-in user: row-level security gives them their own rows only, and
/// lets them change nothing but <c>read_at</c> (a trigger keeps the rest).
/// </summary>
internal sealed class NotificationService(StarStudioDb db, TimeProvider clock) : INotificationService
{
    public Task<int> UnreadCountAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return 0;
            }

            // The partial index on unread rows; counting stops at the cap, so a huge backlog costs no more than 100.
            return await ctx.Set<Notification>().Where(n => n.RecipientId == me && n.ReadAt == null)
                .Take(NotificationRules.CountCap).CountAsync(ct);
        }, ct);

    public Task<NotificationPage> ListAsync(int page, CancellationToken ct = default)
    {
        page = Math.Clamp(page, 1, NotificationRules.MaxPage);
        return db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return new NotificationPage([], page, false);
            }

            var rows = await ctx.Set<Notification>().AsNoTracking().Where(n => n.RecipientId == me)
                .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
                .Skip((page - 1) * NotificationRules.PageSize).Take(NotificationRules.PageSize + 1)
                .ToListAsync(ct);
            var more = rows.Count > NotificationRules.PageSize && page < NotificationRules.MaxPage;
            return new NotificationPage(rows.Take(NotificationRules.PageSize).Select(NotificationRules.Item).ToList(), page, more);
        }, ct);
    }

    public Task<bool> MarkReadAsync(Guid id, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return false;
            }

            var now = clock.GetUtcNow();
            return await ctx.Set<Notification>().Where(n => n.Id == id && n.RecipientId == me && n.ReadAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct) == 1;
        }, ct);

    public Task<int> MarkAllReadAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return 0;
            }

            var now = clock.GetUtcNow();
            return await ctx.Set<Notification>().Where(n => n.RecipientId == me && n.ReadAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        }, ct);
}

/// <summary>
/// <see cref="INotificationPrune"/>: runs as nobody, through <c>notifications_prune</c> (SECURITY DEFINER), which only
/// deletes by age.
/// </summary>
internal sealed class NotificationPrune(IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock) : INotificationPrune
{
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var readBefore = now - NotificationRules.ReadRetention;
        var anyBefore = now - NotificationRules.UnreadRetention;
        await using var ctx = await factory.CreateDbContextAsync(ct);
        return (await ctx.Database.SqlQuery<int>($"SELECT notifications_prune({readBefore}, {anyBefore}) AS \"Value\"").ToListAsync(ct)).Single();
    }
}
