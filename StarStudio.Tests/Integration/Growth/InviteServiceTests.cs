using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Growth;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>Invite codes and referrals on the real PostgreSQL.</summary>
public sealed class InviteServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private InviteService Invites(UserContext user) => new(pg.Db(user), TimeProvider.System);

    private static string? Error<T>(Result<T> r) => r.Errors.FirstOrDefault()?.Code;

    /// <summary>An inviter with a code, and an invitee whose account is newer than the code.</summary>
    private async Task<(UserContext Inviter, string Code, UserContext Invitee)> PairAsync()
    {
        var inviter = await pg.CreateUserAsync();
        var code = (await Invites(inviter).GetMyCodeAsync()).Value!;
        await using var db = pg.OwnerContext();
        await db.InviteCodes.Where(c => c.UserId == inviter.UserId).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTimeOffset.UtcNow.AddHours(-1)));
        return (inviter, code, await pg.CreateUserAsync());
    }

    [Fact]
    public async Task GetMyCode_IsCreatedOnceAndShort()
    {
        var user = await pg.CreateUserAsync();

        var codes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Invites(user).GetMyCodeAsync())));

        Assert.Single(codes.Select(c => c.Value).Distinct());
        Assert.Equal(InviteRules.CodeLength, codes[0].Value!.Length);
        Assert.True(codes[0].Value!.All(RedeemCodeRules.Alphabet.Contains));
    }

    [Fact]
    public async Task Bind_RewardsBothSidesOnce_AndTheInviterSeesTheReferral()
    {
        var (inviter, code, invitee) = await PairAsync();

        var bound = await Invites(invitee).BindAsync(code.ToLowerInvariant());
        var again = await Invites(invitee).BindAsync(code);

        Assert.True(bound.Succeeded, Error(bound));
        Assert.Equal(inviter.UserId, bound.Value!.UserId);
        Assert.Equal(InviteRules.AlreadyBound, Error(again));
        var me = invitee.UserId!.Value;
        Assert.Equal([($"referral:{me}:invitee", 10m, LedgerSource.Referral)], await GrowthTestData.LedgerAsync(pg, me));
        Assert.Equal([($"referral:{me}:inviter", 20m, LedgerSource.Referral)], await GrowthTestData.LedgerAsync(pg, inviter.UserId!.Value));
        var referrals = (await Invites(inviter).ListReferralsAsync()).Value!;
        Assert.Equal(me, Assert.Single(referrals).UserId);
        Assert.Equal(inviter.UserId, (await Invites(invitee).GetMyInviterAsync()).Value!.UserId);
        Assert.Null((await Invites(inviter).GetMyInviterAsync()).Value);
    }

    [Fact]
    public async Task Bind_AmountsComeFromSystemConfigs()
    {
        var (inviter, code, invitee) = await PairAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO system_configs (key, value) VALUES ('referral_inviter_points', '50'), ('referral_invitee_points', '15')
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """);
        }

        await Invites(invitee).BindAsync(code);
        await using (var db = pg.OwnerContext())
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM system_configs WHERE key LIKE 'referral_%'");
        }

        Assert.Equal(50, await GrowthTestData.PointsAsync(pg, inviter.UserId!.Value));
        Assert.Equal(15, await GrowthTestData.PointsAsync(pg, invitee.UserId!.Value));
    }

    [Fact]
    public async Task Bind_Self_SecondInviter_OlderAccount_Unknown_AreRefused()
    {
        var (inviter, code, invitee) = await PairAsync();
        var (_, otherCode, _) = await PairAsync();
        var old = await pg.CreateUserAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.Users.Where(u => u.Id == old.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, DateTimeOffset.UtcNow.AddDays(-30)));
        }

        Assert.Equal(InviteRules.Self, Error(await Invites(inviter).BindAsync(code)));
        Assert.Equal(InviteRules.OlderAccount, Error(await Invites(old).BindAsync(code)));
        Assert.Equal(InviteRules.Unknown, Error(await Invites(invitee).BindAsync("ZZZZZZZZ")));
        Assert.Equal(InviteRules.Empty, Error(await Invites(invitee).BindAsync(" ")));
        Assert.True((await Invites(invitee).BindAsync(code)).Succeeded);
        Assert.Equal(InviteRules.AlreadyBound, Error(await Invites(invitee).BindAsync(otherCode)));
        Assert.Empty(await GrowthTestData.LedgerAsync(pg, old.UserId!.Value));
    }

    [Fact]
    public async Task Bind_ConcurrentlyWithTwoCodes_BindsOnceAndRewardsOnce()
    {
        var (_, first, invitee) = await PairAsync();
        var (_, second, _) = await PairAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Invites(invitee).BindAsync(i % 2 == 0 ? first : second))));

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(InviteRules.AlreadyBound, Error(r)));
        Assert.Equal(10, await GrowthTestData.PointsAsync(pg, invitee.UserId!.Value));
        await GrowthTestData.AssertLedgerSumsToWalletsAsync(pg);
    }

    [Fact]
    public async Task Rls_OthersCannotReadCodesOrReferrals_NorBindPastThePolicy()
    {
        var (inviter, code, invitee) = await PairAsync();
        await Invites(invitee).BindAsync(code);
        var stranger = await pg.CreateUserAsync();
        var old = await pg.CreateUserAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.Users.Where(u => u.Id == old.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, DateTimeOffset.UtcNow.AddDays(-30)));
        }

        var (codes, relations) = await pg.Db(stranger).RunAsync(async (db, _) =>
            (await db.InviteCodes.CountAsync(c => c.UserId == inviter.UserId), await db.ReferralRelations.CountAsync(r => r.InviterUserId == inviter.UserId)));

        Assert.Equal((0, 0), (codes, relations));
        // The service refuses an older account; so does the database, even when the code is named.
        Assert.True(await InsertRefusedAsync(old, inviter.UserId!.Value, code));
        // Binding oneself to a code that is someone else's.
        Assert.True(await InsertRefusedAsync(stranger, invitee.UserId!.Value, code));
    }

    private async Task<bool> InsertRefusedAsync(UserContext user, Guid inviter, string code)
    {
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('app.user_id', @u, true), set_config('app.invite_code', @code, true)", conn, tx))
        {
            set.Parameters.AddWithValue("u", user.UserId!.Value.ToString());
            set.Parameters.AddWithValue("code", code);
            await set.ExecuteNonQueryAsync();
        }

        try
        {
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO profile_referral_relation (invitee_user_id, inviter_user_id, invite_code, inviter_reward_granted, invitee_reward_granted) VALUES (@me, @inviter, @code, true, true)", conn, tx);
            cmd.Parameters.AddWithValue("me", user.UserId!.Value);
            cmd.Parameters.AddWithValue("inviter", inviter);
            cmd.Parameters.AddWithValue("code", code);
            await cmd.ExecuteNonQueryAsync();
            return false;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return true;
        }
    }
}
