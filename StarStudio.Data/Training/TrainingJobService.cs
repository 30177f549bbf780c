using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Training;

/// <summary>Training jobs over PostgreSQL as the current user; a started job goes to <see cref="ITrainingJobQueue"/>.</summary>
public sealed class TrainingJobService(StarStudioDb db, ITrainingJobQueue queue, ITrainingLogStore logs, TimeProvider clock) : ITrainingJobService
{
    internal const string OneActiveIndex = "ux_training_jobs_one_active_per_star";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<TrainingJobView>> StartAsync(Guid starId, Guid datasetId, TrainingMethod method, Guid? trainerId, CancellationToken ct = default)
    {
        Result<TrainingJob> created;
        try
        {
            created = await db.RunAsync(async (ctx, user) =>
            {
                var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
                if (star is null || user.UserId is not { } me || (star.OwnerId != me && !user.IsAdmin))
                {
                    return Result<TrainingJob>.Invalid("Star", "Training.Job.StarNotYours");
                }

                if (star.Status == StarStatus.Archived)
                {
                    return Result<TrainingJob>.Invalid("Star", "Training.Job.StarArchived");
                }

                var dataset = await ctx.TrainingDatasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == datasetId, ct);
                if (dataset is null || dataset.StarId != starId)
                {
                    return Result<TrainingJob>.Invalid("Dataset", "Training.Job.DatasetNotOfStar");
                }

                var counts = ReadCounts(dataset.Counts);
                var missing = DatasetRules.MissingFor(method, counts);
                if (missing.Count > 0)
                {
                    return Result<TrainingJob>.Invalid(missing.Select(k => new FieldError("Dataset", k)).ToList());
                }

                if (trainerId is { } tid)
                {
                    var trainer = await ctx.Trainers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tid, ct);
                    if (trainer is null || !trainer.IsActive)
                    {
                        return Result<TrainingJob>.Invalid("Trainer", "Training.Job.TrainerInactive");
                    }

                    if (!trainer.Methods.Contains(method))
                    {
                        return Result<TrainingJob>.Invalid("Trainer", "Training.Job.TrainerMethod", method.ToString().ToLowerInvariant());
                    }
                }

                if (await ctx.TrainingJobs.AnyAsync(j => j.StarId == starId && (j.Status == TrainingJobStatus.Queued || j.Status == TrainingJobStatus.Running), ct))
                {
                    return Result<TrainingJob>.Invalid("Job", "Training.Job.AlreadyActive");
                }

                var now = clock.GetUtcNow();
                var job = new TrainingJob
                {
                    Id = Guid.CreateVersion7(),
                    StarId = starId,
                    DatasetId = datasetId,
                    Method = method,
                    TrainerId = trainerId,
                    Status = TrainingJobStatus.Queued,
                    BaseVersionId = star.CurrentModelVersion,
                    CreatedBy = me,
                    CreatedAt = now,
                    UpdatedAt = now,
                    EnqueuedAt = now,
                };
                ctx.TrainingJobs.Add(job);
                await ctx.SaveChangesAsync(ct);
                return Result<TrainingJob>.Ok(job);
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: OneActiveIndex })
        {
            // Two starts raced past the check above; the index let one through.
            return Result<TrainingJobView>.Invalid("Job", "Training.Job.AlreadyActive");
        }

        if (!created.Succeeded)
        {
            return Result<TrainingJobView>.Invalid(created.Errors);
        }

