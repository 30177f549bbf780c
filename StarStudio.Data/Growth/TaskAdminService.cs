using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth;

/// <summary>Task configuration for admins; the role is checked here and by the <c>profile_task_config</c> write policy.</summary>
internal sealed class TaskAdminService(StarStudioDb db, TimeProvider clock) : ITaskAdminService
{
    public Task<Result<IReadOnlyList<TaskConfig>>> ListAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<TaskConfig>>.Forbidden();
            }

            IReadOnlyList<TaskConfig> list = await ctx.TaskConfigs.AsNoTracking().OrderBy(t => t.SortOrder).ThenBy(t => t.TaskId).ToListAsync(ct);
            return Result<IReadOnlyList<TaskConfig>>.Ok(list);
        }, ct);

    public async Task<Result<TaskConfig>> CreateAsync(TaskConfigDraft draft, CancellationToken ct = default)
    {
        try
        {
            return await CreateOnceAsync(draft, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_profile_task_config" })
        {
            // The same id created twice at once (a double submit): both found it free; the first one stands.
            return Result<TaskConfig>.Invalid(nameof(TaskConfigDraft.TaskId), "Growth.Task.Id.Taken");
        }
    }

    private Task<Result<TaskConfig>> CreateOnceAsync(TaskConfigDraft draft, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<TaskConfig>.Forbidden();
            }

            var errors = TaskConfigRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<TaskConfig>.Invalid(errors);
            }

            var id = draft.TaskId.Trim();
            if (await ctx.TaskConfigs.AnyAsync(t => t.TaskId == id, ct))
            {
                return Result<TaskConfig>.Invalid(nameof(TaskConfigDraft.TaskId), "Growth.Task.Id.Taken");
            }

            var now = clock.GetUtcNow();
            var config = new TaskConfig { TaskId = id, CreatedBy = user.UserId, CreatedAt = now };
            Apply(config, draft, user.UserId, now);
            ctx.TaskConfigs.Add(config);
            await ctx.SaveChangesAsync(ct);
            return Result<TaskConfig>.Ok(config);
        }, ct);

    public Task<Result<TaskConfig>> UpdateAsync(string taskId, TaskConfigDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<TaskConfig>.Forbidden();
            }

            draft.TaskId = taskId;
            var errors = TaskConfigRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<TaskConfig>.Invalid(errors);
            }

            var config = await ctx.TaskConfigs.FirstOrDefaultAsync(t => t.TaskId == taskId, ct);
            if (config is null)
            {
                return Result<TaskConfig>.NotFound();
            }

            Apply(config, draft, user.UserId, clock.GetUtcNow());
            await ctx.SaveChangesAsync(ct);
            return Result<TaskConfig>.Ok(config);
        }, ct);

    public Task<Result<bool>> DeleteAsync(string taskId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<bool>.Forbidden();
            }

            var deleted = await ctx.TaskConfigs.Where(t => t.TaskId == taskId).ExecuteDeleteAsync(ct);
            return deleted == 0 ? Result<bool>.NotFound() : Result<bool>.Ok(true);
        }, ct);

    private static void Apply(TaskConfig config, TaskConfigDraft draft, Guid? by, DateTimeOffset now)
    {
        config.TitleZh = draft.TitleZh.Trim();
        config.TitleEn = string.IsNullOrWhiteSpace(draft.TitleEn) ? null : draft.TitleEn.Trim();
        config.Description = draft.Description?.Trim() ?? "";
        config.EventKey = draft.EventKey;
        config.Cycle = draft.Cycle;
        config.Threshold = draft.Threshold;
        config.RewardPoints = draft.RewardPoints;
        config.Enabled = draft.Enabled;
        config.SortOrder = draft.SortOrder;
        config.UpdatedBy = by;
        config.UpdatedAt = now;
    }
}
