using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Training;

/// <summary>
/// One run of a training job (docs/training.md): prepare → train → evaluate → publish, each logged to
/// <see cref="ITrainingLogStore"/>, as the user who started it (RLS applies). The run claims the job with a lease it renews;
/// a run whose process died is re-driven and resumes where the job row says it was: a stored external job id is polled,
/// never submitted again; files already written are read back; a published version only finishes the job. The version a
/// job publishes has the job's id, so a resumed run can always find its own files and row. A new version is never
/// activated here; every failure leaves <c>stars.current_model_version</c> untouched.
/// </summary>
public sealed class TrainingJobRun(
    StarStudioDb db,
    ActingUser acting,
    ITrainingDatasetService datasets,
    ITrainingLogStore logs,
    IObjectStore objects,
    IStarChatEngine engine,
    ExternalTrainerClient trainers,
    IDataProtectionProvider protection,
    TimeProvider clock,
    ILogger<TrainingJobRun> log,
    IOptions<TrainingJobOptions>? jobOptions = null,
    Chat.ModelVersionAdapters? versionAdapters = null)
{
    /// <summary>The Data Protection purpose of <c>trainers.api_key_protected</c>.</summary>
    public const string ApiKeyPurpose = "StarStudio.Trainers.ApiKey";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TrainingJobOptions options = jobOptions?.Value ?? new TrainingJobOptions();
    private readonly Chat.ModelVersionAdapters versions = versionAdapters ?? new Chat.ModelVersionAdapters(objects, Microsoft.Extensions.Logging.Abstractions.NullLogger<Chat.ModelVersionAdapters>.Instance);

    /// <summary>Runs the job as <paramref name="actingUserId"/>; returns quietly when it is finished or held by a live run.</summary>
    /// <param name="ct">Host shutdown: the job is given back (queued, no lease) and resumes after restart.</param>
    public async Task RunAsync(Guid jobId, Guid actingUserId, CancellationToken ct)
    {
        acting.User = UserContext.For(actingUserId);
        var interrupted = await ClaimAsync(jobId, ct);
        if (interrupted is not { } runs)
        {
            return;
        }

        var job = await db.RunAsync((ctx, _) => ctx.TrainingJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct), ct);
        if (runs > options.MaxInterruptedRuns)
        {
            await FinishAsync(job, TrainingJobStatus.Failed, $"Training.Job.Error.Interrupted: {runs}");
            return;
        }

        using var stopRenewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewing = RenewLeaseAsync(jobId, stopRenewing.Token);
        try
        {
            if (runs > 0)
            {
                await LogAsync(job, job.Phase ?? TrainingJobPhase.Prepare, $"resumed after an interrupted run (phase {TrainingRules.LogName(job.Phase ?? TrainingJobPhase.Prepare)})");
            }

            await ProcessAsync(job, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogWarning("Training job {JobId} interrupted by shutdown; it resumes on restart.", jobId);
            await ReleaseAsync(jobId);
            throw;
        }
        catch (JobCancelledException)
        {
            await CancelExternalAsync(jobId);
            await FinishAsync(job, TrainingJobStatus.Cancelled, null);
        }
        catch (JobFailedException e)
        {
            await FinishAsync(job, TrainingJobStatus.Failed, e.Message);
        }
        catch (TrainerCallException e)
        {
            await FinishAsync(job, TrainingJobStatus.Failed, e.Message);
        }
        catch (Exception e)
        {
            log.LogError(e, "Training job {JobId} failed", jobId);
            await FinishAsync(job, TrainingJobStatus.Failed, "Training.Job.Error.Unexpected");
        }
        finally
        {
            await stopRenewing.CancelAsync();
            await renewing;
        }
    }

    private async Task ProcessAsync(TrainingJob job, CancellationToken ct)
    {
        // A version already published (the run died after publishing): only the job's end is missing.
        var versionId = job.Id;
        if (await VersionExistsAsync(versionId, ct))
        {
            await SucceedAsync(job, versionId, ct);
            return;
        }

        var star = await db.RunAsync((ctx, _) => ctx.Stars.AsNoTracking().FirstAsync(s => s.Id == job.StarId, ct), ct);
        var trainer = job.TrainerId is { } tid ? await db.RunAsync((ctx, _) => ctx.Trainers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tid, ct), ct) : null;
        if (job.TrainerId is not null && trainer is null)
        {
            throw new JobFailedException("Training.Job.TrainerInactive");
        }

        // Prepare: always read the dataset (the later phases need it); log it once.
        await PhaseAsync(job, TrainingJobPhase.Prepare, 0, ct);
        var read = await datasets.ReadAsync(job.DatasetId, ct);
        if (!read.Succeeded)
        {
            throw new JobFailedException("Training.Job.Error.DatasetUnreadable");
        }

        var data = read.Value!;
        if (!TrainingRules.IsPast(job.Phase, TrainingJobPhase.Prepare))
        {
            await LogAsync(job, TrainingJobPhase.Prepare, $"dataset {job.DatasetId:N}: sft {data.SftTrain.Count}+{data.SftHoldout.Count}, dpo {data.DpoTrain.Count}+{data.DpoHoldout.Count}, qa {data.QaTrain.Count}+{data.QaHoldout.Count} (train+held-out)",
                new Dictionary<string, double>
                {
                    ["sft_train_count"] = data.SftTrain.Count, ["dpo_train_count"] = data.DpoTrain.Count, ["qa_train_count"] = data.QaTrain.Count,
                    ["heldout_count"] = data.SftHoldout.Count + data.DpoHoldout.Count + data.QaHoldout.Count,
                });
        }

        var folder = ModelArtifacts.VersionFolder(job.StarId, versionId);
        string artifactUri;
        string? servedModel = null;
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        PromptAdapter? adapter = null;

        // Train.
        await PhaseAsync(job, TrainingJobPhase.Train, 0, ct);
        if (trainer is null)
        {
            var key = folder + "adapter.json";
            adapter = TrainingRules.IsPast(job.Phase, TrainingJobPhase.Train) ? await ReadAdapterAsync(key, ct) : null;
            if (adapter is null)
            {
                var built = PromptAdapterBuilder.Build(data, star.Tone);
                foreach (var rule in built.Rules)
                {
                    await LogAsync(job, TrainingJobPhase.Train, "rule: " + rule);
                }

                adapter = built.Adapter;
                await PutAsync(key, adapter.ToJson(), "application/json", ct);
                await LogAsync(job, TrainingJobPhase.Train, $"adapter.json written: {adapter.Exemplars.Count} exemplars, {adapter.Instructions.Length} characters of instructions",
                    new Dictionary<string, double> { ["exemplar_count"] = adapter.Exemplars.Count, ["heldout_coverage_share"] = Math.Round(built.Coverage, 4) });
            }

            artifactUri = ModelArtifacts.UriOf(key);
        }
        else
        {
            var outcome = await TrainExternallyAsync(job, trainer, ct);
            artifactUri = outcome.ArtifactUri;
            servedModel = outcome.Model;
            foreach (var (name, value) in outcome.Metrics)
            {
                metrics["trainer." + name] = value;
            }
        }

        // Evaluate.
        await PhaseAsync(job, TrainingJobPhase.Evaluate, 0, ct);
        var evaluationKey = folder + "evaluation.json";
        var evaluation = TrainingRules.IsPast(job.Phase, TrainingJobPhase.Evaluate) ? await ReadEvaluationAsync(evaluationKey, ct) : null;
        if (evaluation is null)
        {
            ServedModel? newModel = null;
            var canEvaluate = true;
            if (trainer is not null)
            {
                if (trainer.ServingProviderId is { } provider && servedModel is not null)
                {
                    newModel = new ServedModel(provider, servedModel);
                }
                else
                {
                    canEvaluate = false;
                    await LogAsync(job, TrainingJobPhase.Evaluate, "live evaluation skipped: the trainer has no serving provider, so the new model cannot answer here");
                }
            }

            if (canEvaluate)
            {
                evaluation = await EvaluateAsync(job, star, data, adapter, newModel, ct);
                await PutAsync(evaluationKey, JsonSerializer.Serialize(evaluation, Json), "application/json", ct);
            }
        }

        if (evaluation is not null)
        {
            foreach (var (name, value) in EvaluationMetrics.Compute(evaluation.Items))
            {
                metrics[name] = value;
            }

            await LogAsync(job, TrainingJobPhase.Evaluate, $"evaluated {evaluation.Items.Count} held-out question(s) against {evaluation.BaseVersionName ?? "the base persona"}", metrics);
        }

        // Publish.
        await PhaseAsync(job, TrainingJobPhase.Publish, 0, ct);
        await db.RunAsync(async (ctx, user) =>
        {
            var current = await ctx.TrainingJobs.FirstAsync(j => j.Id == job.Id, ct);
            if (current.CancelRequested)
            {
                throw new JobCancelledException();
            }

            var dataset = await ctx.TrainingDatasets.AsNoTracking().FirstAsync(d => d.Id == job.DatasetId, ct);
            var names = await ctx.StarModelVersions.Where(v => v.StarId == job.StarId).Select(v => v.VersionName).ToListAsync(ct);
            var now = clock.GetUtcNow();
            ctx.StarModelVersions.Add(new StarModelVersion
            {
                Id = versionId,
                StarId = job.StarId,
                VersionName = TrainingRules.NextVersionName(names),
                ArtifactUri = artifactUri,
                TrainingMethod = job.Method,
                TrainingDataSpan = dataset.DataSpan,
                Metrics = JsonSerializer.Serialize(metrics, Json),
                CreatedAt = now,
                TrainingJobId = job.Id,
                DatasetId = job.DatasetId,
                TrainerId = job.TrainerId,
                ServedModelId = servedModel,
                CreatedBy = user.UserId,
            });
            await ctx.SaveChangesAsync(ct);
        }, ct);
        await LogAsync(job, TrainingJobPhase.Publish, $"published version {versionId:N} ({artifactUri}); not activated — the owner activates it");
        await SucceedAsync(job, versionId, ct, metrics);
    }

    private sealed record ExternalOutcome(string ArtifactUri, string? Model, IReadOnlyDictionary<string, double> Metrics);

    private async Task<ExternalOutcome> TrainExternallyAsync(TrainingJob job, Trainer trainer, CancellationToken ct)
    {
        var key = ApiKey(trainer);
        var externalId = job.ExternalJobId;
        if (externalId is null)
        {
            var folder = ModelArtifacts.DatasetFolder(job.StarId, job.DatasetId);
            var request = new FineTuningJobRequest(
                trainer.BaseModel,
                ModelArtifacts.UriOf(folder + TrainingRules.TrainingFile(job.Method, holdout: false)),
                ModelArtifacts.UriOf(folder + TrainingRules.TrainingFile(job.Method, holdout: true)),
                FineTuningMethod.For(job.Method),
                $"star-{job.StarId:N}"[..17],
                new Dictionary<string, string> { ["star_id"] = job.StarId.ToString("N"), ["job_id"] = job.Id.ToString("N"), ["method"] = job.Method.ToString().ToLowerInvariant() });
            var created = await trainers.CreateAsync(trainer.BaseUrl, key, request, options.RequestTimeout, ct);
            if (string.IsNullOrWhiteSpace(created.Id) || created.Id.Length > 200)
            {
                throw new JobFailedException("Training.Job.Error.TrainerGarbage");
            }

            externalId = created.Id;
            // Stored before anything else: a run that dies from here on polls this id and never submits again.
            await db.RunAsync((ctx, _) => ctx.TrainingJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.ExternalJobId, externalId).SetProperty(j => j.UpdatedAt, clock.GetUtcNow()), ct), ct);
            await LogAsync(job, TrainingJobPhase.Train, $"submitted to trainer {trainer.Name} as {externalId}");
        }
        else
        {
            await LogAsync(job, TrainingJobPhase.Train, $"polling trainer {trainer.Name} job {externalId} again (not submitted twice)");
        }

        var seen = (await logs.ListAsync(job.Id, ct)).Select(l => l.Stdout).ToHashSet(StringComparer.Ordinal);
        var deadline = (job.StartedAt ?? clock.GetUtcNow()) + options.ExternalDeadline;
        var polls = 0;
        while (true)
        {
            await CheckCancelAsync(job.Id, ct);
            if (clock.GetUtcNow() > deadline)
            {
                await CancelExternalAsync(job.Id);
                throw new JobFailedException($"Training.Job.Error.Deadline: {options.ExternalDeadline.TotalMinutes:0.#} min");
            }

            var status = await trainers.GetAsync(trainer.BaseUrl, key, externalId, options.RequestTimeout, ct);
            await CopyEventsAsync(job, trainer, key, externalId, seen, ct);
            switch (status.Status)
            {
                case FineTuningJobStatus.Succeeded:
                    var metrics = TrainingRules.ReadMetrics(status.Metrics) ?? throw new JobFailedException("Training.Job.Error.GarbageMetrics");
                    if (ModelArtifacts.KeyOf(status.ArtifactUri, job.StarId) is null)
                    {
                        throw new JobFailedException("Training.Job.Error.ArtifactOutside");
                    }

                    if (status.FineTunedModel is { Length: > 200 })
                    {
                        throw new JobFailedException("Training.Job.Error.TrainerGarbage");
                    }

                    await LogAsync(job, TrainingJobPhase.Train, $"trainer finished: model {status.FineTunedModel ?? "(none)"}, artifact {status.ArtifactUri}", metrics);
                    return new ExternalOutcome(status.ArtifactUri!, status.FineTunedModel, metrics);
                case FineTuningJobStatus.Failed:
                    var reason = TrainingRules.Sanitize(status.Error?.Message);
                    throw new JobFailedException(reason.Length == 0 ? "Training.Job.Error.TrainerFailed" : $"Training.Job.Error.TrainerFailed: {reason}");
                case FineTuningJobStatus.Cancelled:
                    throw new JobCancelledException();
                case "validating_files" or "queued" or "running":
                    break;
                default:
                    throw new JobFailedException("Training.Job.Error.TrainerGarbage");
            }

            polls++;
            await PhaseAsync(job, TrainingJobPhase.Train, 1 - (1.0 / (1 + (polls / 10.0))), ct);
            await Task.Delay(options.PollInterval, clock, ct);
        }
    }

    private async Task CopyEventsAsync(TrainingJob job, Trainer trainer, string? key, string externalId, HashSet<string> seen, CancellationToken ct)
    {
        FineTuningEventList events;
        try
        {
            events = await trainers.EventsAsync(trainer.BaseUrl, key, externalId, options.RequestTimeout, ct);
        }
        catch (TrainerCallException e)
        {
            log.LogDebug(e, "No events from trainer for job {JobId}", job.Id);
            return; // events are a courtesy; the status decides
        }

        // OpenAI lists events newest first.
        foreach (var e in (events.Data ?? []).Reverse())
        {
            var line = TrainingRules.Sanitize(e.Message);
            if (line.Length > 0 && seen.Add(line))
            {
                await LogAsync(job, TrainingJobPhase.Train, line);
            }
        }
    }

    private async Task<EvaluationRecord> EvaluateAsync(TrainingJob job, Star star, TrainingData data, PromptAdapter? adapter, ServedModel? newModel, CancellationToken ct)
    {
        var held = PromptAdapterBuilder.HeldOut(data).Take(EvaluationMetrics.MaxQuestions).ToList();
        var (baseName, baseAdapter, baseModel) = await BaseAsync(job.BaseVersionId, ct);
        var persona = new StarPersona(star.Id, star.Name, star.Domain, star.Persona, star.Tone, baseName);
        var items = new List<EvaluationItem>(held.Count);
        for (var i = 0; i < held.Count; i++)
        {
            await CheckCancelAsync(job.Id, ct);
            var (question, expected) = held[i];
            var before = await AnswerAsync(persona, question, baseAdapter, baseModel, job.CreatedBy, ct);
            var after = await AnswerAsync(persona with { ModelVersion = "candidate" }, question, adapter, newModel, job.CreatedBy, ct);
            items.Add(new EvaluationItem(question, expected, before.Content, before.Citations, after.Content, after.Citations));
            await PhaseAsync(job, TrainingJobPhase.Evaluate, (i + 1.0) / held.Count, ct);
        }

        return new EvaluationRecord(job.BaseVersionId, baseName, items);
    }

    private async Task<(string Content, int Citations)> AnswerAsync(StarPersona persona, string question, PromptAdapter? adapter, ServedModel? model, Guid userId, CancellationToken ct)
    {
        var request = new ChatRequest(persona, [], question, Guid.NewGuid(), userId, Guid.NewGuid()) { Adapter = adapter, ModelOverride = model };
        ChatOutcome? outcome = null;
        await foreach (var e in engine.StreamAsync(request, ct))
        {
            if (e is ChatCompleted done)
            {
                outcome = done.Outcome;
            }
        }

        return outcome is { Success: true } o ? (o.Content, o.Citations.Count) : ("", 0);
    }

    /// <summary>The version the new one is compared with, as the chat would run it (adapter and served model).</summary>
    private async Task<(string? Name, PromptAdapter? Adapter, ServedModel? Model)> BaseAsync(Guid? baseVersionId, CancellationToken ct)
    {
        var version = await versions.LoadAsync(db, baseVersionId, ct);
        return (version?.Name, version?.Adapter, version?.Served);
    }

    private async Task<PromptAdapter?> ReadAdapterAsync(string key, CancellationToken ct) => PromptAdapter.Parse(await ReadTextAsync(key, ct));

    private async Task<EvaluationRecord?> ReadEvaluationAsync(string key, CancellationToken ct)
    {
        var text = await ReadTextAsync(key, ct);
        try
        {
            return text is null ? null : JsonSerializer.Deserialize<EvaluationRecord>(text, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<string?> ReadTextAsync(string key, CancellationToken ct)
    {
        await using var stored = await objects.GetAsync(Buckets.ModelArtifacts, key, ct);
        if (stored is null)
        {
            return null;
        }

        using var reader = new StreamReader(stored.Content, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    private Task PutAsync(string key, string text, string contentType, CancellationToken ct) =>
        objects.PutAsync(Buckets.ModelArtifacts, key, new MemoryStream(Encoding.UTF8.GetBytes(text)), contentType, ct);

    private string? ApiKey(Trainer trainer)
    {
        if (string.IsNullOrEmpty(trainer.ApiKeyProtected))
        {
            return null;
        }

        try
        {
            return protection.CreateProtector(ApiKeyPurpose).Unprotect(trainer.ApiKeyProtected);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new JobFailedException("Training.Job.Error.TrainerKey");
        }
    }

    private async Task<bool> VersionExistsAsync(Guid versionId, CancellationToken ct) =>
        await db.RunAsync((ctx, _) => ctx.StarModelVersions.AnyAsync(v => v.Id == versionId, ct), ct);

    /// <summary>Enters or advances a phase: records phase and progress, and stops the run if the owner asked to cancel.</summary>
    private Task PhaseAsync(TrainingJob job, TrainingJobPhase phase, double fraction, CancellationToken ct) =>
        db.RunAsync(async (ctx, _) =>
        {
            var current = await ctx.TrainingJobs.FirstOrDefaultAsync(j => j.Id == job.Id, ct) ?? throw new JobCancelledException();
            if (current.CancelRequested)
            {
                throw new JobCancelledException();
            }

            // A resumed run passes through phases already done: phase and progress stay where the job got to.
            if (current.Phase is not { } reached || reached <= phase)
            {
                var progress = TrainingRules.Progress(phase, fraction);
                current.Progress = current.Phase == phase ? Math.Max(current.Progress, progress) : progress;
                current.Phase = phase;
            }

            current.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
        }, ct);

    private async Task CheckCancelAsync(Guid jobId, CancellationToken ct)
    {
        var cancel = await db.RunAsync((ctx, _) => ctx.TrainingJobs.Where(j => j.Id == jobId).Select(j => (bool?)j.CancelRequested).FirstOrDefaultAsync(ct), ct);
        if (cancel is not false)
        {
            throw new JobCancelledException();
        }
    }

    /// <summary>Tells the external trainer to stop its job, if there is one; best effort.</summary>
    private async Task CancelExternalAsync(Guid jobId)
    {
        try
        {
            var (job, trainer) = await db.RunAsync(async (ctx, _) =>
            {
                var j = await ctx.TrainingJobs.AsNoTracking().FirstAsync(x => x.Id == jobId);
                var t = j.TrainerId is { } id ? await ctx.Trainers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id) : null;
                return (j, t);
            });
            if (job.ExternalJobId is { } external && trainer is not null)
            {
                await trainers.CancelAsync(trainer.BaseUrl, ApiKey(trainer), external, options.RequestTimeout, CancellationToken.None);
                await LogAsync(job, job.Phase ?? TrainingJobPhase.Train, $"cancel sent to trainer {trainer.Name} for {external}");
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not cancel the external job of training job {JobId}", jobId);
        }
    }

    private Task SucceedAsync(TrainingJob job, Guid versionId, CancellationToken ct, IReadOnlyDictionary<string, double>? metrics = null) =>
        EndAsync(job, j =>
        {
            j.Status = TrainingJobStatus.Succeeded;
            j.Phase = TrainingJobPhase.Publish;
            j.Progress = 100;
            j.ModelVersionId = versionId;
            j.Error = null;
            if (metrics is not null)
            {
                j.Metrics = JsonSerializer.Serialize(metrics, Json);
            }
        }, ct);

    private Task FinishAsync(TrainingJob job, TrainingJobStatus status, string? error) =>
        EndAsync(job, j =>
        {
            j.Status = status;
            j.Error = error is null ? null : error.Length > 500 ? error[..500] : error;
        }, CancellationToken.None);

    private async Task EndAsync(TrainingJob job, Action<TrainingJob> change, CancellationToken ct)
    {
        await db.RunAsync(async (ctx, _) =>
        {
            var current = await ctx.TrainingJobs.FirstOrDefaultAsync(j => j.Id == job.Id, ct);
            if (current is null)
            {
                return;
            }

            change(current);
            current.LeaseUntil = null;
            current.FinishedAt = clock.GetUtcNow();
            current.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
        }, ct);
        var ended = await db.RunAsync((ctx, _) => ctx.TrainingJobs.AsNoTracking().FirstAsync(j => j.Id == job.Id, ct), ct);
        await LogAsync(ended, ended.Phase ?? TrainingJobPhase.Prepare, ended.Status switch
        {
            TrainingJobStatus.Succeeded => "job succeeded",
            TrainingJobStatus.Cancelled => "job cancelled",
            _ => "job failed: " + ended.Error,
        });
        await MirrorLogAsync(ended);
    }

    /// <summary>Seed 000 §5: the job's log, one line per entry, mirrored to <c>model-artifacts</c> when it ends.</summary>
    private async Task MirrorLogAsync(TrainingJob job)
    {
        try
        {
            var lines = await logs.ListAsync(job.Id);
            var text = new StringBuilder();
            foreach (var l in lines)
            {
                text.Append(l.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)).Append(" [").Append(l.Phase).Append("] ").Append(l.Stdout);
                foreach (var (name, value) in l.Metrics)
                {
                    text.Append(' ').Append(name).Append('=').Append(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }

            await PutAsync(TrainingRules.LogKey(job.StarId, job.Id), text.ToString(), "text/plain; charset=utf-8", CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not mirror the log of training job {JobId}", job.Id);
        }
    }

    private Task LogAsync(TrainingJob job, TrainingJobPhase phase, string line, IReadOnlyDictionary<string, double>? metrics = null) =>
        logs.AppendAsync(new TrainingLogDocument(Guid.CreateVersion7(), job.Id, job.StarId, TrainingRules.LogName(phase), line,
            metrics is null ? new Dictionary<string, double>() : new Dictionary<string, double>(metrics), clock.GetUtcNow()));

    /// <summary>
    /// Takes the job if it is queued or running and nobody holds it, in one conditional UPDATE with the database's clock.
    /// Returns the interrupted runs (counting this claim if the job was left running); null when there is nothing to do.
    /// </summary>
    private async Task<int?> ClaimAsync(Guid jobId, CancellationToken ct)
    {
        var lease = options.LeaseDuration;
        var claimed = await db.RunAsync((ctx, _) => ctx.Database.SqlQuery<int>($"""
            UPDATE training_jobs SET
                interrupted_runs = interrupted_runs + CASE WHEN status = 'running' THEN 1 ELSE 0 END,
                status = 'running', lease_until = now() + {lease}, attempts = attempts + 1,
                started_at = COALESCE(started_at, now()), updated_at = now()
            WHERE id = {jobId} AND status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < now())
            RETURNING interrupted_runs AS "Value"
            """).ToListAsync(ct), ct);
        return claimed.Count == 0 ? null : claimed[0];
    }

    private Task RenewLeaseAsync(Guid jobId, CancellationToken stop)
    {
        var lease = options.LeaseDuration;
        return LeaseRenewal.RunAsync(options.RenewEvery, clock, ct => db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync(
            $"UPDATE training_jobs SET lease_until = now() + {lease} WHERE id = {jobId} AND status = 'running'", ct), ct), log, "training job", jobId, stop);
    }

    private async Task ReleaseAsync(Guid jobId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await db.RunAsync((ctx, _) => ctx.TrainingJobs.Where(j => j.Id == jobId && j.Status == TrainingJobStatus.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, TrainingJobStatus.Queued)
                    .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(j => j.EnqueuedAt, (DateTimeOffset?)null), timeout.Token), timeout.Token);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Could not give back training job {JobId} on shutdown", jobId);
        }
    }

    private sealed class JobCancelledException : Exception;

    /// <summary>A failure the owner reads: the message is a resource key, optionally followed by ": detail".</summary>
    private sealed class JobFailedException(string message) : Exception(message);
}
