using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Growth;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth;

/// <summary>
/// Counts events towards the current user's tasks in Beijing-time periods, and books the registration reward. Acts as
/// whoever its gateway acts as, so a webhook (acting as the star's owner) counts for the owner.
/// </summary>
public sealed class GrowthEvents(StarStudioDb db, TimeProvider clock, ILogger<GrowthEvents>? log = null) : IGrowthEvents
{
    private readonly ILogger log = log ?? NullLogger<GrowthEvents>.Instance;

    public async Task RecordAsync(string eventKey, CancellationToken ct = default)
    {
        try
        {
            await db.RunAsync(async (ctx, user) =>
            {
                if (user.UserId is { } me)
                {
                    await CountAsync(ctx, me, eventKey, clock.GetUtcNow(), ct);
                }
            }, ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Task progress is a side effect: the sign-in, answer or upload that caused it has already succeeded.
            log.LogWarning(ex, "Could not count growth event {EventKey}", eventKey);
        }
    }

    public Task<bool> RewardRegistrationAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return false;
            }

            var result = await WalletPostings.PostAsync(ctx, RegistrationPosting(me), ct);
            return result.Outcome == LedgerOutcome.Posted;
        }, ct);

    /// <summary>The registration reward of a user (seed 003's key and 10 points).</summary>
    public static LedgerPosting RegistrationPosting(Guid userId) =>
        new(WalletRules.RegistrationKey(userId), userId, WalletCurrency.Points, WalletRules.RegistrationPoints, LedgerSource.Registration, "user", userId.ToString());

    /// <summary>Adds one to the user's progress on every enabled task of <paramref name="eventKey"/>, in each task's current period.</summary>
    internal static async Task CountAsync(StarStudioDbContext ctx, Guid userId, string eventKey, DateTimeOffset now, CancellationToken ct)
    {
        var tasks = await ctx.TaskConfigs.AsNoTracking()
            .Where(t => t.Enabled && t.EventKey == eventKey)
            .Select(t => new { t.TaskId, t.Cycle, t.Threshold })
            .ToListAsync(ct);
        foreach (var task in tasks)
        {
            var period = GrowthPeriods.PeriodKey(task.Cycle, now);
            var id = GrowthPeriods.ClaimKey(userId, task.TaskId, period);
            // One statement per task: concurrent events of the same user add up instead of overwriting each other.
            // The count stops at a million (chat messages are unbounded; the threshold is at most 1000).
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO profile_task_progress AS p (progress_id, user_id, task_id, day_key, progress_count, threshold, status, updated_at)
                VALUES ({id}, {userId}, {task.TaskId}, {period}, 1, {task.Threshold},
                        (CASE WHEN {task.Threshold} <= 1 THEN 'completed' ELSE 'in_progress' END)::profile_task_status, {now})
                ON CONFLICT (progress_id) DO UPDATE SET
                    progress_count = LEAST(p.progress_count + 1, 1000000),
                    threshold = EXCLUDED.threshold,
                    status = (CASE WHEN p.status = 'claimed' THEN 'claimed'
                                   WHEN p.progress_count + 1 >= EXCLUDED.threshold THEN 'completed'
                                   ELSE 'in_progress' END)::profile_task_status,
                    updated_at = EXCLUDED.updated_at
                """, ct);
        }
    }
}
