using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Web.Components.Admin.Market;

namespace StarStudio.Tests.Components.Market.Maker;

public class SkillReviewPageTests : ComponentTest
{
    private readonly FakeReview review = new();

    public SkillReviewPageTests()
    {
        Context.Services.AddSingleton<ISkillReviewService>(review);
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
    }

    private static ReviewQueueItem Item(string version = "1.1.0") => new(
        Guid.NewGuid(), Guid.NewGuid(), "天气查询", "🌦️", "技能工坊", version, "涨价并换了地址", DateTimeOffset.UnixEpoch, "1.0.0",
        SkillPricingType.Usage, 0.1m, "https://v2.example.test/weather",
        [new SkillFieldChange("ApiEndpoint", "https://v1.example.test/weather", "https://v2.example.test/weather"), new SkillFieldChange("Price", "0.05", "0.1"),
         new SkillFieldChange("Category", "weather", "travel"), new SkillFieldChange("PricingType", "Free", "Usage")]);

    [Fact]
    public void TheQueue_ShowsEachVersionWithItsChanges()
    {
        review.Queue.Add(Item());
        var cut = Render<SkillReviewPage>(_ => { });

        var item = cut.Find("[data-testid=admin-review-item]");
        Assert.Contains("替换 v1.0.0", item.TextContent, StringComparison.Ordinal);
        Assert.Contains("¥0.1 / 次", item.TextContent, StringComparison.Ordinal);
        Assert.Equal("涨价并换了地址", cut.Find("[data-testid=admin-review-changelog]").TextContent);
        var changes = cut.FindAll("[data-testid=admin-review-change]");
        Assert.Equal(4, changes.Count);
        Assert.Contains("接口地址", changes[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("https://v1.example.test/weather", changes[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("0.05", changes[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("天气 (weather)", changes[2].TextContent, StringComparison.Ordinal); // categories and pricing by name
        Assert.Contains("出行 (travel)", changes[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("按次计费", changes[3].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_WithoutAReason_ShowsTheErrorAtTheReason_WithAReasonRejects_ApproveApproves()
    {
        var first = Item("1.1.0");
        var second = Item("2.0.0");
        review.Queue.AddRange([first, second]);
        var cut = Render<SkillReviewPage>(_ => { });

        await cut.FindAll("[data-testid=admin-review-reject]")[0].ClickAsync();
        Assert.Equal([(first.VersionId, "")], review.Rejected);
        Assert.Contains("理由须为 1 到 500 个字符。", cut.FindAll("[data-testid=admin-review-item]")[0].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("理由须为", cut.FindAll("[data-testid=admin-review-item]")[1].TextContent, StringComparison.Ordinal);

        await cut.FindAll("input[data-testid=admin-review-reason]")[0].ChangeAsync("接口文档缺失");
        await cut.FindAll("[data-testid=admin-review-reject]")[0].ClickAsync();
        Assert.Equal((first.VersionId, "接口文档缺失"), review.Rejected[1]);
        Assert.Single(cut.FindAll("[data-testid=admin-review-item]")); // reloaded without it

        await cut.Find("[data-testid=admin-review-approve]").ClickAsync();
        Assert.Equal([second.VersionId], review.Approved);
        Assert.NotEmpty(cut.FindAll("[data-testid=admin-review-empty]"));
    }

    [Fact]
    public async Task ASecondReview_IsShownAsAReadableRefusal()
    {
        review.Queue.Add(Item());
        review.ApproveAnswer = Result<SkillVersionView>.Invalid("Status", "Market.Review.AlreadyReviewed");
        var cut = Render<SkillReviewPage>(_ => { });

        await cut.Find("[data-testid=admin-review-approve]").ClickAsync();

        Assert.Contains("每个版本只能审核一次", cut.Find("[data-testid=admin-review-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skills_CanBeSuspendedWithAReason_AndUnsuspended()
    {
        var live = new AdminSkillRow(Guid.NewGuid(), "天气查询", "🌦️", "技能工坊", SkillStatus.Published, null, "1.0.0", DateTimeOffset.UnixEpoch);
        var down = new AdminSkillRow(Guid.NewGuid(), "计算器", "🧮", "技能工坊", SkillStatus.Suspended, "返回违规内容", "2.0.0", DateTimeOffset.UnixEpoch);
        review.Skills.AddRange([live, down]);
        var cut = Render<SkillReviewPage>(_ => { });

        Assert.Equal("返回违规内容", cut.Find("[data-testid=admin-skill-suspended-reason]").TextContent);
        await cut.Find("input[data-testid=admin-skill-reason]").ChangeAsync("接口失效");
        await cut.Find("[data-testid=admin-skill-suspend]").ClickAsync();
        Assert.Equal([(live.Id, "接口失效")], review.Suspended);
        var unsuspend = cut.FindAll("[data-testid=admin-skill-unsuspend]"); // both rows are suspended now, in name order
        Assert.Equal(2, unsuspend.Count);
        await unsuspend[1].ClickAsync();
        Assert.Equal([down.Id], review.Unsuspended);
    }

    [Fact]
    public void NotAnAdmin_SeesForbidden()
    {
        review.Forbid = true;
        var cut = Render<SkillReviewPage>(_ => { });
        Assert.NotEmpty(cut.FindAll("[data-testid=forbidden]"));
        Assert.Empty(cut.FindAll("[data-testid=admin-review-empty]"));
    }

    private sealed class FakeReview : ISkillReviewService
    {
        public bool Forbid { get; set; }
        public List<ReviewQueueItem> Queue { get; } = [];
        public List<AdminSkillRow> Skills { get; } = [];
        public List<Guid> Approved { get; } = [];
        public List<(Guid, string)> Rejected { get; } = [];
        public List<(Guid, string)> Suspended { get; } = [];
        public List<Guid> Unsuspended { get; } = [];
        public Result<SkillVersionView>? ApproveAnswer { get; set; }

        private static SkillVersionView Reviewed(Guid id, SkillVersionStatus status) =>
            new(id, Guid.Empty, "1.0.0", "", status, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        public Task<Result<IReadOnlyList<ReviewQueueItem>>> QueueAsync(CancellationToken ct = default) =>
            Task.FromResult(Forbid ? Result<IReadOnlyList<ReviewQueueItem>>.Forbidden() : Result<IReadOnlyList<ReviewQueueItem>>.Ok(Queue.ToList()));

        public Task<Result<IReadOnlyList<AdminSkillRow>>> ListSkillsAsync(CancellationToken ct = default) =>
            Task.FromResult(Forbid ? Result<IReadOnlyList<AdminSkillRow>>.Forbidden() : Result<IReadOnlyList<AdminSkillRow>>.Ok(Skills.ToList()));

        public Task<Result<SkillVersionView>> ApproveAsync(Guid versionId, CancellationToken ct = default)
        {
            if (ApproveAnswer is { } answer)
            {
                return Task.FromResult(answer);
            }

            Approved.Add(versionId);
            Queue.RemoveAll(i => i.VersionId == versionId);
            return Task.FromResult(Result<SkillVersionView>.Ok(Reviewed(versionId, SkillVersionStatus.Published)));
        }

        public Task<Result<SkillVersionView>> RejectAsync(Guid versionId, string reason, CancellationToken ct = default)
        {
            Rejected.Add((versionId, reason));
            if (SkillTransitions.CheckReason(reason) is { } error)
            {
                return Task.FromResult(Result<SkillVersionView>.Invalid([error]));
            }

            Queue.RemoveAll(i => i.VersionId == versionId);
            return Task.FromResult(Result<SkillVersionView>.Ok(Reviewed(versionId, SkillVersionStatus.Rejected)));
        }

        public Task<Result<AdminSkillRow>> SuspendAsync(Guid skillId, string reason, CancellationToken ct = default)
        {
            Suspended.Add((skillId, reason));
            var i = Skills.FindIndex(s => s.Id == skillId);
            Skills[i] = Skills[i] with { Status = SkillStatus.Suspended, SuspendedReason = reason };
            return Task.FromResult(Result<AdminSkillRow>.Ok(Skills[i]));
        }

        public Task<Result<AdminSkillRow>> UnsuspendAsync(Guid skillId, CancellationToken ct = default)
        {
            Unsuspended.Add(skillId);
            var i = Skills.FindIndex(s => s.Id == skillId);
            Skills[i] = Skills[i] with { Status = SkillStatus.Published, SuspendedReason = null };
            return Task.FromResult(Result<AdminSkillRow>.Ok(Skills[i]));
        }
    }
}
