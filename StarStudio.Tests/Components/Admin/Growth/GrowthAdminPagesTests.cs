using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Web.Components.Admin.Growth;

namespace StarStudio.Tests.Components.Admin.Growth;

public class GrowthAdminPagesTests : ComponentTest
{
    private readonly FakeTaskAdmin tasks = new();
    private readonly FakeCodeAdmin codes = new();

    public GrowthAdminPagesTests()
    {
        Context.Services.AddSingleton<ITaskAdminService>(tasks);
        Context.Services.AddSingleton<IRedeemCodeAdminService>(codes);
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
    }

    [Fact]
    public async Task TaskConfigsPage_ListsTasks_AndShowsServerErrorsAtTheFields()
    {
        var cut = Context.Render<TaskConfigsPage>();

        Assert.Equal(["daily_login"], cut.FindAll("[data-testid=task-id-cell]").Select(e => e.TextContent));
        await cut.Find("[data-testid=tasks-add]").ClickAsync();
        await cut.Find("[data-testid=task-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("请输入标题。", cut.Markup));
        Assert.Single(tasks.Created);
    }

    [Fact]
    public async Task RedeemCodesPage_GenerateABatch_OffersTheCsvAndTheList()
    {
        var cut = Context.Render<RedeemCodesPage>();

        Assert.Equal(["WELCOME2027"], cut.FindAll("[data-testid=rc-code-cell]").Select(e => e.TextContent));
        Assert.Equal("3 / 100", cut.Find("[data-testid=rc-uses-cell]").TextContent.Trim());
        await cut.Find("[data-testid=rc-kind-batch]").ClickAsync();
        await cut.Find("[data-testid=rc-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("AAAA3333AAAA", cut.Find("[data-testid=rc-generated-list]").TextContent));
        var download = cut.Find("[data-testid=rc-download]");
        Assert.StartsWith("data:text/csv", download.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("redeem-codes-B1.csv", download.GetAttribute("download"));
    }

    private sealed class FakeTaskAdmin : ITaskAdminService
    {
        public List<TaskConfigDraft> Created { get; } = [];

        public Task<Result<IReadOnlyList<TaskConfig>>> ListAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TaskConfig>>.Ok([new TaskConfig { TaskId = "daily_login", TitleZh = "每日登录", EventKey = GrowthEventKeys.SignIn, Threshold = 1, RewardPoints = 5, Enabled = true }]));

        public Task<Result<TaskConfig>> CreateAsync(TaskConfigDraft draft, CancellationToken ct = default)
        {
            Created.Add(draft);
            return Task.FromResult(Result<TaskConfig>.Invalid(TaskConfigRules.Validate(draft)));
        }

        public Task<Result<TaskConfig>> UpdateAsync(string taskId, TaskConfigDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> DeleteAsync(string taskId, CancellationToken ct = default) => throw new NotSupportedException();
    }

    private sealed class FakeCodeAdmin : IRedeemCodeAdminService
    {
        public Task<Result<Page<RedeemCodeView>>> ListAsync(string? search, int page, int pageSize, CancellationToken ct = default) =>
            Task.FromResult(Result<Page<RedeemCodeView>>.Ok(new Page<RedeemCodeView>(
                [new RedeemCodeView("WELCOME2027", RedeemCodeMode.Public, 10, 100, 3, true, 0, null, null, null, null, DateTimeOffset.UtcNow)], 1)));

        public Task<Result<RedeemCodeView>> CreateAsync(RedeemCodeDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<GeneratedBatch>> GenerateAsync(RedeemCodeDraft draft, int count, CancellationToken ct = default) =>
            Task.FromResult(Result<GeneratedBatch>.Ok(new GeneratedBatch("B1", ["AAAA3333AAAA", "CCCC4444CCCC"])));

        public Task<Result<RedeemCodeView>> SetEnabledAsync(string code, bool enabled, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
