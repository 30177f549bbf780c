using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Admin.Billing;
using StarStudio.Web.Components.Me.Wallet;

namespace StarStudio.Tests.Components.Me;

public sealed class WalletPanelTests : ComponentTest
{
    private readonly FakeWallet wallet = new();

    public WalletPanelTests() => Context.Services.AddSingleton<IWalletService>(wallet);

    private static LedgerEntry Row(long seq, WalletCurrency currency, decimal amount, decimal after, LedgerSource source, string? memo = null) =>
        new($"k{seq}", seq, FakeWallet.Me, currency, amount, after - amount, after, source, null, null, memo, DateTimeOffset.UtcNow);

    [Fact]
    public void WalletPanel_ShowsTotalsTheChartAndTheNewestRowsWithLocalizedSources()
    {
        wallet.Snapshot = new WalletSnapshot(FakeWallet.Me, 17, 30.5m, 10m);
        wallet.Rows[WalletCurrency.Points] = [Row(2, WalletCurrency.Points, 7, 17, LedgerSource.DailyTask), Row(1, WalletCurrency.Points, 10, 10, LedgerSource.Registration)];

        var cut = Render<WalletPanel>(_ => { });

        Assert.Equal("17", cut.Find("[data-testid=wallet-points]").TextContent);
        Assert.Contains("30.50", cut.Find("[data-testid=wallet-balance]").TextContent);
        Assert.Contains("20.50", cut.Find("[data-testid=wallet-frozen]").TextContent);
        var rows = cut.FindAll("[data-testid=ledger-row]");
        Assert.Equal(2, rows.Count);
        Assert.Contains("任务奖励", rows[0].TextContent);
        Assert.Contains("注册奖励", rows[1].TextContent);
        Assert.Equal("+7", rows[0].QuerySelector("[data-testid=ledger-amount]")!.TextContent);
        Assert.Equal(30, wallet.ChartDays);
    }

    [Fact]
    public async Task WalletPanel_OlderEntries_LoadTheNextKeysetPage()
    {
        wallet.Rows[WalletCurrency.Points] = Enumerable.Range(1, WalletPanel.PageSize + 5).Reverse()
            .Select(i => Row(i, WalletCurrency.Points, 1, i, LedgerSource.DailyTask)).ToList();

        var cut = Render<WalletPanel>(_ => { });
        Assert.Equal(WalletPanel.PageSize, cut.FindAll("[data-testid=ledger-row]").Count);

        await cut.Find("[data-testid=ledger-more] ").ClickAsync();

        Assert.Equal(WalletPanel.PageSize + 5, cut.FindAll("[data-testid=ledger-row]").Count);
        Assert.Empty(cut.FindAll("[data-testid=ledger-more]"));
        Assert.Equal([null, 6L], wallet.Cursors);
    }

    [Fact]
    public async Task WalletPanel_SwitchingToBalance_ShowsTheBalanceLedger()
    {
        wallet.Rows[WalletCurrency.Balance] = [Row(9, WalletCurrency.Balance, -0.0125m, 4.9875m, LedgerSource.ModelUsage)];

        var cut = Render<WalletPanel>(_ => { });
        Assert.NotNull(cut.Find("[data-testid=ledger-empty]"));
        await cut.FindAll("[data-testid=wallet-currency] .mud-toggle-item").Last().ClickAsync();

        var row = cut.Find("[data-testid=ledger-row]");
        Assert.Contains("模型用量", row.TextContent);
        Assert.Equal("-0.0125", row.QuerySelector("[data-testid=ledger-amount]")!.TextContent);
    }

    [Fact]
    public void WalletPanel_AFailedRead_SaysSoInsteadOfShowingZeros()
    {
        wallet.Fail = true;

        var cut = Render<WalletPanel>(_ => { });

        Assert.NotNull(cut.Find("[data-testid=wallet-error]"));
        Assert.Empty(cut.FindAll("[data-testid=wallet-points]"));
    }

