using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Knowledge.Semantic;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Knowledge.Semantic;

/// <summary>
/// Gives the chunks of completed knowledge tasks their semantic vectors, after the task (its completion and the
/// ingestion rate are untouched). The work list is the database itself: chunks without a <c>star_semantic_embeddings</c>
/// row. Each batch is written in its own short transaction with <c>ON CONFLICT DO NOTHING</c>, so a crash or restart
/// continues where it stopped and a duplicate run writes nothing twice. Chunks that are not English get a row without a
/// vector, so they leave the work list and the search never sees them.
/// </summary>
public sealed class SemanticIndexer(
    IDbContextFactory<StarStudioDbContext> factory, SemanticModel model, IOptions<SemanticOptions> options, ILogger<SemanticIndexer> log)
{
    /// <summary>Tasks taken per look at the work list.</summary>
    public const int TasksPerPass = 20;

    // Rows read per round trip of one task; English ones are then embedded BatchSize at a time.
    private const int ReadSize = 256;

    // How long after the last question the indexer waits before its next batch.
    private static readonly TimeSpan QuestionsFirst = TimeSpan.FromMilliseconds(300);

    private readonly SemanticOptions settings = options.Value;

    /// <summary>Indexes what is pending in up to <see cref="TasksPerPass"/> tasks.</summary>
    /// <returns>The chunks looked at (embedded or marked not English); 0 when there was nothing to do.</returns>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        if (!settings.Enabled)
        {
            return 0;
        }

        List<WorkRow> work;
        await using (var ctx = await factory.CreateDbContextAsync(ct))
        {
            work = await ctx.Database
                .SqlQuery<WorkRow>($"SELECT task_id, owner_id FROM semantic_index_work({TasksPerPass})")
                .ToListAsync(ct);
        }

        var done = 0;
        foreach (var row in work)
        {
            done += await IndexTaskAsync(row.TaskId, row.OwnerId, ct);
        }

        return done;
    }

    /// <summary>Indexes the pending chunks of one task, acting as the star's owner (row-level security applies).</summary>
    public async Task<int> IndexTaskAsync(Guid taskId, Guid ownerId, CancellationToken ct = default)
    {
        var db = new StarStudioDb(factory, new FixedCurrentUser(UserContext.For(ownerId)));
        var done = 0;
        while (true)
        {
            var pending = await db.RunAsync((ctx, _) => ReadPendingAsync(ctx, taskId, ct), ct);
            if (pending.Count == 0)
            {
                return done;
            }

            // Not English first, in one write: cheap, and it makes the visible total the English chunks at once.
            var other = pending.Where(p => !IsEnglish(p.Content)).ToList();
            if (other.Count > 0)
            {
                done += await WriteAsync(db, other, null, ct);
            }

            foreach (var batch in pending.Where(p => IsEnglish(p.Content)).Chunk(Math.Max(1, settings.BatchSize)))
            {
                await model.WaitForQuietAsync(QuestionsFirst, ct);
                var vectors = model.Embedder.Embed(batch.Select(b => b.Content).ToList(), ct);
                var written = await WriteAsync(db, batch, vectors, ct);
                if (written == 0)
                {
                    // The task was re-ingested or deleted meanwhile: its next run's chunks come through the work list.
                    log.LogInformation("Semantic indexing of task {TaskId}: a batch wrote nothing (re-ingested, deleted, or written by another run); the work list has the rest", taskId);
                    return done;
                }

                done += written;
            }
        }
    }

    /// <summary>Whether a chunk gets a semantic vector: the model reads English only.</summary>
    public static bool IsEnglish(string content) => TextLanguage.Detect(content) == TextLanguage.English;

    private static async Task<List<Pending>> ReadPendingAsync(StarStudioDbContext ctx, Guid taskId, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)ctx.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)ctx.Database.CurrentTransaction?.GetDbTransaction();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT e.id, e.star_id, e.task_id, e.content
            FROM star_embeddings e
            WHERE e.task_id = @task AND NOT EXISTS (SELECT 1 FROM star_semantic_embeddings s WHERE s.embedding_id = e.id)
            ORDER BY e.seq
            LIMIT @n
            """, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Uuid) { Value = taskId });
        cmd.Parameters.Add(new NpgsqlParameter("n", NpgsqlDbType.Integer) { Value = ReadSize });
        var rows = new List<Pending>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Pending(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3)));
        }

        return rows;
    }

    private static async Task<int> WriteAsync(StarStudioDb db, IReadOnlyList<Pending> rows, float[][]? vectors, CancellationToken ct)
    {
        try
        {
            return await db.RunAsync(async (ctx, _) =>
            {
                var connection = (NpgsqlConnection)ctx.Database.GetDbConnection();
                var transaction = (NpgsqlTransaction?)ctx.Database.CurrentTransaction?.GetDbTransaction();
                // The chunk must still exist (a re-ingestion deletes and re-creates a task's chunks): rows whose chunk is
                // gone are left out instead of failing the foreign key.
                await using var cmd = new NpgsqlCommand(
                    """
                    INSERT INTO star_semantic_embeddings (embedding_id, star_id, task_id, embedding)
                    SELECT r.id, r.star, r.task, r.v::vector
                    FROM unnest(@ids, @stars, @tasks, @vectors) AS r(id, star, task, v)
                    WHERE EXISTS (SELECT 1 FROM star_embeddings e WHERE e.id = r.id)
                    ON CONFLICT (embedding_id) DO NOTHING
                    """, connection, transaction);
                cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = rows.Select(r => r.Id).ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter("stars", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = rows.Select(r => r.StarId).ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter("tasks", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = rows.Select(r => r.TaskId).ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter("vectors", NpgsqlDbType.Array | NpgsqlDbType.Text)
                {
                    Value = rows.Select((_, i) => vectors is null ? null : "[" + string.Join(',', vectors[i].Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]").ToArray(),
                });
                return await cmd.ExecuteNonQueryAsync(ct);
            }, ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ForeignKeyViolation)
        {
            return 0; // the chunk was deleted between the check and the insert
        }
    }

    private sealed record WorkRow(Guid TaskId, Guid OwnerId);

    private sealed record Pending(Guid Id, Guid StarId, Guid TaskId, string Content);
}

/// <summary>Runs <see cref="SemanticIndexer"/> in the background: right away while there is work, then every <see cref="SemanticOptions.IdleDelay"/>.</summary>
public sealed class SemanticIndexerService(SemanticIndexer indexer, SemanticModel model, IOptions<SemanticOptions> options, ILogger<SemanticIndexerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Off the host's start path. The model loads now, so the first question does not wait for it (it would not: the
        // semantic list is skipped until the model is loaded).
        await Task.Yield();
        try
        {
            await model.LoadAsync();
        }
        catch (Exception e)
        {
            log.LogError(e, "The semantic model failed to load; semantic search and indexing stay off");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var done = 0;
            try
            {
                done = await indexer.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Semantic indexing pass failed; retrying after the idle delay");
            }

            if (done == 0)
            {
                try
                {
                    await Task.Delay(options.Value.IdleDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>The semantic indexer's progress for a star, counted as the current user.</summary>
public sealed class SemanticIndexStatus(StarStudioDb db, IOptions<SemanticOptions> options) : ISemanticIndexStatus
{
    public async Task<SemanticIndexProgress> GetAsync(Guid starId, CancellationToken ct = default)
    {
        if (!options.Value.Enabled)
        {
            return SemanticIndexProgress.Off;
        }

        return await db.RunAsync(async (ctx, _) =>
        {
            var counts = await ctx.Database.SqlQuery<Counts>($"""
                SELECT
                    (SELECT count(*)::int FROM star_semantic_embeddings s WHERE s.star_id = {starId} AND s.embedding IS NOT NULL) AS indexed,
                    (SELECT count(*)::int FROM star_embeddings e
                     JOIN knowledge_tasks t ON t.id = e.task_id AND t.status = 'completed'
                     WHERE e.star_id = {starId}
                       AND NOT EXISTS (SELECT 1 FROM star_semantic_embeddings s WHERE s.embedding_id = e.id)) AS pending
                """).SingleAsync(ct);
            return new SemanticIndexProgress(true, counts.Indexed, counts.Pending);
        }, ct);
    }

    private sealed record Counts(int Indexed, int Pending);
}
