using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Web.Components.Market.Subscriptions;

namespace StarStudio.Tests.Components.Market.Subscriptions;

/// <summary>The subscribe panel (choices, price, every refusal shown where it belongs) and the owner's subscriptions page.</summary>
public sealed class SubscriptionComponentsTests : ComponentTest
{
    private static readonly Guid Skill = Guid.NewGuid();
    private static readonly Guid StarA = Guid.NewGuid();
    private static readonly Guid StarB = Guid.NewGuid();
    private readonly FakeSubscriptions service = new();

    public SubscriptionComponentsTests() => Context.Services.AddSingleton<ISkillSubscriptionService>(service);

    private sealed class FakeSubscriptions : ISkillSubscriptionService
    {
        public Result<SubscribeOptions> Options { get; set; } = Result<SubscribeOptions>.Ok(new SubscribeOptions(
            Skill, "天气速查", Guid.NewGuid(), "1.2.0", SkillPricingType.Subscription, true,
            [new PlanOption(SkillPlans.Monthly, 9.9m, 1), new PlanOption(SkillPlans.Quarterly, 29.7m, 3), new PlanOption(SkillPlans.Yearly, 118.8m, 12)],
            [new StarOption(StarA, "墨香", false, false), new StarOption(StarB, "旧星", true, false)]));

        public Queue<Result<SkillSubscriptionView>> Results { get; } = new();
        public List<(Guid Star, string Plan)> Subscribed { get; } = [];
        public List<SkillSubscriptionView> Mine { get; } = [];
        public List<Guid> CancelledIds { get; } = [];
        public List<(Guid Id, bool On)> Renewals { get; } = [];

        public Task<Result<SubscribeOptions>> GetOptionsAsync(Guid skillId, CancellationToken ct = default) => Task.FromResult(Options);

        public Task<Result<SkillSubscriptionView>> SubscribeAsync(Guid skillId, Guid starId, string plan, CancellationToken ct = default)
        {
            Subscribed.Add((starId, plan));
            return Task.FromResult(Results.Dequeue());
        }

        public Task<IReadOnlyList<SkillSubscriptionView>> ListMineAsync(Guid? starId = null, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<SkillSubscriptionView>>(Mine.ToList());

        public Task<Result<SkillSubscriptionView>> CancelAsync(Guid subscriptionId, CancellationToken ct = default)
        {
            CancelledIds.Add(subscriptionId);
            var i = Mine.FindIndex(m => m.Id == subscriptionId);
            Mine[i] = Mine[i] with { Status = SubscriptionStatus.Cancelled, AutoRenew = false };
            return Task.FromResult(Result<SkillSubscriptionView>.Ok(Mine[i]));
        }

        public Task<Result<SkillSubscriptionView>> SetAutoRenewAsync(Guid subscriptionId, bool autoRenew, CancellationToken ct = default)
        {
            Renewals.Add((subscriptionId, autoRenew));
            var i = Mine.FindIndex(m => m.Id == subscriptionId);
            Mine[i] = Mine[i] with { AutoRenew = autoRenew };
            return Task.FromResult(Result<SkillSubscriptionView>.Ok(Mine[i]));
        }
    }

    private static SkillSubscriptionView View(SubscriptionStatus status = SubscriptionStatus.Active, string? notice = null, bool autoRenew = true) => new(
        Guid.NewGuid(), Skill, "天气速查", "🌤", StarA, "墨香", "1.2.0", SkillPlans.Monthly, SkillPricingType.Subscription, 9.9m, status, autoRenew,
        new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.Zero), 1, null, notice,
        status != SubscriptionStatus.Expired);

    private IRenderedComponent<SubscribePanel> Panel() => Render<SubscribePanel>(p => p.Add(x => x.SkillId, Skill));

    [Fact]
    public async Task Panel_PicksTheFirstUsableStarAndShowsThePlansTermsInChinese()
    {
        var cut = Panel();

        Assert.Contains("天气速查，版本 1.2.0", cut.Markup);
        // MudRadio puts the test id on its input; the text is the label's.
        Assert.Contains("已归档", cut.Find($"[data-testid=subscribe-star-{StarB}]").Closest("label")!.TextContent);
        Assert.Contains("¥29.70 / 3 个月", cut.Find("[data-testid=subscribe-plan-quarterly]").Closest("label")!.TextContent);
        Assert.Contains("现在从余额扣除 ¥9.90，覆盖首个 1 个月", cut.Find("[data-testid=subscribe-price]").TextContent);

        await cut.Find("[data-testid=subscribe-plan-yearly]").ClickAsync();

        Assert.Contains("¥118.80", cut.Find("[data-testid=subscribe-price]").TextContent);
    }

