using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Training;

namespace StarStudio.Data.Training;

/// <summary>
/// Finds queued or running training jobs that no run holds and whose Hangfire job is missing or overdue, and queues each
/// again, acting as the user who started it (the knowledge task pattern, <c>KnowledgeTaskRedrive</c>).
/// A duplicate is harmless: a run first claims the job and returns when it is held or finished.
/// </summary>
/// <remarks>The query is <c>training_jobs_redrive</c>, <c>SECURITY DEFINER</c> (migration <c>TrainingJobRedrive</c>): the app role sees only the acting user's jobs.</remarks>
public sealed class TrainingJobRedrive(IDbContextFactory<StarStudioDbContext> factory, ITrainingJobQueue jobs)
{
    public const int BatchSize = 200;

    /// <returns>The jobs queued again, with the user each acts as.</returns>
    public async Task<IReadOnlyList<(Guid JobId, Guid UserId)>> RunAsync(TimeSpan redriveAfter, bool atStart, CancellationToken ct = default)
    {
        await using var ctx = await factory.CreateDbContextAsync(ct);
        var rows = await ctx.Database
            .SqlQuery<RedriveRow>($"SELECT job_id, user_id FROM training_jobs_redrive({redriveAfter}, {atStart}, {BatchSize})")
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            jobs.Enqueue(row.JobId, row.UserId);
        }

        return rows.Select(r => (r.JobId, r.UserId)).ToList();
    }

    private sealed record RedriveRow(Guid JobId, Guid UserId);
}
