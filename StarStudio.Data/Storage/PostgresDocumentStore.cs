using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Storage;

// The PostgreSQL adapter of the document store. Every call goes through StarStudioDb, so row-level
// security decides what the acting user sees: another user's documents are simply absent, and writing
// into another user's star or conversation fails in the database.

/// <summary>How the document bodies are written: the seed 000 §2 field names (camelCase), one options instance for all.</summary>
internal static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Training metrics may be NaN or infinite (a diverging loss); JSON has no literal for them.
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options);

    public static T Deserialize<T>(string body) =>
        JsonSerializer.Deserialize<T>(body, Options) ?? throw new JsonException($"A stored {typeof(T).Name} body is null.");
}

/// <summary><c>conversation_messages</c> as a jsonb table.</summary>
public sealed class PostgresConversationMessageStore(StarStudioDb db) : IConversationMessageStore
{
    public Task AppendAsync(ConversationMessageDocument message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        // timestamptz takes UTC only; the body keeps the same instant so that both agree.
        var doc = message with { CreatedAt = message.CreatedAt.ToUniversalTime() };
        return db.RunAsync(async (ctx, _) =>
        {
            ctx.ConversationMessages.Add(new ConversationMessageRow
            {
                Id = doc.Id,
                ConversationId = doc.ConversationId,
                CreatedAt = doc.CreatedAt,
                Body = DocumentJson.Serialize(doc),
            });
            await ctx.SaveChangesAsync(ct);
        }, ct);
    }

    public Task<IReadOnlyList<ConversationMessageDocument>> ListAsync(Guid conversationId, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<ConversationMessageDocument>>(async (ctx, _) =>
        {
            var bodies = await ctx.ConversationMessages
                .Where(r => r.ConversationId == conversationId)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
                .Select(r => r.Body)
                .ToListAsync(ct);
            return bodies.ConvertAll(DocumentJson.Deserialize<ConversationMessageDocument>);
        }, ct);

    public Task<IReadOnlyList<ConversationMessageDocument>> ListManyAsync(IReadOnlyCollection<Guid> conversationIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        if (conversationIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<ConversationMessageDocument>>([]);
        }

        var ids = conversationIds.Distinct().ToArray();
        return db.RunAsync<IReadOnlyList<ConversationMessageDocument>>(async (ctx, _) =>
        {
            // One statement with an array parameter (= ANY(@ids)), not a query per conversation.
            var bodies = await ctx.ConversationMessages
                .Where(r => ids.Contains(r.ConversationId))
                .OrderBy(r => r.ConversationId).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id)
                .Select(r => r.Body)
                .ToListAsync(ct);
            return bodies.ConvertAll(DocumentJson.Deserialize<ConversationMessageDocument>);
        }, ct);
    }

    public Task<long> DeleteByConversationAsync(Guid conversationId, CancellationToken ct = default) =>
        db.RunAsync<long>(async (ctx, _) =>
            await ctx.ConversationMessages.Where(r => r.ConversationId == conversationId).ExecuteDeleteAsync(ct), ct);

