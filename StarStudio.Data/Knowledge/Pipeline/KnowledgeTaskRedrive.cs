using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Knowledge;

namespace StarStudio.Data.Knowledge.Pipeline;

/// <summary>
/// Finds unfinished knowledge tasks that no run holds and whose job is missing or overdue, and queues a job for each.
/// The task row is the outbox: saving a task and queueing its job cannot be one transaction (Hangfire's storage is another
/// connection), so a process killed between the two, or a job a dead worker had fetched (invisible to other workers for
/// Hangfire's fetch timeout), leaves a task that only this sweep brings back. A duplicate job is harmless: a run first
/// claims the task (<see cref="KnowledgeIngestionJob"/>) and skips one that is finished or held.
/// </summary>
/// <remarks>
/// The query runs in <c>knowledge_tasks_redrive</c>, a <c>SECURITY DEFINER</c> function (migration
/// <c>KnowledgeTaskLeases</c>): it must see every owner's tasks, and the app role sees only the acting user's.
/// </remarks>
public sealed class KnowledgeTaskRedrive(IDbContextFactory<StarStudioDbContext> factory, IKnowledgeJobQueue jobs)
{
    /// <summary>The most tasks one sweep queues; the next sweep takes the rest.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// Queues a job for every unfinished task that nobody holds and whose job was queued more than
    /// <paramref name="redriveAfter"/> ago. <paramref name="atStart"/> ignores when the job was queued: a process that just
    /// started holds no job, and one killed before queueing may have left a task minutes old.
    /// </summary>
    /// <returns>The tasks queued again, with the star owner each job acts as.</returns>
    public async Task<IReadOnlyList<(Guid TaskId, Guid OwnerId)>> RunAsync(TimeSpan redriveAfter, bool atStart, CancellationToken ct = default)
    {
        await using var ctx = await factory.CreateDbContextAsync(ct);
        var rows = await ctx.Database
            .SqlQuery<RedriveRow>($"SELECT task_id, owner_id FROM knowledge_tasks_redrive({redriveAfter}, {atStart}, {BatchSize})")
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            jobs.Enqueue(row.TaskId, row.OwnerId);
        }

        return rows.Select(r => (r.TaskId, r.OwnerId)).ToList();
    }

    private sealed record RedriveRow(Guid TaskId, Guid OwnerId);
}
