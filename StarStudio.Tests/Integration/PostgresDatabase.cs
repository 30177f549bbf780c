using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.TestSupport;
using StarStudio.Web;

namespace StarStudio.Tests.Integration;

/// <summary>
/// A private database per test class, cloned from a template that is migrated once per test run.
/// Tests reach it as the application's role (RLS applies) through <see cref="Db"/>, and through
/// <see cref="OwnerContext"/> for setup that must not depend on the code under test: as the maintenance role
/// (a member of the owner with BYPASSRLS, created by scripts/postgres.sh for tests only), because most tables force
/// row-level security on their owner too.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? templateName;

    public string Name { get; } = "starstudio_t_" + Guid.NewGuid().ToString("N")[..16];
    public string OwnerConnectionString { get; private set; } = "";
    public string AppConnectionString { get; private set; } = "";
    public string JobsConnectionString { get; private set; } = "";
    public string MaintConnectionString { get; private set; } = "";

    /// <summary>The owner's connection string to the <c>postgres</c> database, from test.sh.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
        ?? throw new InvalidOperationException("STARSTUDIO_TEST_PG is not set: run the tests through ./test.sh, which starts PostgreSQL.");

    public async Task InitializeAsync()
    {
        var template = await EnsureTemplateAsync();
        await using (var conn = new NpgsqlConnection(ServerConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {Name} TEMPLATE {template}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        OwnerConnectionString = ForDatabase(ServerConnectionString, Name);
        AppConnectionString = AppConnectionFor(Name);
        JobsConnectionString = JobsConnectionFor(Name);
        MaintConnectionString = MaintConnectionFor(Name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A context factory over the application's role, as the app builds it.</summary>
    public IDbContextFactory<StarStudioDbContext> AppContextFactory() => new StarStudioContextFactory(DatabaseOptions.WithAutoPrepare(AppConnectionString));

    /// <summary>The data gateway the services use, acting as <paramref name="user"/>.</summary>
    public StarStudioDb Db(UserContext user) => new(AppContextFactory(), new FixedCurrentUser(user));

    /// <summary>A context over the maintenance role; RLS does not apply to it. For arranging and checking only.</summary>
    public StarStudioDbContext OwnerContext() => StarStudioContextFactory.Create(MaintConnectionString);

    /// <summary>Inserts a user (as the owner role) and returns the context the services would see for them.</summary>
    public async Task<UserContext> CreateUserAsync(string? email = null, params string[] roles)
    {
        var id = Guid.NewGuid();
        email ??= $"user-{id:N}@example.test";
        await using var db = OwnerContext();
        await TestUsers.AddAsync(db, email, roles, id);
        await db.SaveChangesAsync();
        return UserContext.For(id, roles);
    }

    /// <summary>
    /// The app's own service registrations (Data and Web) over this database, objects in <paramref name="objectsRoot"/>:
    /// for tests of what only the app's wiring gives (Identity, the seeder, the circuit registry). <paramref name="settings"/>
    /// adds or overrides configuration; <paramref name="configure"/> replaces registrations after the app's.
    /// </summary>
    public ServiceProvider AppServices(string objectsRoot, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["StarStudio:Database:ConnectionString"] = AppConnectionString,
            ["StarStudio:Database:JobsConnectionString"] = JobsConnectionString,
            ["StarStudio:ObjectStore:Provider"] = "Local",
            ["StarStudio:ObjectStore:LocalRoot"] = objectsRoot,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddStarStudioData(configuration);
        services.AddStarStudioWeb(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Inserts an admin user.</summary>
    public Task<UserContext> CreateAdminAsync() => CreateUserAsync(null, RoleNames.Admin);

    public static string AppConnectionFor(string database) => new NpgsqlConnectionStringBuilder(ServerConnectionString)
    {
        Database = database,
        Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app",
        Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app",
    }.ConnectionString;

    /// <summary>Hangfire's role: reaches only the hangfire schema.</summary>
    public static string JobsConnectionFor(string database) => new NpgsqlConnectionStringBuilder(ServerConnectionString)
    {
        Database = database,
        Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_JOBS_USER") ?? "starstudio_jobs",
        Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_JOBS_PASSWORD") ?? "starstudio_jobs",
    }.ConnectionString;

    /// <summary>The tests' maintenance role: the owner's privileges and BYPASSRLS.</summary>
    public static string MaintConnectionFor(string database) => new NpgsqlConnectionStringBuilder(ServerConnectionString)
    {
        Database = database,
        Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_MAINT_USER") ?? "starstudio_maint",
        Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_MAINT_PASSWORD") ?? "starstudio_maint",
    }.ConnectionString;

    public static string ForDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    /// <summary>Creates (once per build of the Data assembly) a migrated template database and returns its name.</summary>
    public static async Task<string> EnsureTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (templateName is not null)
            {
                return templateName;
            }

            // Named after the Data assembly's build, so a changed migration always gets a fresh template.
            var mvid = typeof(StarStudioDbContext).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
            var name = "starstudio_tpl_" + mvid;
            await using var conn = new NpgsqlConnection(ServerConnectionString);
            await conn.OpenAsync();
            // Another test run (another build) may share this server: a template is migrated under a private
            // name and renamed when complete, so nobody clones a half-migrated one, and other builds'
            // templates are dropped only when they are more than two hours old.
            var existing = new List<(string Name, string? Comment)>();
            await using (var list = new NpgsqlCommand("SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname LIKE 'starstudio\\_tpl\\_%'", conn))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    existing.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
                }
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            foreach (var (old, comment) in existing.Where(e => e.Name != name && e.Name.Length == name.Length))
            {
                if (!long.TryParse(comment, out var created) || now - created > 7200)
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {old} WITH (FORCE)", conn);
                    await drop.ExecuteNonQueryAsync();
                }
            }

            if (!existing.Any(e => e.Name == name))
            {
                var building = name + "_" + Guid.NewGuid().ToString("N")[..6];
                await using (var create = new NpgsqlCommand($"CREATE DATABASE {building}", conn))
                {
                    await create.ExecuteNonQueryAsync();
                }

                var owner = new NpgsqlConnectionStringBuilder(ForDatabase(ServerConnectionString, building)) { Pooling = false }.ConnectionString;
                await DatabaseMigrator.MigrateAsync(owner, AppConnectionFor(building), JobsConnectionFor(building), logger: null);
                await using (var stamp = new NpgsqlCommand($"COMMENT ON DATABASE {building} IS '{now}'", conn))
                {
                    await stamp.ExecuteNonQueryAsync();
                }

                try
                {
                    await using var rename = new NpgsqlCommand($"ALTER DATABASE {building} RENAME TO {name}", conn);
                    await rename.ExecuteNonQueryAsync();
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // A parallel run finished the same template first; use theirs.
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {building} WITH (FORCE)", conn);
                    await drop.ExecuteNonQueryAsync();
                }
            }

            NpgsqlConnection.ClearAllPools();
            templateName = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }
}
