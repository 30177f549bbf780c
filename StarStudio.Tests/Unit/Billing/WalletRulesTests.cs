using StarStudio.Core.Billing;
using StarStudio.Core.Common;

namespace StarStudio.Tests.Unit.Billing;

public sealed class WalletRulesTests
{
    private static readonly Guid User = Guid.NewGuid();

    [Theory]
    [InlineData(WalletCurrency.Points, 10, true)]
    [InlineData(WalletCurrency.Points, 1.5, false)]
    [InlineData(WalletCurrency.Balance, 1.5, true)]
    [InlineData(WalletCurrency.Balance, 0.0001, true)]
    [InlineData(WalletCurrency.Balance, 0.00001, false)]
    [InlineData(WalletCurrency.Balance, 0, false)]
    [InlineData(WalletCurrency.Balance, 1000000001, false)]
    public void Validate_Amounts(WalletCurrency currency, double amount, bool ok)
    {
        var errors = WalletRules.Validate(new LedgerPosting("k", User, currency, (decimal)amount, LedgerSource.Recharge));
        Assert.Equal(ok, errors.Count == 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a\nb")]
    public void Validate_RefusesBlankAndControlKeys(string key) =>
        Assert.Contains(WalletRules.Validate(new LedgerPosting(key, User, WalletCurrency.Points, 1, LedgerSource.Recharge)), e => e.Code == WalletRules.InvalidKeyCode);

    [Fact]
    public void Validate_RefusesOverlongKeys() =>
        Assert.NotEmpty(WalletRules.Validate(new LedgerPosting(new string('k', WalletRules.KeyMaxLength + 1), User, WalletCurrency.Points, 1, LedgerSource.Recharge)));

    [Fact]
    public void RegistrationKey_IsTheSeedsId() =>
        Assert.Equal($"new-user-registration:{User}", WalletRules.RegistrationKey(User));

    [Fact]
    public void RoundMoney_RoundsHalfAwayFromZeroToFourDecimals()
    {
        Assert.Equal(0.0002m, WalletRules.RoundMoney(0.00015m));
        Assert.Equal(-0.0002m, WalletRules.RoundMoney(-0.00015m));
    }

    [Fact]
    public void Adjustment_NeedsAReasonAndAWholeNumberOfPoints()
    {
        var ok = new WalletAdjustment(User, WalletCurrency.Points, -5, "退还", Guid.NewGuid());
        Assert.Empty(WalletAdjustmentRules.Validate(ok));
        Assert.Contains(WalletAdjustmentRules.Validate(ok with { Amount = 2.5m }), e => e.Field == "Amount");
        Assert.Contains(WalletAdjustmentRules.Validate(ok with { Reason = "x" }), e => e.Field == "Reason");
        Assert.Contains(WalletAdjustmentRules.Validate(ok with { Amount = WalletAdjustmentRules.MaxAdjustment + 1 }), e => e.Field == "Amount");
    }

    [Fact]
    public void FillDays_CarriesTheClosingThroughQuietDays()
    {
        var d = new DateOnly(2026, 12, 1);
        var days = WalletAdjustmentRules.FillDays(d, d.AddDays(4), 5m,
            [new DailyBalance(d.AddDays(1), 15m, 10m, 0m), new DailyBalance(d.AddDays(3), 12m, 0m, 3m)]);

        Assert.Equal([5m, 15m, 15m, 12m, 12m], days.Select(x => x.Closing));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => d.AddDays(i)), days.Select(x => x.Day));
    }

    [Fact]
    public void BeijingDay_TurnsAtSixteenUtc()
    {
        Assert.Equal(20261205, BeijingTime.DayKey(new DateTimeOffset(2026, 12, 5, 15, 59, 59, TimeSpan.Zero)));
        Assert.Equal(20261206, BeijingTime.DayKey(new DateTimeOffset(2026, 12, 5, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 16, 0, 0, TimeSpan.Zero), BeijingTime.StartOf(new DateOnly(2026, 12, 6)));
    }

    [Fact]
    public void BeijingFormat_ShowsTheBeijingClock()
    {
        var at = new DateTimeOffset(2026, 12, 5, 16, 30, 0, TimeSpan.Zero);
        Assert.Equal("2026-12-06 00:30", BeijingTime.Format(at));
        Assert.Equal("2026-12-06", BeijingTime.FormatDate(at));
    }

    [Theory]
    [InlineData(" ab-cd 1234 ", null, "ABCD1234")]
    [InlineData("   ", "empty", "")]
    [InlineData("坏码!!", "unknown", "坏码!!")]
    public void ReadingATypedCode_NormalizesOrSaysWhyNot(string typed, string? refusal, string normalized)
    {
        Assert.Equal(refusal, StarStudio.Core.Growth.RedeemCodeRules.Read(typed, "empty", "unknown", out var n));
        Assert.Equal(normalized, n);
    }
}
