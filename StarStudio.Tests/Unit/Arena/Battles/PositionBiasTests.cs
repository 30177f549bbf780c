using StarStudio.Core.Arena.Battles;

namespace StarStudio.Tests.Unit.Arena.Battles;

public class PositionBiasTests
{
    [Fact]
    public void Report_MatchesTheWilsonIntervalWorkedByHand()
    {
        // 60 of 100: centre = (0.6 + 1.92/100) / 1.0384 = 0.59630; half = 1.95996/1.0384 · √(0.0024 + 0.000096) = 0.09431.
        var r = PositionBias.Report(60, 100);

        Assert.Equal(0.6, r.LeftShare);
        Assert.Equal(0.50200, r.Low, 4);
        Assert.Equal(0.69061, r.High, 4);
        Assert.True(r.DiffersFromHalf);
    }

    [Fact]
    public void Report_BalancedVotes_DoNotDiffer()
    {
        var r = PositionBias.Report(52, 100);

        Assert.InRange(0.5, r.Low, r.High);
        Assert.False(r.DiffersFromHalf);
    }

    [Fact]
    public void Report_FewVotes_WideInterval_AllLeftStillDiffersOnlyWithEnoughVotes()
    {
        Assert.False(PositionBias.Report(2, 2).DiffersFromHalf); // [0.34, 1]
        Assert.True(PositionBias.Report(6, 6).DiffersFromHalf); // [0.61, 1]
        Assert.Equal(1.0, PositionBias.Report(6, 6).High, 9);
    }

    [Fact]
    public void Report_NoDecisiveVotes_HasNoShare()
    {
        var r = PositionBias.Report(0, 0);

        Assert.Null(r.LeftShare);
        Assert.False(r.DiffersFromHalf);
        Assert.Equal((0.0, 1.0), (r.Low, r.High));
    }

    [Fact]
    public void Report_MoreWinsThanVotes_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PositionBias.Report(3, 2));
}
