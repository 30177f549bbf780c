using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Data.Audit;

namespace StarStudio.Tests.Integration.Audit;

/// <summary>
/// The audit log is append-only in PostgreSQL: the app role appends through <c>audit_append</c> only, the actor is the
/// transaction's user whatever the caller claims, only admins read, and no role changes or removes an entry.
/// </summary>
public sealed class AuditLogTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private sealed class FixedAddress(string ip) : IClientAddress
    {
        public string? Get() => ip;
    }

    [Fact]
    public async Task Record_WritesTheActorFromTheTransactionAndTheClientAddress()
    {
        var admin = await pg.CreateAdminAsync();
        var log = new AuditLog(pg.Db(admin), new FixedAddress("203.0.113.7"));

        var id = await log.RecordAsync(new AuditEvent(AuditActions.RoleGranted, AuditTargets.User, "u-1", "someone@example.com",
            Before: new { roles = Array.Empty<string>() }, After: new { roles = new[] { "skill_maker" } }, Reason: "asked nicely"));

        var row = await pg.Db(admin).RunAsync((db, _) => db.AuditLogs.AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.Equal(admin.UserId, row.ActorId);
        Assert.Equal(AuditActions.RoleGranted, row.Action);
        Assert.Equal("203.0.113.7", row.IpAddress);
        Assert.Equal("skill_maker", row.AfterValue!.RootElement.GetProperty("roles")[0].GetString());
        Assert.Equal(0, row.BeforeValue!.RootElement.GetProperty("roles").GetArrayLength());
        Assert.Equal("asked nicely", row.Reason);
        Assert.True(row.OccurredAt > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Record_Anonymous_HasNoActor()
    {
        var admin = await pg.CreateAdminAsync();
        var id = await new AuditLog(pg.Db(UserContext.Anonymous)).RecordAsync(
            new AuditEvent(AuditActions.SignInFailed, AuditTargets.User, null, "nobody@example.com"));

        var row = await pg.Db(admin).RunAsync((db, _) => db.AuditLogs.AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.Null(row.ActorId);
        Assert.Equal("nobody@example.com", row.TargetLabel);
        Assert.Null(row.IpAddress);
    }

    [Fact]
    public async Task Read_OnlyAdminsSeeEntries()
    {
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        await new AuditLog(pg.Db(player)).RecordAsync(new AuditEvent(AuditActions.SignedIn, AuditTargets.User, player.UserId.ToString()));

        var seenByPlayer = await pg.Db(player).RunAsync((db, _) => db.AuditLogs.CountAsync());
        var seenByAdmin = await pg.Db(admin).RunAsync((db, _) => db.AuditLogs.CountAsync(e => e.ActorId == player.UserId));

        Assert.Equal(0, seenByPlayer);
        Assert.Equal(1, seenByAdmin);
    }

    [Theory]
    [InlineData("INSERT INTO audit_logs (action, actor_id) VALUES ('user.role_granted', NULL)")]
    [InlineData("UPDATE audit_logs SET reason = 'rewritten'")]
    [InlineData("DELETE FROM audit_logs")]
    [InlineData("TRUNCATE audit_logs")]
    public async Task AppRole_WritingTheTableDirectly_IsRefused_EvenForAnAdmin(string sql)
    {
        var admin = await pg.CreateAdminAsync();
        await new AuditLog(pg.Db(admin)).RecordAsync(new AuditEvent(AuditActions.ConfigChanged, AuditTargets.Config, "k"));

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(admin).RunAsync((db, _) => db.Database.ExecuteSqlRawAsync(sql)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Theory]
    [InlineData("UPDATE audit_logs SET reason = 'rewritten'")]
    [InlineData("DELETE FROM audit_logs")]
    [InlineData("TRUNCATE audit_logs")]
    public async Task OwnerSide_ChangingOrRemovingEntries_IsRefusedByTheTrigger(string sql)
    {
        var admin = await pg.CreateAdminAsync();
        await new AuditLog(pg.Db(admin)).RecordAsync(new AuditEvent(AuditActions.ConfigChanged, AuditTargets.Config, "k"));
        await using var owner = pg.OwnerContext();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => owner.Database.ExecuteSqlRawAsync(sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.Contains("append-only", ex.MessageText);
        Assert.True(await owner.AuditLogs.AnyAsync());
    }

    [Fact]
    public async Task Append_RollsBackWithTheCallersTransaction()
    {
        var admin = await pg.CreateAdminAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pg.Db(admin).RunAsync(async (db, _) =>
        {
            await AuditTrail.AppendAsync(db, new AuditEvent(AuditActions.Refund, AuditTargets.Order, "rolled-back"), null, default);
            throw new InvalidOperationException("the action failed after its entry was written");
        }));

        var count = await pg.Db(admin).RunAsync((db, _) => db.AuditLogs.CountAsync(e => e.TargetId == "rolled-back"));
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Append_AMalformedAction_IsRefusedBeforeTheDatabase()
    {
        var admin = await pg.CreateAdminAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => new AuditLog(pg.Db(admin)).RecordAsync(new AuditEvent("Drop Table")));
    }
}
