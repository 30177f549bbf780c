using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Reports;
using StarStudio.Core.ReviewInbox;
using StarStudio.Web.Components.Admin.Inbox;

namespace StarStudio.Tests.Components.Admin.Inbox;

public class ReviewInboxPageTests : ComponentTest
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly FakeInbox inbox = new();

    public ReviewInboxPageTests()
    {
        Context.Services.AddSingleton<IReviewInbox>(inbox);
    }

    private IRenderedComponent<ReviewInboxPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<ReviewInboxPage>();
    }

    [Fact]
    public void Inbox_ShowsTheCountOfEveryKind_AndTheItemsInTheOrderGiven()
    {
        var cut = RenderPage();

        Assert.Equal("2", cut.Find("[data-testid=inbox-count-skill]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=inbox-count-report]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=inbox-count-extension]").TextContent);
        Assert.Contains("共 4 项待处理", cut.Find("[data-testid=inbox-counts]").TextContent);
        Assert.Equal(new[] { "天气查询", "墨痕", "翻译助手" }, cut.FindAll("[data-testid=inbox-title]").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public async Task Inbox_Filters_AreSentToTheService_AndTheBadgesStay()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=inbox-kind-report]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Equal(InboxKind.Report, inbox.Filters[^1].Kind));
        await cut.Find("[data-testid=inbox-age-OverAWeek]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Equal(new InboxFilter(InboxKind.Report, InboxAge.OverAWeek), inbox.Filters[^1]));
        await cut.Find("[data-testid=inbox-status-Dismissed]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Equal(new InboxFilter(InboxKind.Report, InboxAge.OverAWeek, InboxStatus.Dismissed), inbox.Filters[^1]));

        // The fake filters by kind like the service: only the report is left, the badges still count everything.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=inbox-item]")));
        Assert.Equal("2", cut.Find("[data-testid=inbox-count-skill]").TextContent);

        // Clicking the chosen kind again shows every kind.
        await cut.Find("[data-testid=inbox-kind-report]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Null(inbox.Filters[^1].Kind));
    }

    [Fact]
    public async Task Inbox_RejectWithoutAReason_IsShownAtTheField_AndNothingIsSent()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=inbox-item][data-kind=skill] [data-testid=inbox-reject]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("请填写拒绝理由", cut.Find("[data-testid=inbox-item][data-kind=skill]").TextContent));
        Assert.Empty(inbox.Decisions);
    }

    [Fact]
    public async Task Inbox_RejectWithAReason_SendsIt_AndReloads()
    {
        var cut = RenderPage();
        var loads = inbox.Filters.Count;

        await cut.Find("[data-testid=inbox-item][data-kind=skill] input[data-testid=inbox-reason]").ChangeAsync(new() { Value = "接口文档缺失" });
        await cut.Find("[data-testid=inbox-item][data-kind=skill] [data-testid=inbox-reject]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal(("reject", InboxKind.Skill, inbox.SkillId, "接口文档缺失"), Assert.Single(inbox.Decisions)));
        cut.WaitForAssertion(() => Assert.True(inbox.Filters.Count > loads));
    }

    [Fact]
    public async Task Inbox_ServiceRefusal_IsShownAtTheItem()
    {
        inbox.Refuse = new FieldError("Reason", "Review.Reason.TooLong", 500);
        var cut = RenderPage();

        await cut.Find("[data-testid=inbox-item][data-kind=star] input[data-testid=inbox-reason]").ChangeAsync(new() { Value = "太长" });
        await cut.Find("[data-testid=inbox-item][data-kind=star] [data-testid=inbox-reject]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("500", cut.Find("[data-testid=inbox-item][data-kind=star]").TextContent));
    }

    [Fact]
    public async Task Inbox_ResolveAReport_WithHide_SendsNoteAndHide()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=inbox-item][data-kind=report] input[data-testid=inbox-note]")
            .ChangeAsync(new() { Value = "确有违规" });
        await cut.Find("[data-testid=inbox-item][data-kind=report] input[type=checkbox]").ChangeAsync(true);
        await cut.Find("[data-testid=inbox-item][data-kind=report] [data-testid=inbox-resolve]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal(("resolve+hide", InboxKind.Report, inbox.ReportId, "确有违规"), Assert.Single(inbox.Decisions)));
    }

    [Fact]
    public void Inbox_NonAdmin_SeesForbidden()
    {
        inbox.Forbid = true;

        var cut = RenderPage();

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
    }

    private sealed class FakeInbox : IReviewInbox
    {
        public Guid SkillId { get; } = Guid.NewGuid();
        public Guid ReportId { get; } = Guid.NewGuid();
        public bool Forbid { get; set; }
        public FieldError? Refuse { get; set; }
        public List<InboxFilter> Filters { get; } = [];
        public List<(string What, InboxKind Kind, Guid Id, string? Text)> Decisions { get; } = [];

        private List<InboxItem> Items()
        {
            var report = new ContentReport
            {
                Id = ReportId, TargetKind = ReportTargetKinds.Star, TargetId = Guid.NewGuid(), Category = ReportCategories.Spam,
                Excerpt = "墨痕: 广告", Detail = "全是广告", Status = ReportStatuses.Open, CreatedAt = Now.AddHours(-1),
            };
            return
            [
                new(InboxKind.Skill, SkillId, "天气查询", "1.0.0", "天气工坊", Now.AddDays(-3), "首个版本", "/admin/market"),
                new(InboxKind.Star, Guid.NewGuid(), "墨痕", "v2", "星主", Now.AddDays(-2), "改了人设", "/admin/reviews"),
                new(InboxKind.Report, ReportId, "翻译助手", ReportCategories.Spam, "玩家", Now.AddHours(-1), report.Excerpt, null,
                    new ReportView(report, "玩家", "翻译助手", "/explore/stars/x", CanHide: true)),
            ];
        }

        public Task<Result<InboxPage>> LoadAsync(InboxFilter filter, CancellationToken ct = default)
        {
            Filters.Add(filter);
            var counts = new Dictionary<InboxKind, int> { [InboxKind.Skill] = 2, [InboxKind.Extension] = 0, [InboxKind.Star] = 1, [InboxKind.Report] = 1 };
            return Task.FromResult(Forbid ? Result<InboxPage>.Forbidden()
                : Result<InboxPage>.Ok(new InboxPage(Items().Where(i => filter.Kind is null || i.Kind == filter.Kind).ToList(), counts)));
        }

        private Task<Result<bool>> Decide(string what, InboxKind kind, Guid id, string? text)
        {
            if (Refuse is { } e)
            {
                return Task.FromResult(Result<bool>.Invalid([e]));
            }

            Decisions.Add((what, kind, id, text));
            return Task.FromResult(Result<bool>.Ok(true));
        }

        public Task<Result<bool>> ApproveAsync(InboxKind kind, Guid id, CancellationToken ct = default) => Decide("approve", kind, id, null);

        public Task<Result<bool>> RejectAsync(InboxKind kind, Guid id, string reason, CancellationToken ct = default) => Decide("reject", kind, id, reason);

        public Task<Result<bool>> ResolveReportAsync(Guid reportId, string note, bool hideTarget, CancellationToken ct = default) =>
            Decide(hideTarget ? "resolve+hide" : "resolve", InboxKind.Report, reportId, note);

        public Task<Result<bool>> DismissReportAsync(Guid reportId, string? note, CancellationToken ct = default) => Decide("dismiss", InboxKind.Report, reportId, note);
    }
}
