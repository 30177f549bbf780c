using StarStudio.Core.Billing.Usage;

namespace StarStudio.Tests.Unit.Billing;

public sealed class UsagePricingTests
{
    [Fact]
    public void Cost_IsExact_PerThousandTokens()
    {
        Assert.Equal(0.0042m, UsagePricing.Cost(500, 800, 0.002m, 0.004m)); // 0.001 + 0.0032
        Assert.Equal(0m, UsagePricing.Cost(1000, 1000, 0m, 0m));
        Assert.Equal(0.000002m, UsagePricing.Cost(1, 0, 0.002m, 0m));
        Assert.Equal(0m, UsagePricing.Cost(-5, -5, 1m, 1m));
    }

    [Fact]
    public void Charge_SumsThenRoundsOnceToFourDecimals()
    {
        // 1000 calls of 0.000002 each: rounded one by one they would be free; summed they are 0.002.
        Assert.Equal(0.002m, UsagePricing.Charge(Enumerable.Repeat(0.000002m, 1000), 0));
        Assert.Equal(0.0001m, UsagePricing.Charge([0.00005m], 0)); // half away from zero
        Assert.Equal(0m, UsagePricing.Charge([0.000049m], 0));
        Assert.Equal(1.2346m, UsagePricing.Charge([1.23456m], 0));
    }

    [Fact]
    public void Charge_AppliesTheMembersDiscount()
    {
        Assert.Equal(0.9m, UsagePricing.Charge([1m], 10));
        Assert.Equal(0.8m, UsagePricing.Charge([0.5m, 0.5m], 20));
        Assert.Equal(0.0009m, UsagePricing.Charge([0.00111m], 20)); // 0.000888 → 0.0009
        Assert.Equal(1m, UsagePricing.Charge([1m], -5));
        Assert.Equal(0m, UsagePricing.Charge([1m], 150));
    }

    [Fact]
    public void BatchKey_NamesTheFirstRecord()
    {
        var id = Guid.NewGuid();

        Assert.Equal($"usage:{id}", UsagePricing.BatchKey(id));
    }
}
