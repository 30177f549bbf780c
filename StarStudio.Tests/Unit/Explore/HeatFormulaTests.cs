using StarStudio.Core.Explore;

namespace StarStudio.Tests.Unit.Explore;

public sealed class HeatFormulaTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);

    [Fact]
    public void Weight_HalvesEveryTwoDays_AndIsZeroOutsideTheSevenDayWindow()
    {
        Assert.Equal(1.0, HeatFormula.Weight(0));
        Assert.Equal(0.5, HeatFormula.Weight(2), 10);
        Assert.Equal(0.125, HeatFormula.Weight(6), 10);
        Assert.Equal(0.0, HeatFormula.Weight(7));
        Assert.Equal(0.0, HeatFormula.Weight(-1));
    }

    [Fact]
    public void Compute_PlaysAndLikes_WeighedByAge_LikeWorthThreePlays()
    {
        var heat = HeatFormula.Compute(Today, [(Today, 4), (Today.AddDays(-2), 2), (Today.AddDays(-9), 100)], [Today, Today.AddDays(-4)]);

        // 4·1 + 2·0.5 + 0 (outside) + 3·1 + 3·0.25
        Assert.Equal(8.75, heat);
    }

    [Fact]
    public void Compute_SameActivity_NewerIsHotter()
    {
        var fresh = HeatFormula.Compute(Today, [(Today, 10)], []);
        var stale = HeatFormula.Compute(Today, [(Today.AddDays(-5), 10)], []);

        Assert.True(fresh > stale);
        Assert.Equal(0, HeatFormula.Compute(Today, [], []));
    }

    [Fact]
    public void Compute_RoundsToFourDecimals_AsTheSqlDoes()
    {
        var heat = HeatFormula.Compute(Today, [(Today.AddDays(-1), 1)], []);

        Assert.Equal(0.7071, heat);
    }
}
