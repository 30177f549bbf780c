using StarStudio.Core.Admin.Chat;
using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Unit.Billing;

public sealed class ModelPriceTests
{
    [Theory]
    [InlineData("0", true)]
    [InlineData("0.000001", true)]
    [InlineData("10000", true)]
    [InlineData("-0.01", false)]
    [InlineData("10000.01", false)]
    [InlineData("0.0000001", false)]
    public void ValidateModel_Prices_AreZeroToTheMaxWithSixDecimals(string price, bool ok)
    {
        var value = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture);
        var errors = ChatModelAdminRules.ValidateModel(new ChatModelDraft { DisplayName = "m", PriceInPer1K = value, PriceOutPer1K = value });

        Assert.Equal(ok ? 0 : 2, errors.Count(e => e.Code == ChatModelAdminRules.PriceInvalid));
    }

    [Fact]
    public void EffectivePrices_TheColumnsWin_ElseTheOlderDefaultParamsKeys()
    {
        const string json = """{"price_in_per_1k":0.002,"price_out_per_1k":0.006}""";

        Assert.Equal((0.01m, 0m), ChatModelResolver.EffectivePrices(0.01m, 0m, json));
        Assert.Equal((0.002m, 0.006m), ChatModelResolver.EffectivePrices(0m, 0m, json));
        Assert.Equal((0m, 0m), ChatModelResolver.EffectivePrices(0m, 0m, "{}"));
    }
}
