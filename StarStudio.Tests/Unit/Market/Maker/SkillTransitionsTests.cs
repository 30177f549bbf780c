using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;

namespace StarStudio.Tests.Unit.Market.Maker;

public class SkillTransitionsTests
{
    private static void AssertRefused<T>(Result<T> r, string field, string code)
    {
        Assert.Equal(ResultKind.Invalid, r.Kind);
        Assert.Contains(r.Errors, e => e.Field == field && e.Code == code);
    }

    [Fact]
    public void Submit_FirstVersion_MovesADraftToPendingReview_APublishedSkillStaysPublished()
    {
        Assert.Equal(SkillStatus.PendingReview, SkillTransitions.Submit(SkillStatus.Draft, "1.0.0", "首个版本", [], false).Value);
        Assert.Equal(SkillStatus.Published, SkillTransitions.Submit(SkillStatus.Published, "1.1.0", "新增城市", ["1.0.0"], false).Value);
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.9.9")]
    [InlineData("1.0.0-rc.1")]
    public void Submit_AVersionNotGreaterThanEveryEarlierOne_IsRefused(string version) =>
        AssertRefused(SkillTransitions.Submit(SkillStatus.Published, version, "x", ["0.1.0", "1.0.0", "0.5.0"], false), "Version", "Market.Version.NotGreater");

    [Fact]
    public void Submit_ComparesWithTheGreatestEarlierVersion_NotTheLastOne()
    {
        // Rejected 2.0.0 still counts: versions are never reused.
        AssertRefused(SkillTransitions.Submit(SkillStatus.Published, "1.5.0", "x", ["2.0.0", "1.0.0"], false), "Version", "Market.Version.NotGreater");
        Assert.True(SkillTransitions.Submit(SkillStatus.Published, "2.0.1", "x", ["2.0.0", "1.0.0"], false).Succeeded);
    }

    [Fact]
    public void Submit_RefusesBadSemver_AnEmptyOrLongChangeLog_ASecondPending_AndSuspendedSkills()
    {
        AssertRefused(SkillTransitions.Submit(SkillStatus.Draft, "1.0", "x", [], false), "Version", "Market.Version.Invalid");
        AssertRefused(SkillTransitions.Submit(SkillStatus.Draft, "1.0.0", "  ", [], false), "ChangeLog", "Market.Version.ChangeLog.Length");
        AssertRefused(SkillTransitions.Submit(SkillStatus.Draft, "1.0.0", new string('a', 2001), [], false), "ChangeLog", "Market.Version.ChangeLog.Length");
        Assert.True(SkillTransitions.Submit(SkillStatus.Draft, "1.0.0", new string('a', 2000), [], false).Succeeded);
        AssertRefused(SkillTransitions.Submit(SkillStatus.PendingReview, "1.0.1", "x", ["1.0.0"], true), "Status", "Market.Version.PendingExists");
        AssertRefused(SkillTransitions.Submit(SkillStatus.Suspended, "9.0.0", "x", ["1.0.0"], false), "Status", "Market.Version.SkillSuspended");
    }

    [Fact]
    public void Withdraw_OnlyPending_AndAFirstSubmissionReturnsToDraft()
    {
        Assert.Equal(SkillStatus.Draft, SkillTransitions.Withdraw(SkillStatus.PendingReview, SkillVersionStatus.PendingReview).Value);
        Assert.Equal(SkillStatus.Published, SkillTransitions.Withdraw(SkillStatus.Published, SkillVersionStatus.PendingReview).Value);
        AssertRefused(SkillTransitions.Withdraw(SkillStatus.Published, SkillVersionStatus.Published), "Status", "Market.Version.NotPending");
        AssertRefused(SkillTransitions.Withdraw(SkillStatus.Draft, SkillVersionStatus.Rejected), "Status", "Market.Version.NotPending");
    }

    [Fact]
    public void Approve_PublishesOnce_NeverASuspendedSkill()
    {
        Assert.Equal(SkillStatus.Published, SkillTransitions.Approve(SkillStatus.PendingReview, SkillVersionStatus.PendingReview).Value);
        Assert.Equal(SkillStatus.Published, SkillTransitions.Approve(SkillStatus.Published, SkillVersionStatus.PendingReview).Value);
        AssertRefused(SkillTransitions.Approve(SkillStatus.Published, SkillVersionStatus.Published), "Status", "Market.Review.AlreadyReviewed");
        AssertRefused(SkillTransitions.Approve(SkillStatus.Draft, SkillVersionStatus.Rejected), "Status", "Market.Review.AlreadyReviewed");
        AssertRefused(SkillTransitions.Approve(SkillStatus.Suspended, SkillVersionStatus.PendingReview), "Status", "Market.Review.SkillSuspended");
    }

    [Fact]
    public void Reject_NeedsAReasonOf1To500_AndSendsAFirstSubmissionBackToDraft()
    {
        Assert.Equal(SkillStatus.Draft, SkillTransitions.Reject(SkillStatus.PendingReview, SkillVersionStatus.PendingReview, "接口返回 500").Value);
        Assert.Equal(SkillStatus.Published, SkillTransitions.Reject(SkillStatus.Published, SkillVersionStatus.PendingReview, "r").Value);
        Assert.True(SkillTransitions.Reject(SkillStatus.Published, SkillVersionStatus.PendingReview, new string('因', 500)).Succeeded);
        AssertRefused(SkillTransitions.Reject(SkillStatus.Published, SkillVersionStatus.PendingReview, " "), "Reason", "Market.Review.Reason.Length");
        AssertRefused(SkillTransitions.Reject(SkillStatus.Published, SkillVersionStatus.PendingReview, new string('因', 501)), "Reason", "Market.Review.Reason.Length");
        AssertRefused(SkillTransitions.Reject(SkillStatus.Draft, SkillVersionStatus.Rejected, "again"), "Status", "Market.Review.AlreadyReviewed");
    }

    [Fact]
    public void Suspend_OnlyPublished_WithAReason_Unsuspend_OnlySuspendedWithAPublishedVersion()
    {
        Assert.Equal(SkillStatus.Suspended, SkillTransitions.Suspend(SkillStatus.Published, "涉嫌违规").Value);
        AssertRefused(SkillTransitions.Suspend(SkillStatus.Published, ""), "Reason", "Market.Review.Reason.Length");
        AssertRefused(SkillTransitions.Suspend(SkillStatus.Draft, "x"), "Status", "Market.Review.NotPublished");
        AssertRefused(SkillTransitions.Suspend(SkillStatus.Suspended, "x"), "Status", "Market.Review.NotPublished");
        Assert.Equal(SkillStatus.Published, SkillTransitions.Unsuspend(SkillStatus.Suspended, true).Value);
        AssertRefused(SkillTransitions.Unsuspend(SkillStatus.Published, true), "Status", "Market.Review.NotSuspended");
        AssertRefused(SkillTransitions.Unsuspend(SkillStatus.Suspended, false), "Status", "Market.Review.NotSuspended");
    }
}
