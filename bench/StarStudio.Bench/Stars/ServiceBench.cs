using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;

namespace StarStudio.Bench.Stars;

/// <summary>ListMineAsync through the real service, as the owner over the application's role (RLS applies).</summary>
internal sealed class ServiceBench(BenchDatabase database, Guid ownerId, string objectRoot)
{
    private readonly CommandCapture capture = new();

    public static IReadOnlyList<(string Name, StarListQuery Query)> Cases(int ownerStars, int pageSize = 20) =>
    [
        ("first page (UpdatedDesc)", new StarListQuery(0, pageSize)),
        ("page 250 (OFFSET 5000)", new StarListQuery(250, pageSize)),
        ($"last page ({(ownerStars - 1) / pageSize})", new StarListQuery((ownerStars - 1) / pageSize, pageSize)),
        ("NameAsc, first page", new StarListQuery(0, pageSize, Sort: StarSort.NameAsc)),
        ("NameAsc, page 250", new StarListQuery(250, pageSize, Sort: StarSort.NameAsc)),
        ("CreatedDesc, page 250", new StarListQuery(250, pageSize, Sort: StarSort.CreatedDesc)),
        ($"search \"{StarData.RareDomain}\"", new StarListQuery(0, pageSize, Search: StarData.RareDomain)),
        ("status = Paused", new StarListQuery(0, pageSize, Status: StarStatus.Paused)),
        // The fixed seed gives the owner 1,530 paused stars: page 76 is the last.
        ("status = Paused, page 76", new StarListQuery(76, pageSize, Status: StarStatus.Paused)),
    ];

    public async Task<List<(Timings Timings, int Rows, int Total)>> RunAsync(int ownerStars, int warmup, int iterations, CancellationToken ct)
    {
        var stars = CreateService();
        var results = new List<(Timings, int, int)>();
        foreach (var (name, query) in Cases(ownerStars))
        {
            Page<StarSummary> page = new([], 0);
            for (var i = 0; i < warmup; i++)
            {
                page = await stars.ListMineAsync(query, ct);
            }

            var timings = new Timings(name);
            for (var i = 0; i < iterations; i++)
            {
                var watch = Stopwatch.StartNew();
                page = await stars.ListMineAsync(query, ct);
                watch.Stop();
                timings.Add(watch.Elapsed);
            }

            results.Add((timings, page.Items.Count, page.TotalCount));
        }

        return results;
    }

    /// <summary>The SQL statements (with parameters) that one call issues, as EF sent them.</summary>
    public async Task<List<CapturedCommand>> CaptureAsync(StarListQuery query, CancellationToken ct)
    {
        var stars = CreateService();
        capture.Start();
        await stars.ListMineAsync(query, ct);
        return capture.Stop();
    }

    /// <summary>Runs EXPLAIN (ANALYZE, BUFFERS) of a captured statement as the app role, with the owner's RLS setting, and rolls back.</summary>
    public async Task<List<string>> ExplainAsync(CapturedCommand command, CancellationToken ct)
    {
        // The enum mapping EF gives its own connections, so a captured status parameter can be sent as it is.
        var source = new NpgsqlDataSourceBuilder(database.AppConnectionString);
        source.MapEnum<StarStatus>("star_status");
        await using var dataSource = source.Build();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var set = new NpgsqlCommand("SELECT set_config('app.user_id', @id, true)", conn, tx))
        {
            set.Parameters.AddWithValue("id", ownerId.ToString());
            await set.ExecuteScalarAsync(ct);
        }

        var lines = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + command.Sql, conn, tx))
        {
            foreach (var p in command.Parameters)
            {
                explain.Parameters.Add(p.Clone());
            }

            await using var reader = await explain.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lines.Add(reader.GetString(0));
            }
        }

        await tx.RollbackAsync(ct);
        return lines;
    }

    private IStarService CreateService()
    {
        // As the app registers it (AddDbContextFactory over the app's connection string), plus the capturing interceptor.
        var builder = new DbContextOptionsBuilder<StarStudioDbContext>();
        StarStudioDbContext.Configure(builder, database.AppConnectionString);
        builder.AddInterceptors(capture);
        var factory = new ContextFactory(builder.Options);
        var db = new StarStudioDb(factory, new FixedCurrentUser(UserContext.For(ownerId, RoleNames.StarOwner)));
        return new StarServiceFactory(new LocalObjectStore(objectRoot), TimeProvider.System).Create(db);
    }

    private sealed class ContextFactory(DbContextOptions<StarStudioDbContext> options) : IDbContextFactory<StarStudioDbContext>
    {
        public StarStudioDbContext CreateDbContext() => new(options);
    }
}

internal sealed record CapturedCommand(string Sql, IReadOnlyList<NpgsqlParameter> Parameters);

/// <summary>Records the queries EF sends while started; does nothing otherwise.</summary>
internal sealed class CommandCapture : DbCommandInterceptor
{
    private List<CapturedCommand>? commands;

    public void Start() => commands = [];

    public List<CapturedCommand> Stop()
    {
        var result = commands ?? [];
        commands = null;
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command)
    {
        if (commands is null || command is not NpgsqlCommand npgsql)
        {
            return;
        }

        commands.Add(new CapturedCommand(npgsql.CommandText, npgsql.Parameters.Select(p => p.Clone()).ToList()));
    }
}
