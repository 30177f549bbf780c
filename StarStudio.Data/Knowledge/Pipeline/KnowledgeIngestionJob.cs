using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Knowledge.Pipeline;

/// <summary>
/// One run of a knowledge task: parse → chunk → embed → index, with progress on the task row.
/// Idempotent: chunk and vector ids derive from (task, seq), old rows of the task are replaced, and the
/// vectors and the task's completion are written in one transaction, so a rerun after a crash ends in
/// the same state as an uninterrupted run — never half the chunks, never twice.
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
    ILogger<KnowledgeIngestionJob> log)
{
    private const int EmbedBatch = 64;

    /// <summary>Processes the task as <paramref name="actingUserId"/>. Returns quietly if there is nothing to do.</summary>
    /// <param name="ct">Host shutdown: the task is left <c>processing</c> and resumes after restart.</param>
    public async Task RunAsync(Guid taskId, Guid actingUserId, CancellationToken ct)
    {
        acting.User = UserContext.For(actingUserId);
        var task = await db.RunAsync((ctx, _) => ctx.KnowledgeTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct), ct);
        if (task is null || task.Status is KnowledgeTaskStatus.Completed or KnowledgeTaskStatus.Failed)
        {
            return; // deleted, or already finished by an earlier run of a duplicated job
        }

        try
        {
            await ProcessAsync(task, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogWarning("Knowledge task {TaskId} interrupted by shutdown; it resumes on restart.", taskId);
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
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            log.LogWarning(ex, "Embedding failed for knowledge task {TaskId}", taskId);
            await FailAsync(taskId, $"{KnowledgeErrors.Embedding}: {ex.Message}");
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Knowledge task {TaskId} failed", taskId);
            await FailAsync(taskId, KnowledgeErrors.Unexpected);
        }
    }

    private async Task ProcessAsync(KnowledgeTask task, CancellationToken ct)
    {
        await UpdateAsync(task.Id, KnowledgePhase.Parse, 0, start: true, ct);

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
        await UpdateAsync(task.Id, KnowledgePhase.Chunk, 25, start: false, ct);

        // Chunk
        var (size, overlap) = await db.RunAsync((ctx, _) => KnowledgeSettings.ChunkingAsync(ctx, task.StarId, ct), ct);
        var textChunks = TextChunker.Chunk(document, new ChunkingOptions(size, overlap), tokens);
        if (textChunks.Count == 0)
        {
            throw new DocumentParseException("Knowledge.Parse.Empty", "The document has no text to index.");
        }

        await UpdateAsync(task.Id, KnowledgePhase.Embed, 35, start: false, ct);

        // Embed
        var embedder = await embedders.ForStarAsync(task.StarId, ct);
        var vectors = new List<ReadOnlyMemory<float>>(textChunks.Count);
        for (var i = 0; i < textChunks.Count; i += EmbedBatch)
        {
            var batch = textChunks.Skip(i).Take(EmbedBatch).Select(c => c.Text).ToList();
            var embedded = await embedder.Generator.GenerateAsync(batch, cancellationToken: ct);
            vectors.AddRange(embedded.Select(e => e.Vector));
            var done = Math.Min(i + EmbedBatch, textChunks.Count);
            await UpdateAsync(task.Id, KnowledgePhase.Embed, (short)(35 + (55 * done / textChunks.Count)), start: false, ct);
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
                SearchText = SearchText.For(c.Text),
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
            await ctx.SaveChangesAsync(ct);
        }, ct);
    }

    private Task UpdateAsync(Guid taskId, KnowledgePhase phase, short progress, bool start, CancellationToken ct) =>
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
            if (start)
            {
                task.Status = KnowledgeTaskStatus.Processing;
                task.Attempts++;
                task.StartedAt = clock.GetUtcNow();
                task.Error = null;
            }

            await ctx.SaveChangesAsync(ct);
        }, ct);

    private Task FailAsync(Guid taskId, string error) =>
        db.RunAsync(async (ctx, _) =>
        {
            await ctx.KnowledgeTasks.Where(t => t.Id == taskId).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, KnowledgeTaskStatus.Failed)
                .SetProperty(t => t.Error, error.Length > 500 ? error[..500] : error)
                .SetProperty(t => t.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
        }, CancellationToken.None);

    private sealed class TaskCancelledByOwnerException : Exception;
}
