using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Core.Stars;
using StarStudio.Tests.Integration.Market.Calls;

namespace StarStudio.Tests.Integration.Market.Subscriptions;

/// <summary>Subscribing (first period charged with the maker's share), the refusals, cancel and renewal, and the renewal job.</summary>
public sealed class SkillSubscriptionTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly Uri Endpoint = new("https://skills.example.test/weather");
    private readonly MarketTestData data = new(pg);
    private ServiceProvider services = null!;
    private UserContext maker = null!;
    private UserContext owner = null!;

    public async Task InitializeAsync()
    {
        services = MarketTestData.Services();
        maker = await pg.CreateUserAsync(null, "skill_maker");
        owner = await pg.CreateUserAsync(null, "star_owner");
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    private ISkillSubscriptionService Service(UserContext? user = null) => data.Subscriptions(services, user ?? owner);

    [Fact]
    public async Task Subscribe_Monthly_ChargesTheFirstPeriodAndCreditsTheMakerLessTheFee()
    {
        await data.FundAsync(owner, 50m);
        var starId = await data.StarAsync(owner);
        var (skillId, versionId) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var before = DateTimeOffset.UtcNow;

        var result = await Service().SubscribeAsync(skillId, starId, SkillPlans.Monthly);

        Assert.True(result.Succeeded, string.Join(",", result.Errors.Select(e => e.Code)));
        var view = result.Value!;
        Assert.Equal((SubscriptionStatus.Active, 1, 9.9m, "1.0.0", true, true), (view.Status, view.PeriodsCharged, view.Price, view.Version, view.AutoRenew, view.Callable));
        Assert.InRange(view.CurrentPeriodEnd!.Value, before.AddMonths(1).AddSeconds(-5), DateTimeOffset.UtcNow.AddMonths(1).AddSeconds(5));
        Assert.Equal([($"skill-sub:{view.Id}:1", -9.9m, LedgerSource.SkillSubscription, skillId.ToString())], await data.LedgerAsync(owner.UserId!.Value));
        Assert.Equal([($"skill-sub:{view.Id}:1:maker", 7.92m, LedgerSource.SkillRevenue, skillId.ToString())], await data.LedgerAsync(maker.UserId!.Value));
        Assert.Equal(40.1m, await data.BalanceAsync(owner.UserId!.Value));
        Assert.Equal(versionId, (await data.SubscriptionAsync(view.Id)).SkillVersionId);
    }

    [Fact]
    public async Task Subscribe_Quarterly_ChargesThreeMonthsForThreeMonths()
    {
        await data.FundAsync(owner, 50m);
        var starId = await data.StarAsync(owner);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);

        var view = (await Service().SubscribeAsync(skillId, starId, SkillPlans.Quarterly)).Value!;

        Assert.Equal(29.7m, view.Price);
        Assert.Equal(20.3m, await data.BalanceAsync(owner.UserId!.Value));
        var row = await data.SubscriptionAsync(view.Id);
        Assert.Equal(row.StartedAt.ToUniversalTime().AddMonths(3), row.CurrentPeriodEnd!.Value.ToUniversalTime());
    }

    [Fact]
    public async Task Subscribe_BalanceShort_IsRefusedAndNothingIsLeftBehind()
    {
        await data.FundAsync(owner, 5m);
        var starId = await data.StarAsync(owner);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);

        var result = await Service().SubscribeAsync(skillId, starId, SkillPlans.Monthly);

        Assert.Equal(WalletRules.InsufficientCode, Assert.Single(result.Errors).Code);
        Assert.Empty(await Service().ListMineAsync());
        Assert.Equal(5m, await data.BalanceAsync(owner.UserId!.Value));
        Assert.Empty(await data.LedgerAsync(maker.UserId!.Value));
    }

    [Fact]
    public async Task Subscribe_Refusals_EachHaveTheirCode()
    {
        await data.FundAsync(owner, 100m);
        var starId = await data.StarAsync(owner);
        var archived = await data.StarAsync(owner, status: StarStatus.Archived);
        var someoneElse = await data.StarAsync(await pg.CreateUserAsync());
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var (suspended, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Free);
        await data.SetSkillStatusAsync(suspended, SkillStatus.Suspended);

        Assert.Equal(SubscriptionRules.StarArchivedCode, (await Service().SubscribeAsync(skillId, archived, SkillPlans.Monthly)).Errors.Single().Code);
        Assert.Equal(SubscriptionRules.StarNotFoundCode, (await Service().SubscribeAsync(skillId, someoneElse, SkillPlans.Monthly)).Errors.Single().Code);
        Assert.Equal(SubscriptionRules.SkillUnavailableCode, (await Service().SubscribeAsync(suspended, starId, SkillPlans.Free)).Errors.Single().Code);
        Assert.Equal(SubscriptionRules.PlanNotOfferedCode, (await Service().SubscribeAsync(skillId, starId, SkillPlans.PerCall)).Errors.Single().Code);
        Assert.True((await Service().SubscribeAsync(skillId, starId, SkillPlans.Monthly)).Succeeded);
        Assert.Equal(SubscriptionRules.AlreadySubscribedCode, (await Service().SubscribeAsync(skillId, starId, SkillPlans.Yearly)).Errors.Single().Code);
        Assert.Equal(90.1m, await data.BalanceAsync(owner.UserId!.Value));
    }

    [Fact]
    public async Task GetOptions_ShowsPlansWithPricesAndMyStars()
    {
        var starId = await data.StarAsync(owner, name: "Alpha");
        await data.StarAsync(owner, status: StarStatus.Archived, name: "Beta");
        await data.StarAsync(await pg.CreateUserAsync(), isPublic: true, name: "别人的");
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 10m);

        var options = (await Service().GetOptionsAsync(skillId)).Value!;

        Assert.True(options.Available);
        Assert.Equal([(SkillPlans.Monthly, 10m, 1), (SkillPlans.Quarterly, 30m, 3), (SkillPlans.Yearly, 120m, 12)], options.Plans.Select(p => (p.Plan, p.Price, p.Months)));
        Assert.Equal([("Alpha", false), ("Beta", true)], options.Stars.Select(s => (s.Name, s.Archived)));
        Assert.Equal(starId, options.Stars[0].StarId);
    }

    [Fact]
    public async Task Cancel_PaidPeriodStaysCallableUntilItEnds_AndRenewalCanBeSwitched()
    {
        await data.FundAsync(owner, 50m);
        var starId = await data.StarAsync(owner);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var view = (await Service().SubscribeAsync(skillId, starId, SkillPlans.Monthly)).Value!;

        var off = await Service().SetAutoRenewAsync(view.Id, false);
        var cancelled = await Service().CancelAsync(view.Id);
        var again = await Service().CancelAsync(view.Id);
        var stranger = await data.Subscriptions(services, await pg.CreateUserAsync()).CancelAsync(view.Id);

        Assert.False(off.Value!.AutoRenew);
        Assert.Equal((SubscriptionStatus.Cancelled, true), (cancelled.Value!.Status, cancelled.Value.Callable));
        Assert.Equal(SubscriptionRules.NotActiveCode, again.Errors.Single().Code);
        Assert.Equal(ResultKind.NotFound, stranger.Kind);
    }

    [Fact]
    public async Task Renewal_DueWithBalance_ChargesTheNextPeriodOnce_EvenWhenRunTwice()
    {
        await data.FundAsync(owner, 50m);
        var starId = await data.StarAsync(owner);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var view = (await Service().SubscribeAsync(skillId, starId, SkillPlans.Monthly)).Value!;
        await data.EndPeriodAsync(view.Id, TimeSpan.FromMinutes(5));

        var first = await data.Renewal(services).RunAsync();
        var second = await data.Renewal(services).RunAsync();

        Assert.Equal((1, 0), (first.Renewed, first.Expired));
        Assert.Equal((0, 0), (second.Renewed, second.Expired));
        var row = await data.SubscriptionAsync(view.Id);
        Assert.Equal((SubscriptionStatus.Active, 2), (row.Status, row.PeriodsCharged));
        Assert.True(row.CurrentPeriodEnd > DateTimeOffset.UtcNow.AddDays(27));
        Assert.Equal([$"skill-sub:{view.Id}:1", $"skill-sub:{view.Id}:2"], (await data.LedgerAsync(owner.UserId!.Value)).Select(l => l.Key));
        Assert.Equal([$"skill-sub:{view.Id}:1:maker", $"skill-sub:{view.Id}:2:maker"], (await data.LedgerAsync(maker.UserId!.Value)).Select(l => l.Key));
        Assert.Equal(30.2m, await data.BalanceAsync(owner.UserId!.Value));
    }

    [Fact]
    public async Task Renewal_BalanceShort_ExpiresWithANoticeAndChargesNothing()
    {
        await data.FundAsync(owner, 12m);
        var starId = await data.StarAsync(owner);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var view = (await Service().SubscribeAsync(skillId, starId, SkillPlans.Monthly)).Value!;
        await data.EndPeriodAsync(view.Id, TimeSpan.FromMinutes(5));

        var run = await data.Renewal(services).RunAsync();

        Assert.Equal((0, 1, 1), (run.Renewed, run.Expired, run.BalanceShort));
        var mine = (await Service().ListMineAsync()).Single();
        Assert.Equal((SubscriptionStatus.Expired, SubscriptionRules.NoticeBalanceShort, false), (mine.Status, mine.Notice, mine.Callable));
        Assert.NotNull((await data.SubscriptionAsync(view.Id)).RenewalFailedAt);
        Assert.Equal(2.1m, await data.BalanceAsync(owner.UserId!.Value));
        Assert.Single(await data.LedgerAsync(owner.UserId!.Value));
    }

    [Fact]
    public async Task Renewal_AutoRenewOffOrCancelled_Expires()
    {
        await data.FundAsync(owner, 50m);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var a = (await Service().SubscribeAsync(skillId, await data.StarAsync(owner), SkillPlans.Monthly)).Value!;
        var b = (await Service().SubscribeAsync(skillId, await data.StarAsync(owner), SkillPlans.Monthly)).Value!;
        await Service().SetAutoRenewAsync(a.Id, false);
        await Service().CancelAsync(b.Id);
        await data.EndPeriodAsync(a.Id, TimeSpan.FromMinutes(5));
        await data.EndPeriodAsync(b.Id, TimeSpan.FromMinutes(5));

        var run = await data.Renewal(services).RunAsync();

        Assert.Equal((0, 2), (run.Renewed, run.Expired));
        Assert.Equal(SubscriptionRules.NoticeAutoRenewOff, (await data.SubscriptionAsync(a.Id)).RenewalNotice);
        Assert.Equal(SubscriptionRules.NoticeCancelled, (await data.SubscriptionAsync(b.Id)).RenewalNotice);
        Assert.Equal(30.2m, await data.BalanceAsync(owner.UserId!.Value));
    }

    [Fact]
    public async Task RenewalFunctions_AreRefusedToSignedInUsers_AndChargeIsTheSubscribersOnly()
    {
        await data.FundAsync(owner, 50m);
        var (skillId, _) = await data.SkillAsync(maker, Endpoint, SkillPricingType.Subscription, 9.9m);
        var view = (await Service().SubscribeAsync(skillId, await data.StarAsync(owner), SkillPlans.Monthly)).Value!;
        var stranger = await pg.CreateUserAsync();
        var now = DateTimeOffset.UtcNow;

        await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(owner).RunAsync((db, _) =>
            db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM skill_subscriptions_due({now}, 10)").ToListAsync()));
        await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(stranger).RunAsync((db, _) =>
            db.Database.SqlQuery<string>($"SELECT skill_subscription_charge({view.Id}, 2, {now}, {now.AddMonths(1)}, 0) AS \"Value\"").ToListAsync()));

        // The subscriber may charge their own next period, but not buy ten years for the price of one month.
        var tenYears = await pg.Db(owner).RunAsync((db, _) =>
            db.Database.SqlQuery<string>($"SELECT skill_subscription_charge({view.Id}, 2, {now}, {now.AddYears(10)}, 0) AS \"Value\"").SingleAsync());
        Assert.Equal("refused", tenYears);
        Assert.Equal(40.1m, await data.BalanceAsync(owner.UserId!.Value));
    }
}