    [Fact]
    public async Task WalletsPage_AnInvalidAdjustment_ShowsTheErrorsAtTheFields_AndADoubleSubmitReusesTheRequest()
    {
        wallet.Found = [new UserWallet(FakeWallet.Me, "a@example.test", "阿星", new WalletSnapshot(FakeWallet.Me, 3, 0, 0))];
        Context.Render<MudPopoverProvider>();
        var cut = Context.Render<WalletsPage>();
        await cut.Find("input[data-testid=wallets-search]").InputAsync("阿星");
        await cut.Find("[data-testid=wallets-search-go]").ClickAsync();
        await cut.Find("[data-testid=wallets-open]").ClickAsync();

        await cut.Find("[data-testid=adjust-submit]").ClickAsync();
        var fieldErrors = cut.FindAll(".mud-input-control.mud-input-error").Select(e => e.TextContent).ToList();
        Assert.Contains(fieldErrors, t => t.Contains("整数积分") && t.Contains("数额"));
        Assert.Contains(fieldErrors, t => t.Contains("请填写") && t.Contains("原因"));
        await cut.Find("[data-testid=adjust-submit]").ClickAsync();

        Assert.Equal(2, wallet.Adjustments.Count);
        Assert.Single(wallet.Adjustments.Select(a => a.RequestId).Distinct());
    }

    private sealed class FakeWallet : IWalletService
    {
        public static readonly Guid Me = Guid.NewGuid();
        public WalletSnapshot Snapshot { get; set; } = WalletSnapshot.Empty(Me);
        public Dictionary<WalletCurrency, List<LedgerEntry>> Rows { get; } = new() { [WalletCurrency.Points] = [], [WalletCurrency.Balance] = [] };
        public List<long?> Cursors { get; } = [];
        public List<WalletAdjustment> Adjustments { get; } = [];
        public IReadOnlyList<UserWallet> Found { get; set; } = [];
        public int ChartDays { get; private set; }
        public bool Fail { get; set; }

        public Task<Result<WalletSnapshot>> GetMineAsync(CancellationToken ct = default) =>
            Task.FromResult(Fail ? Result<WalletSnapshot>.Forbidden() : Result<WalletSnapshot>.Ok(Snapshot));

        public Task<Result<LedgerPage>> GetLedgerAsync(WalletCurrency currency, long? before, int pageSize, Guid? userId = null, CancellationToken ct = default)
        {
            if (currency == WalletCurrency.Points)
            {
                Cursors.Add(before);
            }

            var rows = Rows[currency].Where(r => before is null || r.Seq < before).Take(pageSize + 1).ToList();
            var items = rows.Take(pageSize).ToList();
            return Task.FromResult(Result<LedgerPage>.Ok(new LedgerPage(items, rows.Count > pageSize ? items[^1].Seq : null)));
        }

        public Task<Result<IReadOnlyList<DailyBalance>>> GetDailyBalancesAsync(WalletCurrency currency, int dayCount, CancellationToken ct = default)
        {
            ChartDays = dayCount;
            var today = DateOnly.FromDateTime(DateTime.Today);
            return Task.FromResult(Result<IReadOnlyList<DailyBalance>>.Ok(
                Enumerable.Range(0, dayCount).Select(i => new DailyBalance(today.AddDays(i - dayCount + 1), i, 0, 0)).ToList()));
        }

        public Task<Result<IReadOnlyList<UserWallet>>> FindUsersAsync(string query, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<UserWallet>>.Ok(Found));

        public Task<Result<LedgerEntry>> AdjustAsync(WalletAdjustment adjustment, CancellationToken ct = default)
        {
            Adjustments.Add(adjustment);
            var errors = WalletAdjustmentRules.Validate(adjustment);
            return Task.FromResult(Result<LedgerEntry>.Invalid(errors));
        }
    }
}
