using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Data.Knowledge.Pipeline;

/// <summary>
/// One run of a knowledge task: parse → chunk → embed → index, with progress on the task row.
/// Idempotent: chunk and vector ids derive from (task, seq), old rows of the task are replaced, and the
/// vectors and the task's completion are written in one transaction, so a rerun after a crash ends in
/// the same state as an uninterrupted run — never half the chunks, never twice.
/// <para>A run first claims its task (one conditional UPDATE: unfinished, and no live lease) and renews the lease while it
/// works; a duplicate job finds the task held or finished and returns. A task still marked <c>processing</c> when claimed
/// was left by a run that died; after <see cref="KnowledgeJobOptions.MaxInterruptedRuns"/> such runs it is failed with
/// <see cref="KnowledgeTaskRuns.InterruptedError"/> instead of being tried forever.</para>
/// </summary>
public sealed class KnowledgeIngestionJob(
    StarStudioDb db,
    ActingUser acting,
    IObjectStore objects,
    IDocumentParser parser,
    ITokenCounter tokens,
    IStarEmbedderProvider embedders,
    IKnowledgeChunkStore chunkStore,
    TimeProvider clock,
    ILogger<KnowledgeIngestionJob> log,
    IOptions<KnowledgeJobOptions>? jobOptions = null,
    StarStudio.Core.Configs.ISystemConfigs? configs = null)
{
    private const int EmbedBatch = 64;

    private readonly KnowledgeJobOptions options = jobOptions?.Value ?? new KnowledgeJobOptions();

    /// <summary>Processes the task as <paramref name="actingUserId"/>. Returns quietly if there is nothing to do.</summary>
    /// <param name="ct">Host shutdown: the task is given back as <c>pending</c> and re-driven after restart.</param>
    public async Task RunAsync(Guid taskId, Guid actingUserId, CancellationToken ct)
    {
        acting.User = UserContext.For(actingUserId);
        CrashPoints.Hit(CrashPoints.KnowledgeJobFetched);
        var claim = await ClaimAsync(taskId, ct);
        if (claim is not { } interruptedRuns)
        {
            return; // deleted, finished by an earlier run of a duplicated job, or held by a live run
        }

        if (KnowledgeTaskRuns.ShouldGiveUp(interruptedRuns, options.MaxInterruptedRuns))
        {
            log.LogError("Knowledge task {TaskId} given up after {Runs} interrupted runs", taskId, interruptedRuns);
            await FailAsync(taskId, $"{KnowledgeTaskRuns.InterruptedError}: {interruptedRuns}");
            return;
        }

        CrashPoints.Hit(CrashPoints.KnowledgeTaskClaimed);
        using var stopRenewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewing = RenewLeaseAsync(taskId, stopRenewing.Token);
        try
        {
            var task = await db.RunAsync((ctx, _) => ctx.KnowledgeTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct), ct);
            if (task is not null)
            {
                await ProcessAsync(task, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogWarning("Knowledge task {TaskId} interrupted by shutdown; it resumes on restart.", taskId);
            await ReleaseAsync(taskId);
            throw;
        }
        catch (TaskCancelledByOwnerException)
        {
            await FailAsync(taskId, KnowledgeErrors.Cancelled);
        }
        catch (DocumentParseException ex)
        {
            await FailAsync(taskId, ex.Code);
        }
        catch (Exception ex) when (ex is EmbeddingServiceException or HttpRequestException or TimeoutException)
        {
            // The owner sees that the embedding service failed and how (the HTTP status); the server's own words, which
            // may name the admin's endpoint, stay in the log.
            log.LogWarning(ex, "Embedding failed for knowledge task {TaskId}", taskId);
            var status = (ex as EmbeddingServiceException)?.StatusCode ?? (ex as HttpRequestException)?.StatusCode;
            await FailAsync(taskId, status is { } code ? $"{KnowledgeErrors.Embedding}: HTTP {(int)code}" : KnowledgeErrors.Embedding);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Knowledge task {TaskId} failed", taskId);
            await FailAsync(taskId, KnowledgeErrors.Unexpected);
        }
        finally
        {
            await stopRenewing.CancelAsync();
            await renewing;
        }
    }

    /// <summary>
    /// Takes the task if it is unfinished and nobody holds it, as one conditional UPDATE (so two duplicate jobs cannot both
    /// win), with the database's clock (so every app instance agrees on when a lease ran out). Returns the task's
    /// interrupted runs, counting this claim if the task was left <c>processing</c>; null when there is nothing to do.
    /// </summary>
    private async Task<int?> ClaimAsync(Guid taskId, CancellationToken ct)
    {
        var lease = options.LeaseDuration;
        var claimed = await db.RunAsync((ctx, _) => ctx.Database.SqlQuery<int>($"""
            UPDATE knowledge_tasks SET
                interrupted_runs = interrupted_runs + CASE WHEN status = 'processing' THEN 1 ELSE 0 END,
                status = 'processing', lease_until = now() + {lease}, attempts = attempts + 1,
                started_at = now(), updated_at = now(), error = NULL, phase = 'parse', progress = 0
            WHERE id = {taskId} AND status IN ('pending', 'processing') AND (lease_until IS NULL OR lease_until < now())
            RETURNING interrupted_runs AS "Value"
            """).ToListAsync(ct), ct);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Renews the lease every <see cref="KnowledgeJobOptions.RenewEvery"/> until the run ends.</summary>
    private Task RenewLeaseAsync(Guid taskId, CancellationToken stop)
    {
        var lease = options.LeaseDuration;
        return LeaseRenewal.RunAsync(options.RenewEvery, clock, ct => db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync(
            $"UPDATE knowledge_tasks SET lease_until = now() + {lease} WHERE id = {taskId} AND status = 'processing'", ct), ct), log, "knowledge task", taskId, stop);
    }

    /// <summary>A run stopped by the host's shutdown gives its task back: pending, free, not counted as interrupted.</summary>
    private async Task ReleaseAsync(Guid taskId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await db.RunAsync((ctx, _) => ctx.KnowledgeTasks.Where(t => t.Id == taskId && t.Status == KnowledgeTaskStatus.Processing)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, KnowledgeTaskStatus.Pending)
                    .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(t => t.EnqueuedAt, (DateTimeOffset?)null), timeout.Token), timeout.Token);
        }
        catch (Exception ex)
        {
            // The lease runs out on its own; the task is then re-driven, counted as one interrupted run.
            log.LogWarning(ex, "Could not give back knowledge task {TaskId} on shutdown", taskId);
        }
    }

    private async Task ProcessAsync(KnowledgeTask task, CancellationToken ct)
    {
        await UpdateAsync(task.Id, KnowledgePhase.Parse, 0, ct);

        // Parse
        await using var raw = task.PayloadUri is { } key ? await objects.GetAsync(Buckets.KnowledgeRaw, key, ct) : null;
        if (raw is null)
        {
            await FailAsync(task.Id, KnowledgeErrors.RawMissing);
            return;
        }

        using var buffered = new MemoryStream();
        await raw.Content.CopyToAsync(buffered, ct);
        var head = buffered.GetBuffer().AsSpan(0, (int)Math.Min(buffered.Length, 8192));
        var kind = KnowledgeFileKinds.Detect(task.SourceName, head);
        if (!kind.Succeeded)
        {
            await FailAsync(task.Id, kind.Errors[0].Code);
            return;
        }

        buffered.Position = 0;
        var document = await parser.ParseAsync(kind.Value, buffered, ct);
        await UpdateAsync(task.Id, KnowledgePhase.Chunk, 25, ct);

        // Chunk
        var (size, overlap) = await db.RunAsync((ctx, _) => KnowledgeSettings.ChunkingAsync(configs, ctx, task.StarId, ct), ct);
        var textChunks = TextChunker.Chunk(document, new ChunkingOptions(size, overlap), tokens);
        if (textChunks.Count == 0)
        {
            throw new DocumentParseException("Knowledge.Parse.Empty", "The document has no text to index.");
        }

        await UpdateAsync(task.Id, KnowledgePhase.Embed, 35, ct);

        // Embed
        var embedder = await embedders.ForStarAsync(task.StarId, ct);
        var vectors = new List<ReadOnlyMemory<float>>(textChunks.Count);
        for (var i = 0; i < textChunks.Count; i += EmbedBatch)
        {
            var batch = textChunks.Skip(i).Take(EmbedBatch).Select(c => c.Text).ToList();
            var embedded = await embedder.Generator.GenerateAsync(batch, cancellationToken: ct);
            vectors.AddRange(embedded.Select(e => e.Vector));
            var done = Math.Min(i + EmbedBatch, textChunks.Count);
            await UpdateAsync(task.Id, KnowledgePhase.Embed, (short)(35 + (55 * done / textChunks.Count)), ct);
        }

        // Index: the document collection first (replacing the task's chunks), then vectors and completion at once.
        var metadata = textChunks.Select(c => new ChunkMetadata(task.SourceName, c.Page, c.HeadingPath, c.CharStart, c.CharEnd, c.Tokens, [])).ToList();
        await chunkStore.DeleteByTaskAsync(task.Id, ct);
        await chunkStore.UpsertManyAsync(textChunks.Select((c, i) => new KnowledgeChunkDocument(
            KnowledgeIds.Chunk(task.Id, c.Seq), task.Id, task.StarId, c.Seq, c.Text, KnowledgeIds.Vector(task.Id, c.Seq),
            new Dictionary<string, string>
            {
                ["sourceName"] = task.SourceName,
                ["page"] = c.Page?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                ["headingPath"] = string.Join(" > ", c.HeadingPath),
                ["charStart"] = c.CharStart.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["charEnd"] = c.CharEnd.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })).ToList(), ct);

        await db.RunAsync(async (ctx, _) =>
        {
            var current = await ctx.KnowledgeTasks.FirstOrDefaultAsync(t => t.Id == task.Id, ct);
            if (current is null)
            {
                return; // deleted while running: write nothing
            }

            if (current.CancelRequested)
            {
                throw new TaskCancelledByOwnerException();
            }

            await ctx.StarEmbeddings.Where(e => e.TaskId == task.Id).ExecuteDeleteAsync(ct);
            ctx.StarEmbeddings.AddRange(textChunks.Select((c, i) => new StarEmbedding
            {
                Id = KnowledgeIds.Vector(task.Id, c.Seq),
                StarId = task.StarId,
                TaskId = task.Id,
                ChunkId = KnowledgeIds.Chunk(task.Id, c.Seq),
                Seq = c.Seq,
                Embedding = new Pgvector.Vector(vectors[i]),
                Dimensions = (short)embedder.Dimension,
                EmbeddingModel = embedder.ModelName,
                Content = c.Text,
                SearchText = StarStudio.Data.Knowledge.Expansion.PinyinReadings.SearchTextFor(c.Text),
                Metadata = metadata[i].ToJson(),
            }));
            current.Status = KnowledgeTaskStatus.Completed;
            current.ChunkCount = textChunks.Count;
            current.Phase = KnowledgePhase.Index;
            current.Progress = 100;
            current.Error = null;
            current.EmbeddingModel = embedder.ModelName;
            current.CompletedAt = clock.GetUtcNow();
            current.UpdatedAt = clock.GetUtcNow();
            current.LeaseUntil = null;
            await ctx.SaveChangesAsync(ct);
            await global::StarStudio.Data.Webhooks.WebhookOutbox.EmitAsync(ctx, StarStudio.Core.Webhooks.WebhookEvents.KnowledgeTaskCompleted, current.StarId,
                new { task_id = current.Id, source_name = current.SourceName, chunk_count = current.ChunkCount }, clock.GetUtcNow(), ct);
        }, ct);
    }

    private Task UpdateAsync(Guid taskId, KnowledgePhase phase, short progress, CancellationToken ct) =>
        db.RunAsync(async (ctx, _) =>
        {
            var task = await ctx.KnowledgeTasks.FirstOrDefaultAsync(t => t.Id == taskId, ct);
            if (task is null)
            {
                throw new TaskCancelledByOwnerException(); // deleted while running
            }

            if (task.CancelRequested)
            {
                throw new TaskCancelledByOwnerException();
            }

            task.Phase = phase;
            task.Progress = progress;
            task.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
        }, ct);

    private Task FailAsync(Guid taskId, string error) =>
        db.RunAsync(async (ctx, _) =>
        {
            var failed = await ctx.KnowledgeTasks.Where(t => t.Id == taskId).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, KnowledgeTaskStatus.Failed)
                .SetProperty(t => t.Error, error.Length > 500 ? error[..500] : error)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
            var task = failed == 0 ? null : await ctx.KnowledgeTasks.AsNoTracking().Where(t => t.Id == taskId)
                .Select(t => new { t.StarId, t.SourceName, t.Error }).FirstOrDefaultAsync(CancellationToken.None);
            if (task is not null)
            {
                await global::StarStudio.Data.Webhooks.WebhookOutbox.EmitAsync(ctx, StarStudio.Core.Webhooks.WebhookEvents.KnowledgeTaskFailed, task.StarId,
                    new { task_id = taskId, source_name = task.SourceName, error = task.Error }, clock.GetUtcNow(), CancellationToken.None);
            }
        }, CancellationToken.None);

    private sealed class TaskCancelledByOwnerException : Exception;
}