    [Fact]
    public async Task Panel_Subscribes_AndSaysSo()
    {
        service.Results.Enqueue(Result<SkillSubscriptionView>.Ok(View()));
        var cut = Panel();

        await cut.Find("[data-testid=subscribe-submit]").ClickAsync();

        Assert.Equal([(StarA, SkillPlans.Monthly)], service.Subscribed);
        Assert.Contains("墨香 已订阅 天气速查", cut.Find("[data-testid=subscribe-done]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=subscribe-error]"));
    }

    [Theory]
    [InlineData("StarId", SubscriptionRules.StarArchivedCode, "subscribe-star-error", "该星体已归档")]
    [InlineData("StarId", SubscriptionRules.AlreadySubscribedCode, "subscribe-star-error", "已订阅此技能")]
    [InlineData("Plan", SubscriptionRules.PlanNotOfferedCode, "subscribe-plan-error", "不提供这个方案")]
    [InlineData("Subscription", SubscriptionRules.SkillUnavailableCode, "subscribe-error", "不可订阅")]
    [InlineData("Subscription", WalletRules.InsufficientCode, "subscribe-error", "可用余额不足")]
    public async Task Panel_Refusal_IsShownWhereItBelongs(string field, string code, string testId, string text)
    {
        service.Results.Enqueue(Result<SkillSubscriptionView>.Invalid(field, code));
        var cut = Panel();

        await cut.Find("[data-testid=subscribe-submit]").ClickAsync();

        var shown = cut.Find($"[data-testid={testId}]").TextContent;
        Assert.Contains(text, shown);
        Assert.DoesNotContain(code, shown); // translated, not the key
        Assert.Empty(cut.FindAll("[data-testid=subscribe-done]"));
    }

    [Fact]
    public void Panel_SignedOutOrSuspended_SaysWhy()
    {
        service.Options = Result<SubscribeOptions>.Forbidden();
        Assert.Contains("登录后", Panel().Find("[data-testid=subscribe-signin]").TextContent);

        service.Options = Result<SubscribeOptions>.Ok(new SubscribeOptions(Skill, "天气速查", null, null, SkillPricingType.Free, false, [], []));
        Assert.Contains("不可订阅", Panel().Find("[data-testid=subscribe-unavailable]").TextContent);
    }

    [Fact]
    public async Task Page_ListsSubscriptionsWithRenewalNoticeAndActions()
    {
        service.Mine.Add(View());
        service.Mine.Add(View(SubscriptionStatus.Expired, SubscriptionRules.NoticeBalanceShort, autoRenew: false));
        var cut = Render<SubscriptionsPage>(_ => { });

        var rows = cut.FindAll("[data-testid=subscription-row]");
        Assert.Equal(2, rows.Count);
        Assert.Contains("2027-01-05", rows[0].QuerySelector("[data-testid=subscription-next]")!.TextContent);
        Assert.Contains("续订", rows[0].QuerySelector("[data-testid=subscription-next]")!.TextContent);
        Assert.Contains("余额不足", rows[1].QuerySelector("[data-testid=subscription-notice]")!.TextContent);
        Assert.Null(rows[1].QuerySelector("[data-testid=subscription-cancel]"));

        await cut.Find("[data-testid=subscription-cancel]").ClickAsync();

        Assert.Equal([service.Mine[0].Id], service.CancelledIds);
        Assert.Contains("已为 墨香 取消 天气速查", cut.Find("[data-testid=subscriptions-message]").TextContent);
        Assert.Equal("Cancelled", cut.FindAll("[data-testid=subscription-row]")[0].GetAttribute("data-status"));
        Assert.Contains("到期", cut.FindAll("[data-testid=subscription-next]")[0].TextContent);
    }

    [Fact]
    public async Task Page_AutoRenewSwitch_TurnsRenewalOff()
    {
        service.Mine.Add(View());
        var cut = Render<SubscriptionsPage>(_ => { });

        await cut.Find("[data-testid=subscription-autorenew]").ChangeAsync(false);

        Assert.Equal([(service.Mine[0].Id, false)], service.Renewals);
        Assert.Contains("不再续订", cut.Find("[data-testid=subscriptions-message]").TextContent);
    }

    [Fact]
    public void Page_Empty_PointsToTheMarket()
    {
        var cut = Render<SubscriptionsPage>(_ => { });

        Assert.Contains("还没有订阅", cut.Find("[data-testid=subscriptions-empty]").TextContent);
    }
}