        queue.Enqueue(created.Value!.Id, created.Value.CreatedBy);
        return await GetAsync(created.Value.Id, ct);
    }

    public Task<Result<TrainingJobView>> CancelAsync(Guid jobId, CancellationToken ct = default) =>
        ChangeAsync(jobId, async (ctx, job) =>
        {
            if (!TrainingRules.IsActive(job.Status))
            {
                return new FieldError("Job", "Training.Job.NotActive");
            }

            var now = clock.GetUtcNow();
            job.CancelRequested = true;
            job.UpdatedAt = now;
            if (job.Status == TrainingJobStatus.Queued && job.LeaseUntil is null && job.Attempts == 0)
            {
                // Nothing runs it yet: cancelled at once (the queued Hangfire job then finds it finished).
                job.Status = TrainingJobStatus.Cancelled;
                job.FinishedAt = now;
            }

            await ctx.SaveChangesAsync(ct);
            return null;
        }, ct);

    public async Task<Result<TrainingJobView>> RetryAsync(Guid jobId, CancellationToken ct = default)
    {
        var old = await db.RunAsync((ctx, _) => ctx.TrainingJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct), ct);
        if (old is null)
        {
            return Result<TrainingJobView>.NotFound();
        }

        if (old.Status is not (TrainingJobStatus.Failed or TrainingJobStatus.Cancelled))
        {
            return Result<TrainingJobView>.Invalid("Job", "Training.Job.NotRetryable");
        }

        return await StartAsync(old.StarId, old.DatasetId, old.Method, old.TrainerId, ct);
    }

    public Task<Result<IReadOnlyList<TrainingJobView>>> ListAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
            if (star is null || (star.OwnerId != user.UserId && !user.IsAdmin))
            {
                return Result<IReadOnlyList<TrainingJobView>>.Forbidden();
            }

            var jobs = await Views(ctx, ctx.TrainingJobs.Where(j => j.StarId == starId).OrderByDescending(j => j.CreatedAt).Take(50)).ToListAsync(ct);
            return Result<IReadOnlyList<TrainingJobView>>.Ok(jobs.ConvertAll(ToView));
        }, ct);

    public Task<Result<TrainingJobView>> GetAsync(Guid jobId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, _) =>
        {
            var row = await Views(ctx, ctx.TrainingJobs.Where(j => j.Id == jobId)).FirstOrDefaultAsync(ct);
            return row is null ? Result<TrainingJobView>.NotFound() : Result<TrainingJobView>.Ok(ToView(row));
        }, ct);

    public async Task<Result<TrainingLogPage>> LogsAsync(Guid jobId, int cursor, CancellationToken ct = default)
    {
        var job = await GetAsync(jobId, ct);
        if (!job.Succeeded)
        {
            return Result<TrainingLogPage>.NotFound();
        }

        var lines = await logs.ListAsync(jobId, ct);
        var from = Math.Clamp(cursor, 0, lines.Count);
        return Result<TrainingLogPage>.Ok(new TrainingLogPage(lines.Skip(from).ToList(), lines.Count));
    }

    public Task<IReadOnlyList<TrainerOption>> TrainersAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<TrainerOption>>(async (ctx, _) =>
        {
            var rows = await ctx.Trainers.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).ToListAsync(ct);
            return rows.ConvertAll(t => new TrainerOption(t.Id, t.Name, t.Methods));
        }, ct);

    internal static DatasetCounts ReadCounts(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize<DatasetCounts>(string.IsNullOrWhiteSpace(json) ? "{}" : json, Json) ?? new DatasetCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        catch (JsonException)
        {
            return new DatasetCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    internal static IReadOnlyDictionary<string, double> ReadMetrics(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, double>>(string.IsNullOrWhiteSpace(json) ? "{}" : json, Json) ?? [];
        }
        catch (JsonException)
        {
            return new Dictionary<string, double>();
        }
    }

    private async Task<Result<TrainingJobView>> ChangeAsync(Guid jobId, Func<StarStudioDbContext, TrainingJob, Task<FieldError?>> change, CancellationToken ct)
    {
        var error = await db.RunAsync(async (ctx, _) =>
        {
            var job = await ctx.TrainingJobs.FirstOrDefaultAsync(j => j.Id == jobId, ct);
            return job is null ? new FieldError("Job", "Training.Job.NotFound") : await change(ctx, job);
        }, ct);
        return error is null ? await GetAsync(jobId, ct) : Result<TrainingJobView>.Invalid([error]);
    }

    private sealed record JobRow(TrainingJob Job, string? TrainerName, string? VersionName);

    private static IQueryable<JobRow> Views(StarStudioDbContext ctx, IQueryable<TrainingJob> jobs) =>
        jobs.AsNoTracking().Select(j => new JobRow(
            j,
            ctx.Trainers.Where(t => t.Id == j.TrainerId).Select(t => t.Name).FirstOrDefault(),
            ctx.StarModelVersions.Where(v => v.Id == j.ModelVersionId).Select(v => v.VersionName).FirstOrDefault()));

    private static TrainingJobView ToView(JobRow r) => new(
        r.Job.Id, r.Job.StarId, r.Job.DatasetId, r.Job.Method, r.Job.TrainerId, r.TrainerName, r.Job.Status, r.Job.Phase, r.Job.Progress,
        r.Job.Error, r.Job.ModelVersionId, r.VersionName, ReadMetrics(r.Job.Metrics), r.Job.CancelRequested, r.Job.CreatedAt, r.Job.StartedAt, r.Job.FinishedAt);
}
