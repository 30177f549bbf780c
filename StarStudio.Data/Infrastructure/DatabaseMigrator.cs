using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace StarStudio.Data.Infrastructure;

/// <summary>
/// Brings a database to the latest migration as the owning role, then grants the application role what
/// it needs (data access, no DDL). Run on start by the app, and once per test run by the test fixture.
/// </summary>
public static class DatabaseMigrator
{
    public static async Task MigrateAsync(string migrationConnectionString, string appConnectionString, ILogger? logger, CancellationToken ct = default)
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
            // Identifiers cannot be parameters; the role name is quoted above.
            var grants = $"""
                GRANT USAGE ON SCHEMA public TO {role};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
                GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
                GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};
                REVOKE ALL ON TABLE "__EFMigrationsHistory" FROM {role};
                """;
            await db.Database.ExecuteSqlRawAsync(grants, ct);
        }
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
