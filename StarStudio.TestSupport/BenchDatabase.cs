using Npgsql;
using StarStudio.Data.Infrastructure;

namespace StarStudio.TestSupport;

/// <summary>
/// A throw-away database for a benchmark: created and migrated on the server of <c>STARSTUDIO_TEST_PG</c>
/// (<c>scripts/postgres.sh env</c>), with the app and maintenance roles' connection strings; dropped on dispose.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string server;

    private BenchDatabase(string server, string name)
    {
        this.server = server;
        Name = name;
        OwnerConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        AppConnectionString = As(server, name, "STARSTUDIO_TEST_PG_APP", "starstudio_app");
        // Tables that force RLS on their owner too are arranged through the tests' maintenance role (BYPASSRLS).
        MaintConnectionString = As(server, name, "STARSTUDIO_TEST_PG_MAINT", "starstudio_maint");
    }

    public string Name { get; }
    public string OwnerConnectionString { get; }
    public string AppConnectionString { get; }
    public string MaintConnectionString { get; }

    /// <summary>Creates <c>starstudio_bench_{purpose}_…</c> and migrates it as the app does at start.</summary>
    public static async Task<BenchDatabase> CreateMigratedAsync(string purpose)
    {
        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        var database = new BenchDatabase(server, $"starstudio_bench_{purpose}_" + Guid.NewGuid().ToString("N")[..10]);
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database.Name}", conn).ExecuteNonQueryAsync();
        }

        try
        {
            await database.MigrateAsync();
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A database an earlier run kept (<c>starstudio_bench_{purpose}_…</c>), for re-running a benchmark's measurements
    /// without generating its data again. Disposing it drops it like any other.
    /// </summary>
    public static BenchDatabase Existing(string purpose, string name)
    {
        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        return System.Text.RegularExpressions.Regex.IsMatch(name, $"^starstudio_bench_{purpose}_[0-9a-f]{{10}}$")
            ? new BenchDatabase(server, name)
            : throw new ArgumentException($"{name} is not a starstudio_bench_{purpose}_… database", nameof(name));
    }

    /// <summary><see cref="Existing"/>, brought up to this build's migrations (a kept database measured after a schema change).</summary>
    public static async Task<BenchDatabase> ExistingMigratedAsync(string purpose, string name)
    {
        var database = Existing(purpose, name);
        await database.MigrateAsync();
        return database;
    }

    private Task MigrateAsync() =>
        DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Pooling = false }.ConnectionString, AppConnectionString, null);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
    }

    private static string As(string server, string name, string prefix, string fallback) => new NpgsqlConnectionStringBuilder(server)
    {
        Database = name,
        Username = Environment.GetEnvironmentVariable(prefix + "_USER") ?? fallback,
        Password = Environment.GetEnvironmentVariable(prefix + "_PASSWORD") ?? fallback,
    }.ConnectionString;
}
