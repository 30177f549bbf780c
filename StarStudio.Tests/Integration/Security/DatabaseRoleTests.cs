using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.Web.Knowledge;

namespace StarStudio.Tests.Integration.Security;

/// <summary>
/// What each database role may do beyond row-level security: the app role cannot make anyone an admin, PUBLIC can
/// neither connect nor call a SECURITY DEFINER function, and Hangfire's role reaches its own schema only.
/// </summary>
public sealed class DatabaseRoleTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task AppRole_InsertIntoUserRoles_IsRefused()
    {
        var player = await pg.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO user_roles (user_id, role_id) SELECT {player.UserId}, id FROM roles WHERE name = 'admin'")));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.False(await IsAdminAsync(player.UserId!.Value));
    }

    [Theory]
    [InlineData("UPDATE roles SET name = 'admin', normalized_name = 'ADMIN' WHERE name = 'star_owner'")]
    [InlineData("DELETE FROM user_roles")]
    [InlineData("UPDATE user_roles SET role_id = role_id")]
    public async Task AppRole_WritingTheRoleTables_IsRefused(string sql)
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(owner).RunAsync((db, _) => db.Database.ExecuteSqlRawAsync(sql)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task GrantRole_APlayerAsksForAdmin_IsRefused()
    {
        await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, player.UserId!.Value, RoleNames.Admin, default)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.False(await IsAdminAsync(player.UserId!.Value));
    }

    [Fact]
    public async Task GrantRole_APlayerTakesStarOwnerOrSkillMakerForThemself_ButGrantsNothingToOthers()
    {
        var player = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();

        await pg.Db(player).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, player.UserId!.Value, RoleNames.StarOwner, default));
        // Issue 12: anyone may become a skill maker (migration SkillMakerSelfGrant), for themself only.
        await pg.Db(player).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, player.UserId!.Value, RoleNames.SkillMaker, default));
        var toOther = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, other.UserId!.Value, RoleNames.StarOwner, default)));
        var makerToOther = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, other.UserId!.Value, RoleNames.SkillMaker, default)));

        Assert.Equal([RoleNames.SkillMaker, RoleNames.StarOwner], (await RolesAsync(player.UserId!.Value)).Order(StringComparer.Ordinal));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, toOther.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, makerToOther.SqlState);
        Assert.Empty(await RolesAsync(other.UserId!.Value));
    }

    [Fact]
    public async Task UserStore_AddAndRemoveRole_AsAdminGoThroughTheCheckedFunctions_AsAPlayerAreRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var target = await pg.CreateUserAsync();
        StarUser user;
        await using (var read = pg.OwnerContext())
        {
            user = await read.Users.AsNoTracking().SingleAsync(u => u.Id == target.UserId);
        }

        await using (var asAdmin = pg.AppContextFactory().CreateDbContext())
        {
            await new StarUserStore(asAdmin, new FixedCurrentUser(admin)).AddToRoleAsync(user, "SKILL_MAKER");
        }

        var granted = await RolesAsync(target.UserId!.Value);
        await using (var asPlayer = pg.AppContextFactory().CreateDbContext())
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => new StarUserStore(asPlayer, new FixedCurrentUser(player)).RemoveFromRoleAsync(user, "SKILL_MAKER"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        await using (var asAdmin = pg.AppContextFactory().CreateDbContext())
        {
            await new StarUserStore(asAdmin, new FixedCurrentUser(admin)).RemoveFromRoleAsync(user, "SKILL_MAKER");
        }

        Assert.Equal([RoleNames.SkillMaker], granted);
        Assert.Empty(await RolesAsync(target.UserId!.Value));
    }

    [Fact]
    public async Task GrantRole_FirstAdmin_IsGrantedOnlyWhileNobodyIsAdmin()
    {
        // A database of its own: the class's database already has admins.
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var first = await fresh.CreateUserAsync();
            var second = await fresh.CreateUserAsync();

            await fresh.Db(UserContext.Anonymous).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, first.UserId!.Value, RoleNames.Admin, default));
            var ex = await Assert.ThrowsAsync<PostgresException>(() => fresh.Db(UserContext.Anonymous).RunAsync((db, _) => UserRoleGrants.GrantAsync(db, second.UserId!.Value, RoleNames.Admin, default)));

            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task DefinerFunctions_AreExecutableByTheAppRoleOnly()
    {
        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        var jobs = new NpgsqlConnectionStringBuilder(pg.JobsConnectionString).Username!;
        var app = new NpgsqlConnectionStringBuilder(pg.AppConnectionString).Username!;
        await using var cmd = new NpgsqlCommand("""
            SELECT p.oid::regprocedure::text,
                   p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'),
                   has_function_privilege(@jobs, p.oid, 'EXECUTE'),
                   has_function_privilege(@app, p.oid, 'EXECUTE')
            FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
            ORDER BY 1
            """, conn);
        cmd.Parameters.AddWithValue("jobs", jobs);
        cmd.Parameters.AddWithValue("app", app);
        var functions = new List<string>();
        var wrong = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                functions.Add(reader.GetString(0));
                if (reader.GetBoolean(1) || reader.GetBoolean(2) || !reader.GetBoolean(3))
                {
                    wrong.Add($"{reader.GetString(0)}: PUBLIC {reader.GetBoolean(1)}, jobs {reader.GetBoolean(2)}, app {reader.GetBoolean(3)}");
                }
            }
        }

        Assert.Contains("app_is_admin()", functions);
        Assert.Contains("knowledge_webhook_source_lookup(uuid)", functions);
        Assert.True(wrong.Count == 0, "SECURITY DEFINER functions must be executable by the app role only (REVOKE ALL ... FROM PUBLIC):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task Migrator_LeavesPublicNoConnectAndNoSchema_AndGrantsTheAppAndJobsRoles()
    {
        // A cloned database starts with PostgreSQL's default grants; the migrator narrows them on every start.
        await DatabaseMigrator.MigrateAsync(pg.OwnerConnectionString, pg.AppConnectionString, pg.JobsConnectionString, logger: null);

        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT has_database_privilege('public', current_database(), 'CONNECT'),
                   has_database_privilege('public', current_database(), 'TEMPORARY'),
                   has_schema_privilege('public', 'public', 'USAGE'),
                   has_database_privilege(@app, current_database(), 'CONNECT'),
                   has_database_privilege(@jobs, current_database(), 'CONNECT')
            """, conn);
        cmd.Parameters.AddWithValue("app", new NpgsqlConnectionStringBuilder(pg.AppConnectionString).Username!);
        cmd.Parameters.AddWithValue("jobs", new NpgsqlConnectionStringBuilder(pg.JobsConnectionString).Username!);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.False(reader.GetBoolean(0), "PUBLIC must not connect");
        Assert.False(reader.GetBoolean(1), "PUBLIC must not create temporary tables");
        Assert.False(reader.GetBoolean(2), "PUBLIC must not use the public schema");
        Assert.True(reader.GetBoolean(3), "the app role connects");
        Assert.True(reader.GetBoolean(4), "the jobs role connects");
    }

    [Theory]
    [InlineData("SELECT count(*) FROM stars")]
    [InlineData("SELECT count(*) FROM users")]
    [InlineData("SELECT app_is_admin()")]
    [InlineData("CREATE TABLE public.jobs_were_here (id int)")]
    [InlineData("CREATE SCHEMA jobs_were_here")]
    public async Task JobsRole_OutsideTheHangfireSchema_IsRefused(string sql)
    {
        await using var conn = new NpgsqlConnection(pg.JobsConnectionString);
        await conn.OpenAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, conn).ExecuteNonQueryAsync());

        // Without USAGE on the public schema its names do not even resolve for this role.
        Assert.Contains(ex.SqlState, new[] { PostgresErrorCodes.InsufficientPrivilege, PostgresErrorCodes.UndefinedTable, PostgresErrorCodes.UndefinedFunction });
    }

    [Fact]
    public async Task AddStarStudioJobs_EvenWithAnOwnerConnectionConfigured_StoresJobsAsTheJobsRole()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = pg.AppConnectionString,
            [$"{DatabaseOptions.Section}:MigrationConnectionString"] = pg.OwnerConnectionString,
            [$"{DatabaseOptions.Section}:JobsConnectionString"] = pg.JobsConnectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddStarStudioJobs(configuration);
        await using var provider = services.BuildServiceProvider();

        var job = provider.GetRequiredService<IBackgroundJobClient>().Enqueue(() => Console.WriteLine("queued by a test"));

        // Hangfire's tables are the jobs role's own: not even the owner of the app's tables reads them.
        await using var conn = new NpgsqlConnection(pg.JobsConnectionString);
        await conn.OpenAsync();
        var owner = await new NpgsqlCommand("SELECT tableowner FROM pg_tables WHERE schemaname = 'hangfire' AND tablename = 'job'", conn).ExecuteScalarAsync();
        var stored = await new NpgsqlCommand($"SELECT count(*) FROM hangfire.job WHERE id = {long.Parse(job, System.Globalization.CultureInfo.InvariantCulture)}", conn).ExecuteScalarAsync();
        Assert.Equal(new NpgsqlConnectionStringBuilder(pg.JobsConnectionString).Username, owner);
        Assert.Equal(1L, stored);
    }

    [Fact]
    public async Task ExistingInstall_HangfireTablesMadeByTheOwner_StillServeTheJobsRoleAfterMigrating()
    {
        // Before the jobs role, Hangfire ran as the owner and created its tables as the owner.
        var old = new PostgresDatabase();
        await old.InitializeAsync();
        try
        {
            await using (var conn = new NpgsqlConnection(old.OwnerConnectionString))
            {
                await conn.OpenAsync();
                await new NpgsqlCommand("DROP SCHEMA hangfire CASCADE", conn).ExecuteNonQueryAsync();
            }

            EnqueueAs(old, old.OwnerConnectionString);
            await DatabaseMigrator.MigrateAsync(old.OwnerConnectionString, old.AppConnectionString, old.JobsConnectionString, logger: null);

            EnqueueAs(old, old.JobsConnectionString);

            await using var jobs = new NpgsqlConnection(old.JobsConnectionString);
            await jobs.OpenAsync();
            Assert.Equal(2L, await new NpgsqlCommand("SELECT count(*) FROM hangfire.job", jobs).ExecuteScalarAsync());
        }
        finally
        {
            await old.DisposeAsync();
        }
    }

    [Fact]
    public async Task SecondStart_AfterHangfireMadeItsTablesAsTheJobsRole_MigratesAgainWithoutError()
    {
        // The first start: migrate, then Hangfire (the jobs role) creates and owns its tables.
        await DatabaseMigrator.MigrateAsync(pg.OwnerConnectionString, pg.AppConnectionString, pg.JobsConnectionString, logger: null);
        EnqueueAs(pg, pg.JobsConnectionString);

        // Every later start migrates again; the owner must not try to grant on the jobs role's tables.
        await DatabaseMigrator.MigrateAsync(pg.OwnerConnectionString, pg.AppConnectionString, pg.JobsConnectionString, logger: null);
        EnqueueAs(pg, pg.JobsConnectionString);

        await using var jobs = new NpgsqlConnection(pg.JobsConnectionString);
        await jobs.OpenAsync();
        Assert.True((long)(await new NpgsqlCommand("SELECT count(*) FROM hangfire.job", jobs).ExecuteScalarAsync())! >= 2);
    }

    private static void EnqueueAs(PostgresDatabase database, string jobsConnectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = database.AppConnectionString,
            [$"{DatabaseOptions.Section}:JobsConnectionString"] = jobsConnectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddStarStudioJobs(configuration);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IBackgroundJobClient>().Enqueue(() => Console.WriteLine("queued by a test"));
    }

    private async Task<bool> IsAdminAsync(Guid userId) => (await RolesAsync(userId)).Contains(RoleNames.Admin);

    private async Task<List<string>> RolesAsync(Guid userId)
    {
        await using var db = pg.OwnerContext();
        return await db.UserRoles.Where(ur => ur.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
    }
}
