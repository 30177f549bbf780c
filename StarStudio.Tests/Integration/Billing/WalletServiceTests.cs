using StarStudio.TestSupport;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Data.Billing;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>Reading wallets and ledgers, the chart, and admins' adjustments, as the services run them.</summary>
public sealed class WalletServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);

    private IWalletService Service(UserContext user) => new WalletService(pg.Db(user), clock);

    private Task BookAsync(UserContext user, string key, WalletCurrency currency, decimal amount) =>
        pg.Db(user).RunAsync((db, _) => WalletPostings.PostAsync(db, new LedgerPosting(key, user.UserId!.Value, currency, amount, LedgerSource.DailyTask)));

    [Fact]
    public async Task Ledger_PagesByKeyset_NewestFirst_WithoutGapsOrRepeats()
    {
        var u = await pg.CreateUserAsync();
        for (var i = 1; i <= 25; i++)
        {
            await BookAsync(u, $"p{i}:{u.UserId}", WalletCurrency.Points, i);
        }

        var seen = new List<LedgerEntry>();
        long? before = null;
        do
        {
            var page = (await Service(u).GetLedgerAsync(WalletCurrency.Points, before, 10)).Value!;
            seen.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);

        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => (decimal)i), seen.Select(e => e.Amount));
        Assert.Equal(325m, seen[0].BalanceAfter);
        Assert.Empty((await Service(u).GetLedgerAsync(WalletCurrency.Balance, null, 10)).Value!.Items);
        Assert.Equal(325, (await Service(u).GetMineAsync()).Value!.Points);
    }

    [Fact]
    public async Task Ledger_OfAnotherUser_IsForAdminsOnly_AndRlsHidesItAnyway()
    {
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        await BookAsync(a, $"a:{a.UserId}", WalletCurrency.Points, 7);

        Assert.Equal(ResultKind.Forbidden, (await Service(b).GetLedgerAsync(WalletCurrency.Points, null, 10, a.UserId)).Kind);
        var admin = await pg.CreateAdminAsync();
        Assert.Single((await Service(admin).GetLedgerAsync(WalletCurrency.Points, null, 10, a.UserId)).Value!.Items);

        // Past the service check, the policy still shows B nothing of A's.
        var rows = await pg.Db(b).RunAsync((db, _) => Task.FromResult(db.WalletLedger.Count() + db.UserBalances.Count()));
        Assert.Equal(0, rows);
    }

    [Fact]
    public async Task DailyBalances_FillEveryBeijingDay_FromTheOpeningOfTheWindow()
    {
        var u = await pg.CreateUserAsync();
        await BookAsync(u, $"d1:{u.UserId}", WalletCurrency.Points, 10);
        await BookAsync(u, $"d2:{u.UserId}", WalletCurrency.Points, -3);

        var days = (await Service(u).GetDailyBalancesAsync(WalletCurrency.Points, 7)).Value!;

        Assert.Equal(7, days.Count);
        Assert.Equal(BeijingTime.Day(clock.GetUtcNow()), days[^1].Day);
        Assert.Equal((7m, 10m, 3m), (days[^1].Closing, days[^1].Credited, days[^1].Debited));
        Assert.All(days.Take(6), d => Assert.Equal(0m, d.Closing));
    }

    [Fact]
    public async Task Adjust_ByAnAdmin_BooksOnceWithTheReason_AndIsRefusedOtherwise()
    {
        var u = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var request = new WalletAdjustment(u.UserId!.Value, WalletCurrency.Balance, 12.3456m, "补偿故障", Guid.NewGuid());

        var first = await Service(admin).AdjustAsync(request);
        var second = await Service(admin).AdjustAsync(request);

        Assert.True(first.Succeeded);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(("补偿故障", LedgerSource.AdminAdjustment), (first.Value!.Memo, first.Value.Source));
        Assert.Equal(12.3456m, (await Service(u).GetMineAsync()).Value!.Balance);

        Assert.Equal(ResultKind.Forbidden, (await Service(u).AdjustAsync(request with { RequestId = Guid.NewGuid() })).Kind);
        var overdraw = await Service(admin).AdjustAsync(request with { Amount = -20m, RequestId = Guid.NewGuid() });
        Assert.Equal(WalletRules.InsufficientCode, Assert.Single(overdraw.Errors).Code);
        var noReason = await Service(admin).AdjustAsync(request with { Reason = " ", RequestId = Guid.NewGuid() });
        Assert.Equal(nameof(WalletAdjustment.Reason), Assert.Single(noReason.Errors).Field);
        Assert.Equal(12.3456m, (await Service(u).GetMineAsync()).Value!.Balance);
    }

    [Fact]
    public async Task FindUsers_IsForAdmins_AndShowsWallets()
    {
        var u = await pg.CreateUserAsync($"findme-{Guid.NewGuid():N}@example.test");
        await BookAsync(u, $"f:{u.UserId}", WalletCurrency.Points, 4);
        var admin = await pg.CreateAdminAsync();

        var found = (await Service(admin).FindUsersAsync("findme-")).Value!;

        Assert.Contains(found, w => w.UserId == u.UserId && w.Wallet.Points == 4);
        Assert.Equal(ResultKind.Forbidden, (await Service(u).FindUsersAsync("findme-")).Kind);
    }
}
