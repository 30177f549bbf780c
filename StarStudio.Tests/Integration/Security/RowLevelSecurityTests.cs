using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Integration.Security;

/// <summary>
/// Seed 000 §5: user B, connected as the application's own role, reaches none of user A's rows — not through
/// the services, and not with raw SQL either.
/// </summary>
public sealed class RowLevelSecurityTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private async Task<(UserContext A, UserContext B, Guid StarId)> ArrangeAsync()
    {
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        var starId = Guid.NewGuid();
        await using var owner = pg.OwnerContext();
        owner.Stars.Add(new Star { Id = starId, OwnerId = a.UserId!.Value, Name = "A 的智星", Domain = "古籍修复", Persona = "p", Tone = "t", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        owner.KnowledgeTasks.Add(new KnowledgeTask { StarId = starId, SourceType = KnowledgeSourceType.Note, CreatedAt = DateTimeOffset.UtcNow });
        await owner.SaveChangesAsync();
        return (a, b, starId);
    }

    [Fact]
    public async Task RawSql_UserB_SeesNoneOfUserAsStarsOrTasks()
    {
        var (a, b, _) = await ArrangeAsync();

        var seenByB = await pg.Db(b).RunAsync((db, _) => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM stars WHERE owner_id = {a.UserId}").SingleAsync());
        var tasksByB = await pg.Db(b).RunAsync((db, _) => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM knowledge_tasks").SingleAsync());
        var seenByA = await pg.Db(a).RunAsync((db, _) => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM stars WHERE owner_id = {a.UserId}").SingleAsync());

        Assert.Equal(0, seenByB);
        Assert.Equal(0, tasksByB);
        Assert.Equal(1, seenByA);
    }

    [Fact]
    public async Task RawSql_UserB_CannotUpdateOrDeleteUserAsStar()
    {
        var (_, b, starId) = await ArrangeAsync();

        var updated = await pg.Db(b).RunAsync((db, _) => db.Database.ExecuteSqlAsync($"UPDATE stars SET name = 'hijacked' WHERE id = {starId}"));
        var deleted = await pg.Db(b).RunAsync((db, _) => db.Database.ExecuteSqlAsync($"DELETE FROM stars WHERE id = {starId}"));

        Assert.Equal(0, updated);
        Assert.Equal(0, deleted);
        await using var owner = pg.OwnerContext();
        Assert.Equal("A 的智星", (await owner.Stars.SingleAsync(s => s.Id == starId)).Name);
    }

    [Fact]
    public async Task RawSql_UserB_CannotInsertAStarForUserA()
    {
        var (a, b, _) = await ArrangeAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(b).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO stars (owner_id, name, domain, persona, tone) VALUES ({a.UserId}, 'x', 'y', 'z', '')")));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task RawSql_UserB_CannotAddATaskToUserAsStar()
    {
        var (_, b, starId) = await ArrangeAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(b).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO knowledge_tasks (star_id, source_type, status, chunk_count) VALUES ({starId}, 'note', 'pending', 0)")));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task RawSql_UserB_SettingTheUserIdOutsideATransaction_DoesNotLeakIntoTheNextUse()
    {
        var (a, _, _) = await ArrangeAsync();

        // A session-level setting (is_local = false) would survive on a pooled connection; the app only uses
        // transaction-local ones, and a fresh transaction without one sees nothing.
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await new NpgsqlCommand($"SELECT set_config('app.user_id', '{a.UserId}', true)", conn, tx).ExecuteNonQueryAsync();
            Assert.Equal(1L, await new NpgsqlCommand($"SELECT count(*) FROM stars WHERE owner_id = '{a.UserId}'", conn, tx).ExecuteScalarAsync());
            await tx.CommitAsync();
        }

        Assert.Equal(0L, await new NpgsqlCommand($"SELECT count(*) FROM stars WHERE owner_id = '{a.UserId}'", conn).ExecuteScalarAsync());
    }

    [Fact]
    public async Task RawSql_NoUser_SeesNoPrivateStars()
    {
        await ArrangeAsync();

        // Active public stars are the gallery, visible to anyone; nothing else is.
        var count = await pg.Db(UserContext.Anonymous).RunAsync((db, _) => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM stars WHERE NOT is_public OR status <> 'active'").SingleAsync());

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task RawSql_Admin_SeesEveryonesStars()
    {
        var (a, _, starId) = await ArrangeAsync();
        var admin = await pg.CreateAdminAsync();

        var seen = await pg.Db(admin).RunAsync((db, _) => db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM stars").ToListAsync());

        Assert.Contains(starId, seen);
    }

    [Fact]
    public async Task PublicStar_OthersSeeTheStarAndItsRetrievalRowsButNotItsTasks()
    {
        var (a, b, starId) = await ArrangeAsync();
        await using (var owner = pg.OwnerContext())
        {
            await owner.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsPublic, true));
        }

        var star = await pg.Db(b).RunAsync((db, _) => db.Stars.CountAsync(s => s.Id == starId));
        var tasks = await pg.Db(b).RunAsync((db, _) => db.KnowledgeTasks.CountAsync(t => t.StarId == starId));
        var update = await pg.Db(b).RunAsync((db, _) => db.Database.ExecuteSqlAsync($"UPDATE stars SET name = 'hijacked' WHERE id = {starId}"));

        Assert.Equal(1, star);
        Assert.Equal(0, tasks);
        Assert.Equal(0, update);
        Assert.Equal(1, await pg.Db(a).RunAsync((db, _) => db.KnowledgeTasks.CountAsync(t => t.StarId == starId)));
    }

    [Fact]
    public async Task PublicStar_APlayersConversation_IsHiddenFromOtherPlayers()
    {
        var (a, b, starId) = await ArrangeAsync();
        var c = await pg.CreateUserAsync();
        await using (var owner = pg.OwnerContext())
        {
            await owner.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsPublic, true));
        }

        var conversation = Guid.NewGuid();
        await pg.Db(b).RunAsync(async (db, _) =>
        {
            db.Conversations.Add(new Core.Chat.Conversation { Id = conversation, StarId = starId, UserId = b.UserId!.Value, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });

        Assert.Equal(1, await pg.Db(b).RunAsync((db, _) => db.Conversations.CountAsync(x => x.Id == conversation)));
        Assert.Equal(1, await pg.Db(a).RunAsync((db, _) => db.Conversations.CountAsync(x => x.Id == conversation)));
        Assert.Equal(0, await pg.Db(c).RunAsync((db, _) => db.Conversations.CountAsync(x => x.Id == conversation)));
    }

    [Fact]
    public async Task AppRole_IsNeitherSuperuserNorOwnerNorBypassingRls()
    {
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT r.rolsuper, r.rolbypassrls, (SELECT tableowner FROM pg_tables WHERE tablename = 'stars') = current_user
            FROM pg_roles r WHERE r.rolname = current_user
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.False(reader.GetBoolean(0), "the app role must not be a superuser");
        Assert.False(reader.GetBoolean(1), "the app role must not bypass RLS");
        Assert.False(reader.GetBoolean(2), "the app role must not own the tables");
    }

    [Fact]
    public async Task AppRole_CannotChangeTheSchema()
    {
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("ALTER TABLE stars DISABLE ROW LEVEL SECURITY", conn).ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }
}
