using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Admin.Feedback;

namespace StarStudio.Tests.Components.Admin;

public class FeedbackInboxPageTests : ComponentTest
{
    private readonly FakeInbox inbox = new();

    public FeedbackInboxPageTests()
    {
        Context.Services.AddSingleton<IFeedbackService>(inbox);
    }

    private IRenderedComponent<FeedbackInboxPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<FeedbackInboxPage>();
    }

    [Fact]
    public async Task FeedbackInbox_OpenReplyAndResolve_SavesAndShowsTheNewStatus()
    {
        var cut = RenderPage();
        Assert.Single(cut.FindAll("[data-testid=fb-row]"));

        await cut.Find("[data-testid=fb-row]").ClickAsync();
        Assert.Contains("user@example.test", cut.Find("[data-testid=fb-detail-user]").TextContent);
        Assert.Equal(2, cut.FindAll("[data-testid=fb-detail] [data-testid=feedback-image-link]").Count);
        await cut.Find("#fb-reply").InputAsync("已修复，请刷新后再试。");
        await cut.Find("[data-testid=fb-save]").ClickAsync();

        var (id, reply) = Assert.Single(inbox.Replies);
        Assert.Equal(inbox.Item.Id, id);
        // An open item is answered as in progress unless the admin picks another status.
        Assert.Equal(("已修复，请刷新后再试。", FeedbackStatus.InProgress), (reply.Reply, reply.Status));
        Assert.NotNull(cut.Find("[data-testid=fb-saved]"));
        Assert.Contains("处理中", cut.Find("[data-testid=fb-detail] [data-testid=feedback-status]").TextContent);
    }

    [Fact]
    public async Task FeedbackInbox_TooLongReply_IsShownAtTheFieldAndNotSent()
    {
        var cut = RenderPage();
        await cut.Find("[data-testid=fb-row]").ClickAsync();

        await cut.Find("#fb-reply").InputAsync(new string('复', FeedbackRules.ReplyMax + 1));
        await cut.Find("[data-testid=fb-save]").ClickAsync();

        Assert.Contains("回复最多 2000 个字符", cut.Find("#fb-reply").Closest(".mud-input-control")!.TextContent);
        Assert.Empty(inbox.Replies);
    }

    [Fact]
    public void FeedbackInbox_NonAdmin_SeesForbidden()
    {
        inbox.Forbid = true;

        var cut = RenderPage();

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
    }

    private sealed class FakeInbox : IFeedbackService
    {
        public FeedbackView Item { get; private set; } = new(Guid.NewGuid(), Guid.NewGuid(), "user@example.test", "上传头像时页面一直转圈", "13812345678",
            [new("u/f/0.png", "image/png", 10, "a.png"), new("u/f/1.jpg", "image/jpeg", 10, "b.jpg")], FeedbackStatus.Open, null, null,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        public bool Forbid { get; set; }
        public List<(Guid Id, FeedbackReply Reply)> Replies { get; } = [];

        public Task<Result<Page<FeedbackView>>> ListAllAsync(FeedbackStatus? status, int page, int pageSize, CancellationToken ct = default) =>
            Task.FromResult(Forbid ? Result<Page<FeedbackView>>.Forbidden() : Result<Page<FeedbackView>>.Ok(new Page<FeedbackView>([Item], 1)));

        public Task<Result<FeedbackView>> ReplyAsync(Guid feedbackId, FeedbackReply reply, CancellationToken ct = default)
        {
            Replies.Add((feedbackId, new FeedbackReply { Reply = reply.Reply, Status = reply.Status }));
            Item = Item with { AdminReply = reply.Reply, Status = reply.Status, RepliedAt = DateTimeOffset.UtcNow };
            return Task.FromResult(Result<FeedbackView>.Ok(Item));
        }

        public Task<Result<FeedbackView>> GetAsync(Guid feedbackId, CancellationToken ct = default) => Task.FromResult(Result<FeedbackView>.Ok(Item));

        public Task<Result<FeedbackView>> SubmitAsync(FeedbackDraft draft, IReadOnlyList<FeedbackImageUpload> images, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<FeedbackView>> ListMineAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<FeedbackView>>([]);

        public Task<FeedbackImage?> OpenEvidenceAsync(Guid feedbackId, int index, CancellationToken ct = default) => Task.FromResult<FeedbackImage?>(null);
    }
}
