using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Knowledge;

/// <summary>Knowledge over PostgreSQL, the document store and the object store; ownership checked here and by RLS.</summary>
internal sealed class KnowledgeService(
    StarStudioDb db,
    IObjectStore objects,
    IKnowledgeChunkStore chunks,
    IKnowledgeRetriever retriever,
    IKnowledgeJobQueue jobs,
    TimeProvider clock,
    IGrowthEvents? growth = null,
    StarStudio.Core.Configs.ISystemConfigs? configs = null,
    Core.Analytics.ITrackingEvents? tracking = null) : IKnowledgeService
{
    public const int NoteTitleMax = 120;
    public const int NoteMaxChars = 200_000;
    private const int HeadBytes = 8192;

    public Task<Page<KnowledgeTask>> ListTasksAsync(Guid starId, int page, int pageSize, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!await OwnsStarAsync(ctx, user, starId, ct))
            {
                return new Page<KnowledgeTask>([], 0);
            }

            var tasks = ctx.KnowledgeTasks.AsNoTracking().Where(t => t.StarId == starId);
            var size = Math.Clamp(pageSize, 1, 100);
            var items = await tasks.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
                .Skip(Math.Max(page, 0) * size).Take(size).ToListAsync(ct);
            return new Page<KnowledgeTask>(items, await tasks.CountAsync(ct));
        }, ct);

    public Task<Result<KnowledgeTask>> UploadAsync(Guid starId, string fileName, Stream content, long declaredLength, CancellationToken ct = default) =>
        IngestAsync(starId, KnowledgeSourceType.Upload, fileName, content, declaredLength, webhookSourceId: null, ct);

    public Task<Result<KnowledgeTask>> AddWebhookContentAsync(Guid starId, Guid sourceId, string name, Stream content, long declaredLength, CancellationToken ct = default) =>
        IngestAsync(starId, KnowledgeSourceType.Webhook, name, content, declaredLength, sourceId, ct);

    public async Task<Result<KnowledgeTask>> AddNoteAsync(Guid starId, string title, string markdown, CancellationToken ct = default)
    {
        title = (title ?? "").Trim();
        var errors = new List<FieldError>();
        if (title.Length == 0)
        {
            errors.Add(new FieldError("Title", "Knowledge.Note.Title.Required"));
        }
        else if (title.Length > NoteTitleMax)
        {
            errors.Add(new FieldError("Title", "Knowledge.Note.Title.TooLong", NoteTitleMax));
        }

        if (string.IsNullOrWhiteSpace(markdown))
        {
            errors.Add(new FieldError("Markdown", "Knowledge.Note.Empty"));
        }
        else if (markdown.Length > NoteMaxChars)
        {
            errors.Add(new FieldError("Markdown", "Knowledge.Note.TooLong", NoteMaxChars));
        }

        if (errors.Count > 0)
        {
            return Result<KnowledgeTask>.Invalid(errors);
        }

        var bytes = Encoding.UTF8.GetBytes(markdown);
        var name = title.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? title : title + ".md";
        return await IngestAsync(starId, KnowledgeSourceType.Note, name, new MemoryStream(bytes), bytes.Length, webhookSourceId: null, ct);
    }

    public Task<Result<KnowledgeTask>> RetryAsync(Guid taskId, CancellationToken ct = default) =>
        RequeueAsync(taskId, t => t.Status == KnowledgeTaskStatus.Failed, "Knowledge.Retry.NotFailed", ct);

    public Task<Result<KnowledgeTask>> ReindexAsync(Guid taskId, CancellationToken ct = default) =>
        RequeueAsync(taskId, t => t.Status is KnowledgeTaskStatus.Completed or KnowledgeTaskStatus.Failed, "Knowledge.Reindex.Busy", ct);

    public Task<Result<KnowledgeTask>> CancelAsync(Guid taskId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var task = await FindTaskAsync(ctx, user, taskId, ct);
            if (task is null)
            {
                return Result<KnowledgeTask>.NotFound();
            }

            if (task.Status is not (KnowledgeTaskStatus.Pending or KnowledgeTaskStatus.Processing))
            {
                return Result<KnowledgeTask>.Invalid("Task", "Knowledge.Cancel.NotRunning");
            }

            task.CancelRequested = true;
            task.UpdatedAt = clock.GetUtcNow();
            if (task.Status == KnowledgeTaskStatus.Pending)
            {
                // Not started: it ends now. A running task stops at its next checkpoint.
                task.Status = KnowledgeTaskStatus.Failed;
                task.Error = KnowledgeErrors.Cancelled;
            }

            await ctx.SaveChangesAsync(ct);
            return Result<KnowledgeTask>.Ok(task);
        }, ct);

    public async Task<Result<bool>> DeleteAsync(Guid taskId, CancellationToken ct = default)
    {
        var task = await db.RunAsync((ctx, user) => FindTaskAsync(ctx, user, taskId, ct, track: false), ct);
        if (task is null)
        {
            return Result<bool>.NotFound();
        }

        // Chunks first, then the task row (its vectors go with it by cascade), then the raw object:
        // a crash in between leaves a task that can be deleted again, never orphaned vectors.
        await chunks.DeleteByTaskAsync(taskId, ct);
        await db.RunAsync(async (ctx, _) =>
        {
            await ctx.KnowledgeTasks.Where(t => t.Id == taskId).ExecuteDeleteAsync(ct);
        }, ct);
        if (task.PayloadUri is { } key)
        {
            await objects.DeleteAsync(Buckets.KnowledgeRaw, key, ct);
        }

        return Result<bool>.Ok(true);
    }

    public Task<Page<KnowledgeChunkView>> ListChunksAsync(Guid starId, Guid? taskId, int page, int pageSize, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!await OwnsStarAsync(ctx, user, starId, ct))
            {
                return new Page<KnowledgeChunkView>([], 0);
            }

            var rows = ctx.StarEmbeddings.AsNoTracking().Where(e => e.StarId == starId);
            if (taskId is { } t)
            {
                rows = rows.Where(e => e.TaskId == t);
            }

            var size = Math.Clamp(pageSize, 1, 100);
            var items = await rows.OrderBy(e => e.TaskId).ThenBy(e => e.Seq)
                .Skip(Math.Max(page, 0) * size).Take(size)
                .Select(e => new { e.ChunkId, e.TaskId, e.Seq, e.Content, e.Metadata })
                .ToListAsync(ct);
            var views = items.Select(e =>
            {
                var meta = ChunkMetadata.Parse(e.Metadata);
                return new KnowledgeChunkView(e.ChunkId, e.TaskId, e.Seq, e.Content, meta.ToCitation(e.TaskId, e.ChunkId), meta.Tokens);
            }).ToList();
            return new Page<KnowledgeChunkView>(views, await rows.CountAsync(ct));
        }, ct);

    public Task<Result<KnowledgeSettingsView>> GetSettingsAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!await OwnsStarAsync(ctx, user, starId, ct))
            {
                return Result<KnowledgeSettingsView>.NotFound();
            }

            return Result<KnowledgeSettingsView>.Ok(await SettingsViewAsync(ctx, starId, ct));
        }, ct);

    public Task<Result<KnowledgeSettingsView>> UpdateSettingsAsync(Guid starId, int? chunkSize, int? chunkOverlap, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!await OwnsStarAsync(ctx, user, starId, ct))
            {
                return Result<KnowledgeSettingsView>.NotFound();
            }

            var (defaultSize, _) = await KnowledgeSettings.DefaultsAsync(configs, ctx, ct);
            var errors = KnowledgeSettingsRules.Validate(chunkSize, chunkOverlap, defaultSize);
            if (errors.Count > 0)
            {
                return Result<KnowledgeSettingsView>.Invalid(errors);
            }

            await ctx.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.RagChunkSize, chunkSize)
                .SetProperty(x => x.RagChunkOverlap, chunkOverlap), ct);
            return Result<KnowledgeSettingsView>.Ok(await SettingsViewAsync(ctx, starId, ct));
        }, ct);

    private async Task<KnowledgeSettingsView> SettingsViewAsync(StarStudioDbContext ctx, Guid starId, CancellationToken ct)
    {
        var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId).Select(s => new { s.RagChunkSize, s.RagChunkOverlap }).FirstAsync(ct);
        var (size, overlap) = await KnowledgeSettings.DefaultsAsync(configs, ctx, ct);
        return new KnowledgeSettingsView(star.RagChunkSize, star.RagChunkOverlap, size, overlap);
    }

    public async Task<Result<RetrievalResult>> AskAsync(RetrievalQuery query, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(query.Question))
        {
            return Result<RetrievalResult>.Invalid("Question", "Knowledge.Ask.Empty");
        }

        var owns = await db.RunAsync((ctx, user) => OwnsStarAsync(ctx, user, query.StarId, ct), ct);
        if (!owns)
        {
            return Result<RetrievalResult>.NotFound();
        }

        var top = Math.Clamp(query.TopK, 1, 50);
        return Result<RetrievalResult>.Ok(await retriever.RetrieveAsync(query with { TopK = top }, ct));
    }

    private async Task<Result<KnowledgeTask>> IngestAsync(
        Guid starId, KnowledgeSourceType sourceType, string name, Stream content, long declaredLength, Guid? webhookSourceId, CancellationToken ct)
    {
        name = Path.GetFileName((name ?? "").Trim());
        if (name.Length == 0)
        {
            return Result<KnowledgeTask>.Invalid("File", "Knowledge.File.NameRequired");
        }

        if (name.Length > 255)
        {
            name = name[..200] + Path.GetExtension(name);
        }

        var (owner, maxBytes) = await db.RunAsync(async (ctx, user) =>
            (await OwnsStarAsync(ctx, user, starId, ct) ? user.UserId : null, await KnowledgeSettings.MaxUploadBytesAsync(configs, ctx, ct)), ct);
        if (owner is not { } actingUser)
        {
            return Result<KnowledgeTask>.NotFound();
        }

        if (declaredLength > maxBytes)
        {
            return Result<KnowledgeTask>.Invalid("File", "Knowledge.File.TooLarge", maxBytes / 1024 / 1024);
        }

        // Spool to a temporary file while hashing, so a 100 MB upload never sits in memory and the
        // size limit is enforced on the bytes actually received, not on what the client declared.
        var spool = Path.Combine(Path.GetTempPath(), "starstudio-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            var head = new byte[HeadBytes];
            var headLength = 0;
            long total = 0;
            string sha;
            await using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        return Result<KnowledgeTask>.Invalid("File", "Knowledge.File.TooLarge", maxBytes / 1024 / 1024);
                    }

                    if (headLength < HeadBytes)
                    {
                        var take = Math.Min(read, HeadBytes - headLength);
                        Array.Copy(buffer, 0, head, headLength, take);
                        headLength += take;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var kind = KnowledgeFileKinds.Detect(name, head.AsSpan(0, headLength));
            if (!kind.Succeeded)
            {
                return Result<KnowledgeTask>.Invalid(kind.Errors);
            }

            var existing = await db.RunAsync((ctx, _) => ctx.KnowledgeTasks.AsNoTracking()
                .Where(t => t.StarId == starId && t.ContentSha256 == sha).Select(t => t.SourceName).FirstOrDefaultAsync(ct), ct);
            if (existing is not null)
            {
                return Result<KnowledgeTask>.Invalid("File", "Knowledge.Duplicate", existing);
            }

            var key = $"stars/{starId:N}/{sha}";
            await using (var file = new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
            {
                await objects.PutAsync(Buckets.KnowledgeRaw, key, file, ContentTypeOf(kind.Value), ct);
            }

            var now = clock.GetUtcNow();
            var task = new KnowledgeTask
            {
                Id = Guid.CreateVersion7(),
                StarId = starId,
                SourceType = sourceType,
                Status = KnowledgeTaskStatus.Pending,
                PayloadUri = key,
                EmbeddingIndex = KnowledgeTask.EmbeddingIndexFor(starId),
                SourceName = name,
                ContentType = ContentTypeOf(kind.Value),
                ContentSha256 = sha,
                SizeBytes = total,
                WebhookSourceId = webhookSourceId,
                CreatedAt = now,
                UpdatedAt = now,
                EnqueuedAt = now,
            };
            try
            {
                await db.RunAsync(async (ctx, _) =>
                {
                    ctx.KnowledgeTasks.Add(task);
                    await ctx.SaveChangesAsync(ct);
                }, ct);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // The same content arrived twice at once; the other upload owns the raw object.
                return Result<KnowledgeTask>.Invalid("File", "Knowledge.Duplicate", name);
            }

            // A process killed here leaves a pending task without a job: KnowledgeTaskRedrive queues it again.
            CrashPoints.Hit(CrashPoints.KnowledgeTaskSaved);
            jobs.Enqueue(task.Id, actingUser);
            if (growth is not null)
            {
                // Counted for whoever added it: the owner, also when a webhook delivered it (it acts as the owner).
                await growth.RecordAsync(GrowthEventKeys.AddKnowledge, CancellationToken.None);
            }

            // Analytics (docs/analytics.md): the upload and its size, queued.
            tracking?.KnowledgeUploaded(task.Id, actingUser, task.StarId, task.SizeBytes, task.SourceType.ToString().ToLowerInvariant(), task.CreatedAt);
            return Result<KnowledgeTask>.Ok(task);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private async Task<Result<KnowledgeTask>> RequeueAsync(Guid taskId, Func<KnowledgeTask, bool> allowed, string refusal, CancellationToken ct)
    {
        Guid actingUser = default;
        var result = await db.RunAsync(async (ctx, user) =>
        {
            var task = await FindTaskAsync(ctx, user, taskId, ct);
            if (task is null)
            {
                return Result<KnowledgeTask>.NotFound();
            }

            if (!allowed(task))
            {
                return Result<KnowledgeTask>.Invalid("Task", refusal);
            }

            task.Status = KnowledgeTaskStatus.Pending;
            task.Error = null;
            task.Phase = null;
            task.Progress = 0;
            task.CancelRequested = false;
            task.CompletedAt = null;
            task.UpdatedAt = clock.GetUtcNow();
            task.EnqueuedAt = clock.GetUtcNow();
            task.LeaseUntil = null;
            task.InterruptedRuns = 0;
            await ctx.SaveChangesAsync(ct);
            actingUser = user.UserId!.Value;
            return Result<KnowledgeTask>.Ok(task);
        }, ct);

        // Only after the commit: a job that started earlier would still see the old status and skip.
        if (result.Succeeded)
        {
            jobs.Enqueue(taskId, actingUser);
        }

        return result;
    }

    private static async Task<KnowledgeTask?> FindTaskAsync(StarStudioDbContext ctx, UserContext user, Guid taskId, CancellationToken ct, bool track = true)
    {
        if (user.UserId is null)
        {
            return null;
        }

        var tasks = track ? ctx.KnowledgeTasks : ctx.KnowledgeTasks.AsNoTracking();
        var task = await tasks.FirstOrDefaultAsync(t => t.Id == taskId, ct);
        return task is not null && await OwnsStarAsync(ctx, user, task.StarId, ct) ? task : null;
    }

    internal static async Task<bool> OwnsStarAsync(StarStudioDbContext ctx, UserContext user, Guid starId, CancellationToken ct) =>
        user.UserId is { } id && await ctx.Stars.AnyAsync(s => s.Id == starId && (s.OwnerId == id || user.IsAdmin), ct);

    internal static string ContentTypeOf(KnowledgeFileKind kind) => kind switch
    {
        KnowledgeFileKind.Pdf => "application/pdf",
        KnowledgeFileKind.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        KnowledgeFileKind.Markdown => "text/markdown; charset=utf-8",
        KnowledgeFileKind.Html => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
}

/// <summary>Error codes a task can end with; the UI localizes them.</summary>
public static class KnowledgeErrors
{
    public const string Cancelled = "Knowledge.Cancelled";
    public const string RawMissing = "Knowledge.Raw.Missing";
    public const string Unexpected = "Knowledge.Failed.Unexpected";
    public const string Embedding = "Knowledge.Embedding.Failed";
}

/// <summary>
/// The settings of <c>system_configs</c> the pipeline reads, with per-star overrides; through the app's cached
/// <see cref="StarStudio.Core.Configs.ISystemConfigs"/> when given (docs/admin-configs.md).
/// </summary>
internal static class KnowledgeSettings
{
    public static async Task<long> MaxUploadBytesAsync(StarStudio.Core.Configs.ISystemConfigs? configs, StarStudioDbContext ctx, CancellationToken ct) =>
        (await SystemConfigReader.SnapshotAsync(configs, ctx, ct)).Int64(KnowledgeConfigKeys.MaxUploadFileSize);

    public static async Task<(int Size, int Overlap)> ChunkingAsync(StarStudio.Core.Configs.ISystemConfigs? configs, StarStudioDbContext ctx, Guid starId, CancellationToken ct)
    {
        var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId).Select(s => new { s.RagChunkSize, s.RagChunkOverlap }).FirstAsync(ct);
        var (size, overlap) = await DefaultsAsync(configs, ctx, ct);
        size = star.RagChunkSize ?? size;
        // An overlap valid for the default size may not be for a smaller per-star size.
        overlap = Math.Min(star.RagChunkOverlap ?? overlap, size / 2 - 1);
        return (size, overlap);
    }

    public static async Task<(int Size, int Overlap)> DefaultsAsync(StarStudio.Core.Configs.ISystemConfigs? configs, StarStudioDbContext ctx, CancellationToken ct)
    {
        var values = await SystemConfigReader.SnapshotAsync(configs, ctx, ct);
        return (values.Int32(KnowledgeConfigKeys.ChunkSize), values.Int32(KnowledgeConfigKeys.ChunkOverlap));
    }
}

/// <summary>The shape of <c>star_embeddings.metadata</c>: where a chunk came from.</summary>
internal sealed record ChunkMetadata(string SourceName, int? Page, IReadOnlyList<string> HeadingPath, int CharStart, int CharEnd, int Tokens, IReadOnlyList<string> Tags)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ChunkMetadata Parse(string json) =>
        JsonSerializer.Deserialize<ChunkMetadata>(json, Json) ?? new ChunkMetadata("", null, [], 0, 0, 0, []);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public Citation ToCitation(Guid taskId, Guid chunkId) => new(taskId, chunkId, SourceName, Page, HeadingPath ?? [], CharStart, CharEnd);
}
