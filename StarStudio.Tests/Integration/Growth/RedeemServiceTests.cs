using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Growth;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>Redeem codes on the real PostgreSQL: the three modes, every refusal, and concurrency against max_uses.</summary>
public sealed class RedeemServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private RedeemService Redeem(UserContext user) => new(pg.Db(user), TimeProvider.System);

    private RedeemCodeAdminService Admin(UserContext user) => new(pg.Db(user), TimeProvider.System);

    private async Task<string> CodeAsync(RedeemCodeMode mode = RedeemCodeMode.Public, int maxUses = 10, long reward = 5, Guid[]? allowed = null,
        bool enabled = true, DateTimeOffset? starts = null, DateTimeOffset? expires = null)
    {
        var code = "T" + RedeemCodeRules.Generate(11);
        await using var db = pg.OwnerContext();
        db.RedeemCodes.Add(new RedeemCode
        {
            Code = code, Mode = mode, RewardPoints = reward, MaxUses = mode == RedeemCodeMode.Unique ? 1 : maxUses, Enabled = enabled,
            AllowedUserIds = allowed ?? [], StartsAt = starts, ExpiresAt = expires, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return code;
    }

    private async Task<int> UsedAsync(string code)
    {
        await using var db = pg.OwnerContext();
        return await db.RedeemCodes.Where(c => c.Code == code).Select(c => c.GlobalUsedCount).SingleAsync();
    }

    private static string? Error<T>(Result<T> r) => r.Errors.FirstOrDefault()?.Code;

    [Fact]
    public async Task Public_EachUserOnce_CaseInsensitive()
    {
        var code = await CodeAsync(reward: 8);
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();

        var first = await Redeem(a).RedeemAsync(" " + code.ToLowerInvariant() + " ");
        var again = await Redeem(a).RedeemAsync(code);
        var other = await Redeem(b).RedeemAsync(code);

        Assert.Equal(new RedeemResult(code, 8), first.Value);
        Assert.Equal(RedeemErrors.AlreadyUsed, Error(again));
        Assert.True(other.Succeeded);
        Assert.Equal(2, await UsedAsync(code));
        Assert.Equal([($"redeem:{code}:{a.UserId}", 8m, LedgerSource.RedeemCode)], await GrowthTestData.LedgerAsync(pg, a.UserId!.Value));
    }

    [Fact]
    public async Task Public_ParallelRedeemsOfManyUsers_NeverPassMaxUses()
    {
        var code = await CodeAsync(maxUses: 5, reward: 3);
        var users = new List<UserContext>();
        for (var i = 0; i < 12; i++)
        {
            users.Add(await pg.CreateUserAsync());
        }

        var results = await Task.WhenAll(users.Select(u => Task.Run(() => Redeem(u).RedeemAsync(code))));

        Assert.Equal(5, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(RedeemErrors.UsedUp, Error(r)));
        Assert.Equal(5, await UsedAsync(code));
        await using var db = pg.OwnerContext();
        Assert.Equal(5, await db.WalletLedger.CountAsync(l => l.ReferenceId == code));
        Assert.Equal(5, await db.RedeemCodeUsages.CountAsync(u => u.Code == code));
        await GrowthTestData.AssertLedgerSumsToWalletsAsync(pg);
    }

    [Fact]
    public async Task SameUser_DoubleClicks_BookOnce()
    {
        var code = await CodeAsync(maxUses: 100, reward: 4);
        var u = await pg.CreateUserAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Redeem(u).RedeemAsync(code))));

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(RedeemErrors.AlreadyUsed, Error(r)));
        Assert.Equal(4, await GrowthTestData.PointsAsync(pg, u.UserId!.Value));
        Assert.Equal(1, await UsedAsync(code));
    }

    [Fact]
    public async Task Unique_OneUseInTotal()
    {
        var code = await CodeAsync(RedeemCodeMode.Unique);
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();

        Assert.True((await Redeem(a).RedeemAsync(code)).Succeeded);
        Assert.Equal(RedeemErrors.UsedUp, Error(await Redeem(b).RedeemAsync(code)));
    }

    [Fact]
    public async Task Private_OnlyListedUsers()
    {
        var listed = await pg.CreateUserAsync();
        var stranger = await pg.CreateUserAsync();
        var code = await CodeAsync(RedeemCodeMode.Private, allowed: [listed.UserId!.Value]);

        var refused = await Redeem(stranger).RedeemAsync(code);
        var granted = await Redeem(listed).RedeemAsync(code);

        Assert.Equal(RedeemErrors.NotForYou, Error(refused));
        Assert.True(granted.Succeeded);
        Assert.Empty(await GrowthTestData.LedgerAsync(pg, stranger.UserId!.Value));
        Assert.Equal(1, await UsedAsync(code));
    }

    [Fact]
    public async Task Refusals_UnknownDisabledExpiredNotYetValid_BookNothing()
    {
        var u = await pg.CreateUserAsync();
        var disabled = await CodeAsync(enabled: false);
        var expired = await CodeAsync(expires: DateTimeOffset.UtcNow.AddMinutes(-1));
        var early = await CodeAsync(starts: DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(RedeemErrors.Unknown, Error(await Redeem(u).RedeemAsync("NOSUCHCODE1")));
        Assert.Equal(RedeemErrors.Unknown, Error(await Redeem(u).RedeemAsync("bad code!")));
        Assert.Equal(RedeemErrors.Empty, Error(await Redeem(u).RedeemAsync("  ")));
        Assert.Equal(RedeemErrors.Disabled, Error(await Redeem(u).RedeemAsync(disabled)));
        Assert.Equal(RedeemErrors.Expired, Error(await Redeem(u).RedeemAsync(expired)));
        Assert.Equal(RedeemErrors.NotYetValid, Error(await Redeem(u).RedeemAsync(early)));
        Assert.Empty(await GrowthTestData.LedgerAsync(pg, u.UserId!.Value));
    }

    [Fact]
    public async Task Admin_GeneratesABatchOfDistinctCodesThatWork()
    {
        var admin = await pg.CreateAdminAsync();
        var user = await pg.CreateUserAsync();

        var batch = (await Admin(admin).GenerateAsync(new RedeemCodeDraft { Mode = RedeemCodeMode.Unique, RewardPoints = 6 }, 50)).Value!;
        var page = (await Admin(admin).ListAsync(batch.BatchId, 0, 100)).Value!;

        Assert.Equal(50, batch.Codes.Distinct().Count());
        Assert.All(batch.Codes, c => Assert.True(c.All(RedeemCodeRules.Alphabet.Contains)));
        Assert.Equal(50, page.TotalCount);
        Assert.StartsWith("code\n", batch.ToCsv(), StringComparison.Ordinal);
        Assert.True((await Redeem(user).RedeemAsync(batch.Codes[0].ToLowerInvariant())).Succeeded);
        Assert.Equal(1, (await Admin(admin).ListAsync(batch.Codes[0], 0, 10)).Value!.Items.Single().UsedCount);
    }

    [Fact]
    public async Task Admin_PrivateCodeByEmail_AndDisable()
    {
        var admin = await pg.CreateAdminAsync();
        var listed = await pg.CreateUserAsync("listed-" + Guid.NewGuid().ToString("N")[..6] + "@example.test");
        var email = await EmailAsync(listed.UserId!.Value);

        var unknown = await Admin(admin).CreateAsync(new RedeemCodeDraft { Code = "PRIV" + RedeemCodeRules.Generate(6), Mode = RedeemCodeMode.Private, AllowedUsers = ["nobody@example.test"] });
        var created = (await Admin(admin).CreateAsync(new RedeemCodeDraft { Code = "priv_" + RedeemCodeRules.Generate(6), Mode = RedeemCodeMode.Private, MaxUses = 1, AllowedUsers = [email.ToUpperInvariant()] })).Value!;
        await Admin(admin).SetEnabledAsync(created.Code, false);
        var whileOff = await Redeem(listed).RedeemAsync(created.Code);
        await Admin(admin).SetEnabledAsync(created.Code, true);

        Assert.Equal("Growth.RedeemCode.AllowedUsers.Unknown", Error(unknown));
        Assert.Equal(1, created.AllowedUserCount);
        Assert.Equal(created.Code, created.Code.ToUpperInvariant());
        Assert.Equal(RedeemErrors.Disabled, Error(whileOff));
        Assert.True((await Redeem(listed).RedeemAsync(created.Code)).Succeeded);
    }

    [Fact]
    public async Task NonAdmins_CannotListCreateOrGenerate()
    {
        var user = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.Forbidden, (await Admin(user).ListAsync(null, 0, 10)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Admin(user).CreateAsync(new RedeemCodeDraft { Code = "MINE1234" })).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Admin(user).GenerateAsync(new RedeemCodeDraft(), 5)).Kind);
    }

    [Fact]
    public async Task Rls_CodesAreHiddenAndOnlyOneUseCanBeAdded()
    {
        var code = await CodeAsync(reward: 5);
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        await Redeem(a).RedeemAsync(code);

        var visible = await pg.Db(b).RunAsync((db, _) => db.RedeemCodes.CountAsync());
        var usages = await pg.Db(b).RunAsync((db, _) => db.RedeemCodeUsages.CountAsync(u => u.Code == code));
        var raise = await RefusedAsync(b, code, "UPDATE profile_redeem_code SET reward_points = 1000 WHERE code = @code");
        var skip = await RefusedAsync(b, code, "UPDATE profile_redeem_code SET global_used_count = 0 WHERE code = @code");
        var insert = await RefusedAsync(b, code, "INSERT INTO profile_redeem_code (code, mode, reward_points, max_uses, enabled) VALUES ('MINE' || substr(@code, 1, 8), 'public', 1000, 10, true)");

        Assert.Equal((0, 0), (visible, usages));
        Assert.True(raise && skip && insert);
    }

    private async Task<string> EmailAsync(Guid user)
    {
        await using var db = pg.OwnerContext();
        return await db.Users.Where(u => u.Id == user).Select(u => u.Email!).SingleAsync();
    }

    /// <summary>Runs SQL as the app role for <paramref name="user"/>, with the code named as a redemption names it.</summary>
    private async Task<bool> RefusedAsync(UserContext user, string code, string sql)
    {
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('app.user_id', @u, true), set_config('app.redeem_code', @code, true)", conn, tx))
        {
            set.Parameters.AddWithValue("u", user.UserId!.Value.ToString());
            set.Parameters.AddWithValue("code", code);
            await set.ExecuteNonQueryAsync();
        }

        try
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
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
