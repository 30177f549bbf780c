using StarStudio.Core.Knowledge;

namespace StarStudio.Tests.Unit.Knowledge;

public sealed class KnowledgeTaskRunsRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(KnowledgeTaskStatus.Pending, null, true)]
    [InlineData(KnowledgeTaskStatus.Processing, null, true)]
    [InlineData(KnowledgeTaskStatus.Processing, -1, true)]
    [InlineData(KnowledgeTaskStatus.Processing, 1, false)]
    [InlineData(KnowledgeTaskStatus.Pending, 30, false)]
    [InlineData(KnowledgeTaskStatus.Completed, null, false)]
    [InlineData(KnowledgeTaskStatus.Failed, -60, false)]
    public void IsClaimable_UnfinishedAndNotHeld(KnowledgeTaskStatus status, int? leaseSecondsFromNow, bool expected)
    {
        DateTimeOffset? lease = leaseSecondsFromNow is { } s ? Now.AddSeconds(s) : null;

        Assert.Equal(expected, KnowledgeTaskRuns.IsClaimable(status, lease, Now));
    }

    [Fact]
    public void ClaimOfATaskLeftProcessing_CountsAnInterruptedRun_PendingDoesNot()
    {
        Assert.Equal(3, KnowledgeTaskRuns.InterruptedRunsAfterClaim(KnowledgeTaskStatus.Processing, 2));
        Assert.Equal(2, KnowledgeTaskRuns.InterruptedRunsAfterClaim(KnowledgeTaskStatus.Pending, 2));
    }

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
