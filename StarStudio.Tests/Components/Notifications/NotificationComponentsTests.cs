using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Notifications;
using StarStudio.Web.Components.Notifications;
using StarStudio.Web.Notifications;

namespace StarStudio.Tests.Components.Notifications;

public sealed class NotificationComponentsTests : ComponentTest
{
    private readonly FakeNotifications notifications = new();

    public NotificationComponentsTests()
    {
        Context.Services.AddSingleton<INotificationService>(notifications);
        Context.Services.AddScoped<NotificationState>();
        Context.Render<MudBlazor.MudPopoverProvider>();
    }

    private static NotificationItem Item(string kind, string key, object[] args, string? link = "/studio/stars/s", bool read = false) =>
        new(Guid.NewGuid(), kind, key, args, link, read, DateTimeOffset.UtcNow);

    [Fact]
    public void Bell_ShowsTheUnreadCount_AndLinksToTheList()
    {
        notifications.Unread = 3;

        var cut = Render<NotificationBell>(_ => { });

        Assert.Equal("3", cut.Find("[data-testid=notification-bell]").GetAttribute("data-unread"));
        Assert.Contains("通知（3 条未读）", cut.Markup);
        Assert.NotNull(cut.Find("a[href='/me/notifications']"));
    }

    [Fact]
    public void Bell_CountsAgainOnNavigation_NotOtherwise()
    {
        notifications.Unread = 1;
        var cut = Render<NotificationBell>(_ => { });
        var counted = notifications.CountCalls;

        notifications.Unread = 4;
        cut.Render();
        Assert.Equal(counted, notifications.CountCalls);
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/explore");

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=notification-bell]").GetAttribute("data-unread")));
    }

    [Fact]
    public async Task Page_RendersEachTextInTheReadersLanguage_MarkAll_UpdatesTheBell()
    {
        notifications.Items =
        [
            Item(NotificationKinds.RatingCreated, "Notifications.Text.rating.created", ["墨痕", "5"]),
            Item(NotificationKinds.ReportDecided, "Notifications.Text.report.decided.resolved", ["广告"], link: null, read: true),
        ];
        notifications.Unread = 1;
        var bell = Render<NotificationBell>(_ => { });
        var cut = Render<NotificationsPage>(_ => { });

        Assert.Contains("「墨痕」收到一条新评分：5/5。", cut.Markup);
        Assert.Contains("你举报的「广告」已核实并处理，感谢反馈。", cut.Markup);
        Assert.Equal(["false", "true"], cut.FindAll("[data-testid=notification-item]").Select(e => e.GetAttribute("data-read")));

        notifications.Unread = 0;
        await cut.Find("[data-testid=notifications-mark-all]").ClickAsync();

        cut.WaitForAssertion(() => Assert.All(cut.FindAll("[data-testid=notification-item]"), e => Assert.Equal("true", e.GetAttribute("data-read"))));
        Assert.Equal(1, notifications.MarkAllCalls);
        bell.WaitForAssertion(() => Assert.Equal("0", bell.Find("[data-testid=notification-bell]").GetAttribute("data-unread")));
    }

    [Fact]
    public async Task Page_OpeningAnItem_MarksItReadAndGoesToItsLink()
    {
        var item = Item(NotificationKinds.TrialResult, "Notifications.Text.trial.result", ["墨痕", "春季试炼", "1", "90"], link: "/arena/trials/t");
        notifications.Items = [item];
        var cut = Render<NotificationsPage>(_ => { });

        await cut.Find("[data-testid=notification-open]").ClickAsync();

        Assert.Equal([item.Id], notifications.MarkedRead);
        Assert.EndsWith("/arena/trials/t", Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_LoadMore_AppendsTheNextPage()
    {
        notifications.Items = Enumerable.Range(0, 25).Select(i => Item(NotificationKinds.KnowledgeTaskCompleted, "Notifications.Text.knowledge.task_completed", ["墨痕", $"f{i}.pdf", "1"])).ToList();
        var cut = Render<NotificationsPage>(_ => { });
        Assert.Equal(NotificationRules.PageSize, cut.FindAll("[data-testid=notification-item]").Count);

        await cut.Find("[data-testid=notifications-more]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid=notification-item]").Count));
        Assert.Empty(cut.FindAll("[data-testid=notifications-more]"));
    }

    [Fact]
    public void Page_Empty_SaysSo()
    {
        var cut = Render<NotificationsPage>(_ => { });

        Assert.Contains("还没有通知。", cut.Find("[data-testid=notifications-empty]").TextContent);
    }

    private sealed class FakeNotifications : INotificationService
    {
        public int Unread { get; set; }
        public List<NotificationItem> Items { get; set; } = [];
        public List<Guid> MarkedRead { get; } = [];
        public int MarkAllCalls { get; private set; }
        public int CountCalls { get; private set; }

        public Task<int> UnreadCountAsync(CancellationToken ct = default)
        {
            CountCalls++;
            return Task.FromResult(Unread);
        }

        public Task<NotificationPage> ListAsync(int page, CancellationToken ct = default)
        {
            var items = Items.Skip((page - 1) * NotificationRules.PageSize).Take(NotificationRules.PageSize).ToList();
            return Task.FromResult(new NotificationPage(items, page, Items.Count > page * NotificationRules.PageSize));
        }

        public Task<bool> MarkReadAsync(Guid id, CancellationToken ct = default)
        {
            MarkedRead.Add(id);
            return Task.FromResult(true);
        }

        public Task<int> MarkAllReadAsync(CancellationToken ct = default)
        {
            MarkAllCalls++;
            return Task.FromResult(Items.Count(i => !i.Read));
        }
    }
}
