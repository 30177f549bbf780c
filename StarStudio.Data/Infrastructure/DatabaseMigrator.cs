using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace StarStudio.Data.Infrastructure;

/// <summary>
/// Brings a database to the latest migration as the owning role, then grants the application role what
/// it needs (data access, no DDL, no writes to the role tables) and the jobs role its own schema and nothing else.
/// Run on start by the app, and once per test run by the test fixture.
/// </summary>
public static class DatabaseMigrator
{
    /// <summary>Hangfire's schema; the jobs role creates its tables there and reaches nothing outside it.</summary>
    public const string JobsSchema = "hangfire";

    public static Task MigrateAsync(string migrationConnectionString, string appConnectionString, ILogger? logger, CancellationToken ct = default) =>
        MigrateAsync(migrationConnectionString, appConnectionString, jobsConnectionString: null, logger, ct);

    public static async Task MigrateAsync(string migrationConnectionString, string appConnectionString, string? jobsConnectionString, ILogger? logger, CancellationToken ct = default)
    {
        var builder = new DbContextOptionsBuilder<StarStudioDbContext>();
        StarStudioDbContext.Configure(builder, migrationConnectionString);
        await using (var db = new StarStudioDbContext(builder.Options))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                logger?.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(ct);
            }

            var owner = new NpgsqlConnectionStringBuilder(migrationConnectionString).Username;
            var app = new NpgsqlConnectionStringBuilder(appConnectionString).Username;
            if (string.IsNullOrEmpty(app) || string.Equals(owner, app, StringComparison.Ordinal))
            {
                logger?.LogWarning("The app connects as the table owner ({Role}); row-level security does not apply to it.", owner);
                return;
            }

            var role = QuoteIdentifier(app);
            var database = QuoteIdentifier(await db.Database.SqlQueryRaw<string>("SELECT current_database() AS \"Value\"").SingleAsync(ct));
            // Identifiers cannot be parameters; the role names are quoted. The blanket grants run on every start, so
            // the narrowing revokes follow them. The database-level statements only warn when the migrating role does
            // not own the database (then its owner has to run them; docs/security.md).
            var grants = $"""
                GRANT USAGE ON SCHEMA public TO {role};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
                GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
                GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};
                REVOKE ALL ON TABLE "__EFMigrationsHistory" FROM {role};
                -- app_is_admin() trusts these: roles are granted through app_grant_role / app_revoke_role only.
                REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE user_roles, roles, role_claims FROM {role};
                -- Money moves only through the wallet functions (Billing.WalletSchema).
                REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE {string.Join(", ", Billing.WalletSchema.NotForced)} FROM {role};
                -- The audit log is append-only: written through audit_append, never changed (docs/audit.md).
                REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE audit_logs FROM {role};
                -- Analytics tables are written by tracking_event_append and analytics_rollup only (docs/analytics.md).
                REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE tracking_event, tracking_daily_stat, analytics_date_dimension, analytics_metric, analytics_daily_user FROM {role};
                REVOKE ALL ON SCHEMA public FROM PUBLIC;
                REVOKE ALL ON DATABASE {database} FROM PUBLIC;
                GRANT CONNECT ON DATABASE {database} TO {role};
                """;
            await db.Database.ExecuteSqlRawAsync(grants, ct);

            var jobs = string.IsNullOrWhiteSpace(jobsConnectionString) ? null : new NpgsqlConnectionStringBuilder(jobsConnectionString).Username;
            if (string.IsNullOrEmpty(jobs))
            {
                return;
            }

            if (string.Equals(jobs, owner, StringComparison.Ordinal) || string.Equals(jobs, app, StringComparison.Ordinal))
            {
                logger?.LogWarning("The jobs connection uses the {Role} role; give Hangfire a role of its own (docs/security.md).", jobs);
                return;
            }

            var jobsRole = QuoteIdentifier(jobs);
            var schema = QuoteIdentifier(JobsSchema);
            // Only tables and sequences the migrating role owns are granted: those an older install's Hangfire made as
            // the owner. Hangfire's own tables belong to the jobs role, and a GRANT on them by the owner would fail with
            // "permission denied" on every start after the first.
            var jobsGrants = $"""
                CREATE SCHEMA IF NOT EXISTS {schema};
                REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
                GRANT USAGE, CREATE ON SCHEMA {schema} TO {jobsRole};
                DO $grant$
                DECLARE r record;
                BEGIN
                    FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname = {QuoteLiteral(JobsSchema)} AND c.relkind IN ('r', 'p', 'S') AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                    LOOP
                        EXECUTE format('GRANT ALL ON %s TO %I', r.name, {QuoteLiteral(jobs)});
                    END LOOP;
                END
                $grant$;
                GRANT CONNECT ON DATABASE {database} TO {jobsRole};
                """;
            await db.Database.ExecuteSqlRawAsync(jobsGrants, ct);
        }
    }

    internal static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
