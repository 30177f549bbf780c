using System.Diagnostics;
using System.Text;
using Npgsql;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Integration.Backups;

/// <summary>Runs <c>scripts/backup.sh</c> and <c>scripts/restore.sh</c> as an operator would, with only the settings given.</summary>
internal static class BackupScripts
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>The backup role's connection to <paramref name="database"/>: scripts/postgres.sh env prints it as STARSTUDIO_BACKUP_PG.</summary>
    public static string BackupConnectionFor(string database)
    {
        var configured = Environment.GetEnvironmentVariable("STARSTUDIO_BACKUP_PG");
        var builder = configured is null
            ? new NpgsqlConnectionStringBuilder(PostgresDatabase.ServerConnectionString) { Username = "starstudio_backup", Password = "starstudio_backup" }
            : new NpgsqlConnectionStringBuilder(configured);
        builder.Database = database;
        return builder.ConnectionString;
    }

    /// <summary>The settings the app and the scripts read, for a database and a local object directory.</summary>
    public static Dictionary<string, string> Settings(string database, string objectsRoot) => new()
    {
        ["STARSTUDIO_BACKUP_PG"] = BackupConnectionFor(database),
        ["StarStudio__Database__MigrationConnectionString"] = PostgresDatabase.ForDatabase(PostgresDatabase.ServerConnectionString, database),
        ["StarStudio__Database__ConnectionString"] = PostgresDatabase.AppConnectionFor(database),
        ["StarStudio__Database__JobsConnectionString"] = PostgresDatabase.JobsConnectionFor(database),
        ["StarStudio__DocumentStore__Provider"] = "Postgres",
        ["StarStudio__ObjectStore__Provider"] = "Local",
        ["StarStudio__ObjectStore__LocalRoot"] = objectsRoot,
    };

    public static async Task<Run> RunAsync(string script, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ResourceTests.RepoRoot(), "scripts", script));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        // Nothing from the developer's shell decides where the scripts connect or write: only the settings given.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("StarStudio__", StringComparison.Ordinal) || key.StartsWith("STARSTUDIO_BACKUP", StringComparison.Ordinal)
                || key.StartsWith("PG", StringComparison.Ordinal) || key.StartsWith("MC_HOST_", StringComparison.Ordinal))
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 3 minutes:\n{await stderr}");
        }

        return new Run(process.ExitCode, (await stdout).Trim(), await stderr);
    }

    /// <summary>Every table of every schema but the system's, with its row count and a checksum of all its rows.</summary>
    public static async Task<SortedDictionary<string, (long Rows, string Md5)>> TableChecksumsAsync(string connectionString)
    {
        var result = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            ORDER BY 1
            """, conn))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM {table} t", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            result[table] = (reader.GetInt64(0), reader.GetString(1));
        }

        return result;
    }

    /// <summary>
    /// What decides who may do what: each relation's owner, row-level security switches and privileges, every policy,
    /// trigger and (non-extension) function with its owner, SECURITY DEFINER flag and privileges, and schema privileges.
    /// </summary>
    public static async Task<List<string>> SecurityCatalogAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT 'rel ' || format('%I.%I', n.nspname, c.relname) || ' ' || c.relkind::text || ' ' || pg_get_userbyid(c.relowner)
                   || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity || ' acl=' || coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's'::"char" ELSE 'r'::"char" END, c.relowner))::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r','p','v','m','S')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || array_to_string(roles, ',')
                   || ' ' || cmd || ' ' || coalesce(qual, '-') || ' ' || coalesce(with_check, '-')
            FROM pg_policies
            UNION ALL
            SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text || ' ' || pg_get_triggerdef(t.oid)
            FROM pg_trigger t WHERE NOT tgisinternal
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure::text || ' ' || pg_get_userbyid(p.proowner) || ' definer=' || p.prosecdef
                   || ' acl=' || coalesce(p.proacl, acldefault('f', p.proowner))::text || ' md5=' || md5(p.prosrc)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'schema ' || nspname || ' ' || pg_get_userbyid(nspowner) || ' acl=' || coalesce(nspacl, acldefault('n', nspowner))::text
            FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
            ORDER BY 1
            """, conn);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public static string Describe<T>(IEnumerable<T> items) => new StringBuilder().AppendJoin('\n', items).ToString();
}
