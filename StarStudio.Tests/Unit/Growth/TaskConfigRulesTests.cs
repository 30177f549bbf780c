using StarStudio.Core.Growth;

namespace StarStudio.Tests.Unit.Growth;

public class TaskConfigRulesTests
{
    [Fact]
    public void Validate_GoodDraft_HasNoErrors() =>
        Assert.Empty(TaskConfigRules.Validate(new TaskConfigDraft { TaskId = "daily_sign_in", TitleZh = "每日登录", EventKey = GrowthEventKeys.SignIn }));

    [Fact]
    public void Validate_BadFields_AreEachReported()
    {
        var errors = TaskConfigRules.Validate(new TaskConfigDraft
        {
            TaskId = "Daily Sign:In",
            TitleZh = " ",
            EventKey = "page_view",
            Threshold = 0,
            RewardPoints = 0,
        });

        Assert.Equal(["TaskId", "TitleZh", "EventKey", "Threshold", "RewardPoints"], errors.Select(e => e.Field));
    }

    [Fact]
    public void TaskView_CanClaim_OnlyWhenFinishedAndUnclaimed()
    {
        var view = new TaskView("t", "任务", null, "", GrowthEventKeys.ChatMessage, TaskCycle.Daily, 3, 5, 20261205, 2, false);
        Assert.False(view.CanClaim);
        Assert.True((view with { Progress = 3 }).CanClaim);
        Assert.False((view with { Progress = 4, Claimed = true }).CanClaim);
    }
}
