using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Retrieval;

/// <summary>A private database for one bench run, migrated like the app's, dropped at the end.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string server;
    private NpgsqlDataSource? ownerSource;

    public BenchDatabase(string serverConnectionString, string appUser, string appPassword, string? existing = null)
    {
        server = serverConnectionString;
        Name = existing ?? "starstudio_bench_retrieval_" + Guid.NewGuid().ToString("N")[..10];
        created = existing is not null;
        OwnerConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(server)
        {
            Database = Name,
            Username = appUser,
            Password = appPassword,
            // One connection per concurrent query is plenty; the bench runs queries one at a time.
            MaxPoolSize = 4,
        }.ConnectionString;
    }

    public string Name { get; }
    public string OwnerConnectionString { get; }
    public string AppConnectionString { get; }
    public bool Keep { get; init; }
    private bool created;

    public async Task CreateAndMigrateAsync(CancellationToken ct)
    {
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {Name}", conn);
            await cmd.ExecuteNonQueryAsync(ct);
            created = true;
        }

        var owner = new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Pooling = false }.ConnectionString;
        await DatabaseMigrator.MigrateAsync(owner, AppConnectionString, logger: null, ct);
    }

    /// <summary>Owner connections (RLS does not apply) that know the <c>vector</c> type, for loading and DDL.</summary>
    public NpgsqlDataSource Owner
    {
        get
        {
            if (ownerSource is null)
            {
                var builder = new NpgsqlDataSourceBuilder(OwnerConnectionString);
                builder.UseVector();
                ownerSource = builder.Build();
            }

            return ownerSource;
        }
    }

    public StarStudioDbContext OwnerContext() => StarStudioContextFactory.Create(OwnerConnectionString);

    /// <summary>The app's data gateway acting as <paramref name="userId"/> (the app role; RLS applies).</summary>
    public StarStudioDb As(Guid userId) => new(new StarStudioContextFactory(AppConnection), new FixedCurrentUser(UserContext.For(userId)));

    // As the app builds it (statements auto-prepared), unless RETRIEVAL_PLAIN_CONNECTION=1 asks for the plain string.
    private string AppConnection => Environment.GetEnvironmentVariable("RETRIEVAL_PLAIN_CONNECTION") == "1"
        ? AppConnectionString
        : StarStudio.Data.Infrastructure.DatabaseOptions.WithAutoPrepare(AppConnectionString);

    public async Task ExecuteAsync(string sql, CancellationToken ct, int timeoutSeconds = 0)
    {
        await using var conn = await Owner.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = timeoutSeconds };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs each statement on its own, on one session (VACUUM cannot share a batch).</summary>
    public async Task ExecuteEachAsync(CancellationToken ct, params string[] statements)
    {
        await using var conn = await Owner.OpenConnectionAsync(ct);
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var conn = await Owner.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One user per star, the stars, and their tasks (as the owner role).</summary>
    public async Task ArrangeStarsAsync(IReadOnlyList<BenchStar> stars, CancellationToken ct)
    {
        await using var db = OwnerContext();
        var now = DateTimeOffset.UtcNow;
        foreach (var s in stars)
        {
            var email = $"bench-{s.Index}@example.test";
            await TestUsers.AddAsync(db, email, [], s.OwnerId, ct);
            db.Stars.Add(new Star
            {
                Id = s.Id,
                OwnerId = s.OwnerId,
                Name = s.Name,
                Domain = "bench",
                Persona = "bench",
                Tone = "",
                CreatedAt = now,
                UpdatedAt = now,
            });
            foreach (var task in s.Tasks)
            {
                db.KnowledgeTasks.Add(new KnowledgeTask
                {
                    Id = task.Id,
                    StarId = s.Id,
                    SourceType = KnowledgeSourceType.Upload,
                    Status = KnowledgeTaskStatus.Completed,
                    SourceName = task.SourceName,
                    EmbeddingModel = BenchRun.ModelName,
                    EmbeddingIndex = KnowledgeTask.EmbeddingIndexFor(s.Id),
                    ChunkCount = task.Chunks,
                    CreatedAt = now,
                    CompletedAt = now,
                });
            }
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Binary COPY of embedded chunks into <c>star_embeddings</c> (search_vector is generated by the server).</summary>
    public async Task CopyChunksAsync(IAsyncEnumerable<BenchChunk[]> batches, IProgress<int> progress, CancellationToken ct)
    {
        await using var conn = await Owner.OpenConnectionAsync(ct);
        await using var writer = await conn.BeginBinaryImportAsync(
            "COPY star_embeddings (id, star_id, chunk_id, task_id, seq, embedding, dimensions, embedding_model, content, search_text, metadata) FROM STDIN (FORMAT BINARY)", ct);
        var n = 0;
        await foreach (var batch in batches.WithCancellation(ct))
        {
            foreach (var c in batch)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(c.StarId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(c.TaskId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(c.Seq, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(new Vector(c.Embedding), "vector", ct);
                await writer.WriteAsync((short)c.Embedding.Length, NpgsqlDbType.Smallint, ct);
                await writer.WriteAsync(BenchRun.ModelName, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(c.Content, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(c.SearchText, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(c.Metadata, NpgsqlDbType.Jsonb, ct);
            }

            n += batch.Length;
            progress.Report(n);
        }

        await writer.CompleteAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (ownerSource is not null)
        {
            await ownerSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        if (!created || Keep)
        {
            if (Keep)
            {
                Console.WriteLine($"Kept database {Name}; drop it with: DROP DATABASE {Name} WITH (FORCE);");
            }

            return;
        }

        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
        Console.WriteLine($"Dropped database {Name}.");
    }
}

internal sealed record BenchTask(Guid Id, string SourceName, int Chunks);

internal sealed record BenchStar(int Index, Guid Id, Guid OwnerId, string Name, int Chunks, int[] Topics, BenchTask[] Tasks);

internal sealed record BenchChunk(Guid StarId, Guid TaskId, int Seq, float[] Embedding, string Content, string SearchText, string Metadata);