    public Task UpsertAsync(ConversationMessageDocument message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var doc = message with { CreatedAt = message.CreatedAt.ToUniversalTime() };
        var body = DocumentJson.Serialize(doc);
        return db.RunAsync(async (ctx, _) =>
        {
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO conversation_messages (id, conversation_id, created_at, body)
                VALUES ({doc.Id}, {doc.ConversationId}, {doc.CreatedAt}, {body}::jsonb)
                ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body
                """, ct);
        }, ct);
    }

    public Task DeleteAsync(Guid messageId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, _) =>
        {
            await ctx.ConversationMessages.Where(r => r.Id == messageId).ExecuteDeleteAsync(ct);
        }, ct);
}

/// <summary><c>knowledge_chunks</c> as a jsonb table.</summary>
public sealed class PostgresKnowledgeChunkStore(StarStudioDb db) : IKnowledgeChunkStore
{
    /// <summary>Rows per INSERT statement: large enough that an ingestion batch is one round trip, small enough to bound one statement.</summary>
    internal const int RowsPerStatement = 10_000;

    public Task UpsertManyAsync(IReadOnlyList<KnowledgeChunkDocument> chunks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return Task.CompletedTask;
        }

        // ON CONFLICT cannot touch one row twice in a statement; the last version of an id in the batch wins.
        var latest = new Dictionary<Guid, KnowledgeChunkDocument>(chunks.Count);
        foreach (var chunk in chunks)
        {
            ArgumentNullException.ThrowIfNull(chunk);
            latest[chunk.Id] = chunk;
        }

        return db.RunAsync(async (ctx, _) =>
        {
            foreach (var slice in latest.Values.Chunk(RowsPerStatement))
            {
                var ids = new Guid[slice.Length];
                var taskIds = new Guid[slice.Length];
                var starIds = new Guid[slice.Length];
                var seqs = new int[slice.Length];
                var bodies = new string[slice.Length];
                for (var i = 0; i < slice.Length; i++)
                {
                    ids[i] = slice[i].Id;
                    taskIds[i] = slice[i].TaskId;
                    starIds[i] = slice[i].StarId;
                    seqs[i] = slice[i].Seq;
                    bodies[i] = DocumentJson.Serialize(slice[i]);
                }

                // One statement per slice: arrays in, unnest to rows. A retried batch updates in place, and an
                // unchanged row is not rewritten. Row-level security checks every inserted and updated row.
                await ctx.Database.ExecuteSqlAsync($"""
                    INSERT INTO knowledge_chunks (id, task_id, star_id, seq, body)
                    SELECT * FROM unnest({ids}::uuid[], {taskIds}::uuid[], {starIds}::uuid[], {seqs}::integer[], {bodies}::jsonb[])
                    ON CONFLICT (id) DO UPDATE
                        SET task_id = excluded.task_id, star_id = excluded.star_id, seq = excluded.seq, body = excluded.body
                        WHERE (knowledge_chunks.task_id, knowledge_chunks.star_id, knowledge_chunks.seq, knowledge_chunks.body)
                              IS DISTINCT FROM (excluded.task_id, excluded.star_id, excluded.seq, excluded.body)
                    """, ct);
            }
        }, ct);
    }

    public Task<Page<KnowledgeChunkDocument>> ListAsync(Guid starId, Guid? taskId, int skip, int take, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        return db.RunAsync(async (ctx, _) =>
        {
            var rows = ctx.KnowledgeChunks.Where(r => r.StarId == starId);
            if (taskId is { } t)
            {
                rows = rows.Where(r => r.TaskId == t);
            }

            var total = await rows.CountAsync(ct);
            if (take == 0 || skip >= total)
            {
                return new Page<KnowledgeChunkDocument>([], total);
            }

            var bodies = await rows
                .OrderBy(r => r.TaskId).ThenBy(r => r.Seq).ThenBy(r => r.Id)
                .Skip(skip).Take(take)
                .Select(r => r.Body)
                .ToListAsync(ct);
            return new Page<KnowledgeChunkDocument>(bodies.ConvertAll(DocumentJson.Deserialize<KnowledgeChunkDocument>), total);
        }, ct);
    }

    public Task<IReadOnlyList<KnowledgeChunkDocument>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<KnowledgeChunkDocument>>([]);
        }

        var wanted = ids.Distinct().ToArray();
        return db.RunAsync<IReadOnlyList<KnowledgeChunkDocument>>(async (ctx, _) =>
        {
            var bodies = await ctx.KnowledgeChunks
                .Where(r => wanted.Contains(r.Id))
                .OrderBy(r => r.TaskId).ThenBy(r => r.Seq).ThenBy(r => r.Id)
                .Select(r => r.Body)
                .ToListAsync(ct);
            return bodies.ConvertAll(DocumentJson.Deserialize<KnowledgeChunkDocument>);
        }, ct);
    }

    public Task<long> DeleteByTaskAsync(Guid taskId, CancellationToken ct = default) =>
        db.RunAsync<long>(async (ctx, _) =>
            await ctx.KnowledgeChunks.Where(r => r.TaskId == taskId).ExecuteDeleteAsync(ct), ct);
}

/// <summary><c>training_logs</c> as a jsonb table.</summary>
public sealed class PostgresTrainingLogStore(StarStudioDb db) : ITrainingLogStore
{
    public Task AppendAsync(TrainingLogDocument log, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var doc = log with { CreatedAt = log.CreatedAt.ToUniversalTime() };
        return db.RunAsync(async (ctx, _) =>
        {
            ctx.TrainingLogs.Add(new TrainingLogRow
            {
                Id = doc.Id,
                JobId = doc.JobId,
                StarId = doc.StarId,
                CreatedAt = doc.CreatedAt,
                Body = DocumentJson.Serialize(doc),
            });
            await ctx.SaveChangesAsync(ct);
        }, ct);
    }

    public Task<IReadOnlyList<TrainingLogDocument>> ListAsync(Guid jobId, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<TrainingLogDocument>>(async (ctx, _) =>
        {
            var bodies = await ctx.TrainingLogs
                .Where(r => r.JobId == jobId)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
                .Select(r => r.Body)
                .ToListAsync(ct);
            return bodies.ConvertAll(DocumentJson.Deserialize<TrainingLogDocument>);
        }, ct);
}

/// <summary>Whether PostgreSQL answers, for <c>/healthz</c>.</summary>
public sealed class PostgresDocumentStoreHealth(StarStudioDb db) : IDocumentStoreHealth
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        try
        {
            // Touches a document table, so a missing migration shows as unhealthy too.
            return await db.RunAsync(async (ctx, _) =>
            {
                await ctx.TrainingLogs.AnyAsync(cts.Token);
                return true;
            }, cts.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
