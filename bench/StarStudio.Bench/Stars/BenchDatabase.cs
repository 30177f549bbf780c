using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Stars;

/// <summary>A private, migrated database for one bench run, dropped at the end (as the tests' PostgresDatabase does).</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string server;
    private bool created;

    public BenchDatabase(string serverConnectionString, string appUser, string appPassword)
    {
        server = serverConnectionString;
        OwnerConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name, Username = appUser, Password = appPassword }.ConnectionString;
        JobsConnectionString = new NpgsqlConnectionStringBuilder(server)
        {
            Database = Name,
            Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_JOBS_USER") ?? "starstudio_jobs",
            Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_JOBS_PASSWORD") ?? "starstudio_jobs",
        }.ConnectionString;
    }

    public string Name { get; } = "starstudio_bench_" + Guid.NewGuid().ToString("N")[..12];
    public string OwnerConnectionString { get; }
    public string AppConnectionString { get; }

    /// <summary>Hangfire's role (the app requires one; the app's migrator grants it the hangfire schema).</summary>
    public string JobsConnectionString { get; }

    /// <summary>Leave the database in place at the end (for looking at plans by hand); drop it yourself.</summary>
    public bool Keep { get; init; }

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

    /// <summary>A context over the table-owning role (RLS does not apply), for arranging data only.</summary>
    public StarStudioDbContext OwnerContext() => StarStudioContextFactory.Create(OwnerConnectionString);

    /// <summary>Inserts users as the owner role, like the tests' PostgresDatabase.CreateUserAsync.</summary>
    public async Task<List<Guid>> CreateUsersAsync(IReadOnlyList<string> emails, string[] roles, CancellationToken ct)
    {
        await using var db = OwnerContext();
        var ids = new List<Guid>();
        foreach (var email in emails)
        {
            ids.Add(await TestUsers.AddAsync(db, email, roles, ct: ct));
        }

        await db.SaveChangesAsync(ct);
        return ids;
    }

    /// <summary>What creating a first star does for a registered player (StarService.GrantStarOwnerAsync): the star_owner role.</summary>
    public async Task GrantStarOwnerAsync(Guid userId, CancellationToken ct)
    {
        await using var db = OwnerContext();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO user_roles (user_id, role_id)
            SELECT {userId}, r.id FROM roles r WHERE r.name = {RoleNames.StarOwner}
            ON CONFLICT DO NOTHING
            """, ct);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE users SET role = 'star_owner'::user_role WHERE id = {userId} AND role IS NULL", ct);
    }

    public async Task<Guid> UserIdAsync(string email, CancellationToken ct)
    {
        await using var db = OwnerContext();
        return await db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.Id).SingleAsync(ct);
    }

    /// <summary>Bulk-inserts stars as the owner role with binary COPY.</summary>
    public async Task CopyStarsAsync(IEnumerable<Star> stars, CancellationToken ct)
    {
        var builder = new NpgsqlDataSourceBuilder(OwnerConnectionString);
        builder.MapEnum<StarStatus>("star_status");
        await using var source = builder.Build();
        await using var conn = await source.OpenConnectionAsync(ct);
        // The test cluster may run with synchronous_commit = off (STARSTUDIO_PG_FAST=1). Then the COPY's commit is not
        // yet flushed when VACUUM runs a moment later, VACUUM cannot set hint bits, and no page becomes all-visible:
        // every count would read the heap. A synchronous commit here gives the state a production server has.
        await using (var sync = new NpgsqlCommand("SET synchronous_commit = on", conn))
        {
            await sync.ExecuteNonQueryAsync(ct);
        }

        await using var writer = await conn.BeginBinaryImportAsync(
            "COPY stars (id, owner_id, name, domain, persona, tone, status, tags, avatar_key, created_at, updated_at) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in stars)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(s.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.OwnerId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.Name, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(s.Domain, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(s.Persona, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(s.Tone, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(s.Status, "star_status", ct);
            await writer.WriteAsync(s.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            if (s.AvatarKey is null)
            {
                await writer.WriteNullAsync(ct);
            }
            else
            {
                await writer.WriteAsync(s.AvatarKey, NpgsqlDbType.Text, ct);
            }

            await writer.WriteAsync(s.CreatedAt, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(s.UpdatedAt, NpgsqlDbType.TimestampTz, ct);
        }

        await writer.CompleteAsync(ct);
    }

    /// <summary>
    /// VACUUM (ANALYZE): fresh statistics, and a visibility map as autovacuum would leave it shortly after a bulk
    /// insert (measuring before that would time a state the app is in for a minute at most, and autovacuum
    /// could start in the middle of the measurement).
    /// </summary>
    public async Task VacuumAnalyzeAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(OwnerConnectionString);
        await conn.OpenAsync(ct);
        // One statement per command: VACUUM cannot run inside the implicit transaction of a batch.
        foreach (var sql in new[] { "VACUUM (ANALYZE) stars", "ANALYZE users", "ANALYZE user_roles", "ANALYZE roles" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(OwnerConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!created)
        {
            return;
        }

        if (Keep)
        {
            Console.WriteLine($"Kept database {Name}: DROP DATABASE {Name} WITH (FORCE) when done.");
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
        Console.WriteLine($"Dropped database {Name}.");
    }
}
