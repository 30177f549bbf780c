using StarStudio.Core.Knowledge;

namespace StarStudio.Tests.Unit.Knowledge;

public sealed class KnowledgeTaskRunsRulesTests
{
    [Theory]
    [InlineData(0, 3, false)]
    [InlineData(2, 3, false)]
    [InlineData(3, 3, true)]
    [InlineData(1, 1, true)]
    public void ShouldGiveUp_AtTheLimit(int interrupted, int max, bool expected) =>
        Assert.Equal(expected, KnowledgeTaskRuns.ShouldGiveUp(interrupted, max));

    [Fact]
    public void Options_RenewThreeTimesPerLease() =>
        Assert.Equal(TimeSpan.FromSeconds(20), new KnowledgeJobOptions { LeaseDuration = TimeSpan.FromMinutes(1) }.RenewEvery);
}
