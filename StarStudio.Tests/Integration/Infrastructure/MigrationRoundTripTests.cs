using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using StarStudio.Data;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Infrastructure;

/// <summary>
/// Every migration's <c>Down</c> runs: an empty database is migrated up, all the way down to nothing, and up again, and
/// its schema must come back as it was. A rollback is what an operator reaches for when a deployment goes wrong, and a
/// <c>Down</c> nobody ran is a guess (this test found five that failed and one that left Up unable to run again).
/// </summary>
public sealed class MigrationRoundTripTests : IAsyncLifetime
{
    private readonly string name = "starstudio_rt_" + Guid.NewGuid().ToString("N")[..12];
    private string owner = "";

    public async Task InitializeAsync()
    {
        await using var conn = new NpgsqlConnection(PostgresDatabase.ServerConnectionString);
        await conn.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        owner = new NpgsqlConnectionStringBuilder(PostgresDatabase.ForDatabase(PostgresDatabase.ServerConnectionString, name)) { Pooling = false }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        await using var conn = new NpgsqlConnection(PostgresDatabase.ServerConnectionString);
        await conn.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task AllMigrations_DownToNothingAndUpAgain_GiveTheSameSchema()
    {
        await using var db = StarStudioContextFactory.Create(owner);
        var migrator = db.GetService<IMigrator>();
        var all = db.Database.GetMigrations().ToList();

        await migrator.MigrateAsync();
        var first = await SchemaAsync(db);
        await migrator.MigrateAsync(Migration.InitialDatabase);
        var emptied = await SchemaAsync(db);
        var applied = await db.Database.GetAppliedMigrationsAsync();
        await migrator.MigrateAsync();
        var again = await SchemaAsync(db);

        Assert.True(all.Count > 40, $"{all.Count} migrations");
        Assert.Empty(applied);
        // Nothing of the app's is left but the history table (the extensions stay; Up creates them IF NOT EXISTS).
        Assert.Equal(["table __EFMigrationsHistory"], emptied.Where(l => l.StartsWith("table ", StringComparison.Ordinal)));
        Assert.DoesNotContain(emptied, l => l.StartsWith("function ", StringComparison.Ordinal) || l.StartsWith("enum ", StringComparison.Ordinal)
            || l.StartsWith("policy ", StringComparison.Ordinal) || l.StartsWith("trigger ", StringComparison.Ordinal));
        Assert.True(first.Count > 1000, $"{first.Count} schema lines");
        Assert.Equal(first, again);
    }

    /// <summary>
    /// The public schema as sorted lines: tables with row-level security flags, columns, constraints, indexes, policies,
    /// triggers, views, enums with their labels in order, and the app's functions (not the extensions').
    /// </summary>
    private static async Task<List<string>> SchemaAsync(DbContext db)
    {
        const string sql = """
            SELECT 'table ' || c.relname || CASE WHEN c.relrowsecurity THEN ' rls' ELSE '' END || CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            UNION ALL
            SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                   || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                   || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END
                   || ' storage ' || a.attstorage::text
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = 'public' AND c.conrelid <> 0
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL
            SELECT 'policy ' || tablename || ' ' || policyname || ' ' || permissive || ' ' || cmd || ' ' || array_to_string(roles, ',')
                   || ' using ' || coalesce(qual, '-') || ' check ' || coalesce(with_check, '-')
            FROM pg_policies WHERE schemaname = 'public'
            UNION ALL
            SELECT 'trigger ' || pg_get_triggerdef(t.oid)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND NOT t.tgisinternal
            UNION ALL
            SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = 'public'
            UNION ALL
            SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE n.nspname = 'public'
            GROUP BY t.typname
            UNION ALL
            SELECT 'function ' || pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            """;
        var lines = await db.Database.SqlQueryRaw<string>($"SELECT x AS \"Value\" FROM ({sql}) s(x)").ToListAsync();
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
