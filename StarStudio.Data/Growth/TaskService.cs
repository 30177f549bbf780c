using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth;

/// <summary>Daily tasks of the current user over PostgreSQL; claims book into the wallet in the same transaction.</summary>
internal sealed class TaskService(StarStudioDb db, TimeProvider clock) : ITaskService
{
    public const string UnknownCode = "Growth.Task.Unknown";
    public const string NotFinishedCode = "Growth.Task.NotFinished";

    public Task<Result<IReadOnlyList<TaskView>>> ListMineAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<IReadOnlyList<TaskView>>.Forbidden();
            }

            var now = clock.GetUtcNow();
            var configs = await ctx.TaskConfigs.AsNoTracking().Where(t => t.Enabled)
                .OrderBy(t => t.SortOrder).ThenBy(t => t.TaskId).ToListAsync(ct);
            var keys = configs.Select(c => GrowthPeriods.ClaimKey(me, c.TaskId, GrowthPeriods.PeriodKey(c.Cycle, now))).ToList();
            var progress = await ctx.TaskProgress.AsNoTracking().Where(p => p.UserId == me && keys.Contains(p.ProgressId))
                .ToDictionaryAsync(p => p.ProgressId, p => p.ProgressCount, ct);
            var claimed = (await ctx.TaskRewardClaims.AsNoTracking().Where(c => c.UserId == me && keys.Contains(c.ClaimId))
                .Select(c => c.ClaimId).ToListAsync(ct)).ToHashSet();
            IReadOnlyList<TaskView> views = configs.Select((c, i) => View(c, GrowthPeriods.PeriodKey(c.Cycle, now),
                progress.GetValueOrDefault(keys[i]), claimed.Contains(keys[i]))).ToList();
            return Result<IReadOnlyList<TaskView>>.Ok(views);
        }, ct);

    public Task<Result<TaskView>> ClaimAsync(string taskId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<TaskView>.Forbidden();
            }

            var config = await ctx.TaskConfigs.AsNoTracking().FirstOrDefaultAsync(t => t.TaskId == taskId && t.Enabled, ct);
            if (config is null)
            {
                return Result<TaskView>.Invalid("Task", UnknownCode);
            }

            var now = clock.GetUtcNow();
            var period = GrowthPeriods.PeriodKey(config.Cycle, now);
            var key = GrowthPeriods.ClaimKey(me, config.TaskId, period);
            var count = await ctx.TaskProgress.AsNoTracking().Where(p => p.ProgressId == key && p.UserId == me)
                .Select(p => p.ProgressCount).FirstOrDefaultAsync(ct);
            if (await ctx.TaskRewardClaims.AnyAsync(c => c.ClaimId == key, ct))
            {
                return Result<TaskView>.Ok(View(config, period, count, claimed: true));
            }

            if (count < config.Threshold)
            {
                return Result<TaskView>.Invalid("Task", NotFinishedCode, count, config.Threshold);
            }

            // The claim's key is its primary key: a concurrent claim waits here for the first to commit, then inserts
            // nothing and reports the first claim; the ledger key is the same, so even a second booking would replay.
            var tx = ctx.Database.CurrentTransaction!;
            await tx.CreateSavepointAsync("claim", ct);
            var inserted = await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO profile_task_reward_claim (claim_id, user_id, task_id, day_key, reward_points, wallet_ledger_id, claimed_at)
                VALUES ({key}, {me}, {config.TaskId}, {period}, {config.RewardPoints}, {key}, {now})
                ON CONFLICT DO NOTHING
                """, ct);
            if (inserted == 0)
            {
                return Result<TaskView>.Ok(View(config, period, count, claimed: true));
            }

            var booked = await WalletPostings.PostAsync(ctx,
                new LedgerPosting(key, me, WalletCurrency.Points, config.RewardPoints, LedgerSource.DailyTask, "task", config.TaskId), ct);
            if (!booked.Booked)
            {
                await tx.RollbackToSavepointAsync("claim", ct);
                return Result<TaskView>.Invalid("Task", booked.ErrorCode!);
            }

            await ctx.TaskProgress.Where(p => p.ProgressId == key)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, TaskProgressStatus.Claimed).SetProperty(p => p.UpdatedAt, now), ct);
            return Result<TaskView>.Ok(View(config, period, count, claimed: true));
        }, ct);

    private static TaskView View(TaskConfig c, int period, int progress, bool claimed) =>
        new(c.TaskId, c.TitleZh, c.TitleEn, c.Description, c.EventKey, c.Cycle, c.Threshold, c.RewardPoints, period, progress, claimed);
}
