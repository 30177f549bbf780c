using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Web.Components.Me.Growth;

namespace StarStudio.Tests.Components.Me.Growth;

public class TasksPanelTests : ComponentTest
{
    private readonly FakeTasks service = new();

    public TasksPanelTests()
    {
        Context.Services.AddSingleton<ITaskService>(service);
        service.Tasks =
        [
            new("daily_sign_in", "每日登录", "Daily sign-in", "", GrowthEventKeys.SignIn, TaskCycle.Daily, 1, 5, 20261205, 1, Claimed: true),
            new("daily_chat", "与智星对话", "Chat", "", GrowthEventKeys.ChatMessage, TaskCycle.Daily, 3, 10, 20261205, 3, Claimed: false),
            new("weekly_knowledge", "添加知识", null, "上传一份文档", GrowthEventKeys.AddKnowledge, TaskCycle.Weekly, 2, 20, 20261130, 1, Claimed: false),
        ];
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<TasksPanel> cut, string id) =>
        cut.FindAll("[data-testid=task-row]").Single(r => r.GetAttribute("data-task-id") == id);

    [Fact]
    public void TasksPanel_Tasks_ShowProgressAndOnlyFinishedOnesCanBeClaimed()
    {
        var cut = Render<TasksPanel>(_ => { });

        Assert.Equal(3, cut.FindAll("[data-testid=task-row]").Count);
        Assert.NotNull(Row(cut, "daily_sign_in").QuerySelector("[data-testid=task-claimed]"));
        Assert.False(Row(cut, "daily_chat").QuerySelector("[data-testid=task-claim]")!.HasAttribute("disabled"));
        var pending = Row(cut, "weekly_knowledge");
        Assert.True(pending.QuerySelector("[data-testid=task-claim]")!.HasAttribute("disabled"));
        Assert.Equal("1 / 2", pending.QuerySelector("[data-testid=task-count]")!.TextContent.Trim());
        Assert.Contains("每周", pending.TextContent);
        Assert.Contains("+20 积分", pending.TextContent);
    }

    [Fact]
    public async Task TasksPanel_Claim_BooksAndShowsTheTaskClaimed()
    {
        var cut = Render<TasksPanel>(_ => { });

        await Row(cut, "daily_chat").QuerySelector("[data-testid=task-claim]")!.ClickAsync();

        Assert.Equal(["daily_chat"], service.Claims);
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, "daily_chat").QuerySelector("[data-testid=task-claimed]")));
        Assert.Contains("已领取“与智星对话”：+10 积分。", cut.Find("[data-testid=tasks-message]").TextContent);
    }

    [Fact]
    public async Task TasksPanel_ClaimRefused_ShowsTheReason()
    {
        service.Refusal = new FieldError("Task", "Growth.Task.NotFinished", 2, 3);
        var cut = Render<TasksPanel>(_ => { });

        await Row(cut, "daily_chat").QuerySelector("[data-testid=task-claim]")!.ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("任务尚未完成：已完成 2 / 3。", cut.Find("[data-testid=tasks-message]").TextContent));
        Assert.Null(Row(cut, "daily_chat").QuerySelector("[data-testid=task-claimed]"));
    }

    [Fact]
    public void TasksPanel_InEnglish_UsesTheEnglishTitleOrFallsBackToChinese()
    {
        UseCulture("en-US");
        var cut = Render<TasksPanel>(_ => { });

        Assert.Equal("Chat", Row(cut, "daily_chat").QuerySelector("[data-testid=task-title]")!.TextContent);
        Assert.Equal("添加知识", Row(cut, "weekly_knowledge").QuerySelector("[data-testid=task-title]")!.TextContent);
    }

    private sealed class FakeTasks : ITaskService
    {
        public List<TaskView> Tasks { get; set; } = [];
        public List<string> Claims { get; } = [];
        public FieldError? Refusal { get; set; }

        public Task<Result<IReadOnlyList<TaskView>>> ListMineAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TaskView>>.Ok(Tasks));

        public Task<Result<TaskView>> ClaimAsync(string taskId, CancellationToken ct = default)
        {
            Claims.Add(taskId);
            return Task.FromResult(Refusal is { } r
                ? Result<TaskView>.Invalid([r])
                : Result<TaskView>.Ok(Tasks.Single(t => t.TaskId == taskId) with { Claimed = true }));
        }
    }
}
