using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>The payment webhook on the real PostgreSQL: verification, replay, amount checks, paying once, the crash case.</summary>
public sealed class PaymentWebhookServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly BillingTestData data = new(pg);

    [Fact]
    public async Task Paid_RechargeOrder_IsPaidAndCreditedOnce()
    {
        var (user, order) = await data.PendingOrderAsync();

        var result = await data.SendAsync(BillingTestData.Paid(order));

        Assert.Equal((200, "paid"), (result.StatusCode, result.Status));
        var row = await data.OrderRowAsync(order.Id);
        Assert.Equal(OrderStatus.Paid, row.Status);
        Assert.NotNull(row.PaidAt);
        Assert.Equal(PaymentProviderNames.Sandbox, row.PaymentChannel);
        var wallet = await data.WalletAsync(user.UserId!.Value);
        Assert.Equal(52m, wallet.Balance);
        Assert.Equal([(OrderRules.PaidKey(order.Id), 52m, LedgerSource.Recharge)], wallet.Rows);
    }

    [Fact]
    public async Task BadSignature_OldTimestamp_Tampering_AreRefusedAndBookNothing()
    {
        var (user, order) = await data.PendingOrderAsync();
        var evt = BillingTestData.Paid(order);
        var service = data.Webhooks();

        var (_, body) = BillingTestData.Signed(evt, DateTimeOffset.UtcNow);
        var wrongSecret = BillingTestData.Signed(evt, DateTimeOffset.UtcNow, "whsec_not_the_secret");
        var old = BillingTestData.Signed(evt, DateTimeOffset.UtcNow.AddMinutes(-6));
        var good = BillingTestData.Signed(evt, DateTimeOffset.UtcNow);
        var tampered = BillingTestData.Paid(order, evt.EventId, amount: 0.01m).ToJsonBytes();

        Assert.Equal(401, (await service.ReceiveAsync("sandbox", null, body)).StatusCode);
        Assert.Equal((401, "bad_signature"), Pair(await service.ReceiveAsync("sandbox", wrongSecret.Header, wrongSecret.Body)));
        Assert.Equal((401, "expired"), Pair(await service.ReceiveAsync("sandbox", old.Header, old.Body)));
        Assert.Equal((401, "bad_signature"), Pair(await service.ReceiveAsync("sandbox", good.Header, tampered)));
        Assert.Equal((404, "unknown_provider"), Pair(await service.ReceiveAsync("stripe", good.Header, good.Body)));

        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);
        Assert.Equal(0m, (await data.WalletAsync(user.UserId!.Value)).Balance);
        Assert.Equal(0, await data.EventCountAsync(order.Id));
    }

    [Fact]
    public async Task AmountOrCurrencyMismatch_IsRefused()
    {
        var (user, order) = await data.PendingOrderAsync();

        var less = await data.SendAsync(BillingTestData.Paid(order, amount: order.Amount - 0.01m));
        var usd = await data.SendAsync(BillingTestData.Paid(order) with { Currency = "USD" });
        var unknown = await data.SendAsync(BillingTestData.Paid(order) with { OrderNo = "SS-nope" });

        Assert.Equal((409, "amount_mismatch"), Pair(less));
        Assert.Equal((409, "amount_mismatch"), Pair(usd));
        Assert.Equal((404, "order_not_found"), Pair(unknown));
        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);
        Assert.Equal(0m, (await data.WalletAsync(user.UserId!.Value)).Balance);
    }

    [Fact]
    public async Task Replay_OfTheSameEvent_IsRefused_AndASecondPaidEventBooksNothing()
    {
        var (user, order) = await data.PendingOrderAsync();
        var evt = BillingTestData.Paid(order);

        var first = await data.SendAsync(evt);
        var replay = await data.SendAsync(evt);
        var second = await data.SendAsync(BillingTestData.Paid(order));

        Assert.Equal("paid", first.Status);
        Assert.Equal((409, "replayed"), Pair(replay));
        Assert.Equal((200, "already_paid"), Pair(second));
        var wallet = await data.WalletAsync(user.UserId!.Value);
        Assert.Equal(52m, wallet.Balance);
        Assert.Single(wallet.Rows);
    }

    [Fact]
    public async Task ConcurrentPaidEvents_BookOnce()
    {
        var (user, order) = await data.PendingOrderAsync();
        var same = BillingTestData.Paid(order);

        // Half send the same event (a gateway retrying), half distinct events (two notifications of one payment).
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => data.SendAsync(i % 2 == 0 ? same : BillingTestData.Paid(order)))));

        Assert.Single(results, r => r.Status == "paid");
        Assert.All(results, r => Assert.Contains(r.Status, new[] { "paid", "already_paid", "replayed" }));
        var wallet = await data.WalletAsync(user.UserId!.Value);
        Assert.Equal(52m, wallet.Balance);
        Assert.Single(wallet.Rows);
    }

    [Fact]
    public async Task Declined_LeavesThePendingOrder_WhichCanStillBePaid()
    {
        var (user, order) = await data.PendingOrderAsync();

        var declined = await data.SendAsync(BillingTestData.Paid(order) with { Status = "declined" });
        Assert.Equal((200, "declined"), Pair(declined));
        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);

        Assert.Equal("paid", (await data.SendAsync(BillingTestData.Paid(order))).Status);
        Assert.Equal(52m, (await data.WalletAsync(user.UserId!.Value)).Balance);
    }

    [Fact]
    public async Task Paid_CancelledOrder_IsRefused()
    {
        var (user, order) = await data.PendingOrderAsync();
        Assert.True((await data.Orders(user).CancelAsync(order.Id)).Succeeded);

        var result = await data.SendAsync(BillingTestData.Paid(order));

        Assert.Equal((409, "not_payable"), Pair(result));
        Assert.Equal(OrderStatus.Cancelled, (await data.OrderRowAsync(order.Id)).Status);
        Assert.Equal(0m, (await data.WalletAsync(user.UserId!.Value)).Balance);
    }

    [Fact]
    public async Task CrashBetweenOrderUpdateAndLedger_LeavesNeither()
    {
        var (user, order) = await data.PendingOrderAsync();
        var service = data.Webhooks();
        service.AfterOrderMarkedPaid = () => throw new InvalidOperationException("crash after the order update, before the ledger");
        var evt = BillingTestData.Paid(order);

        await Assert.ThrowsAsync<InvalidOperationException>(() => data.SendAsync(evt, service));

        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);
        Assert.Equal(0, await data.EventCountAsync(order.Id));
        Assert.Equal(0m, (await data.WalletAsync(user.UserId!.Value)).Balance);
        // The gateway's retry of the same event then succeeds: nothing of the failed attempt was kept.
        Assert.Equal("paid", (await data.SendAsync(evt)).Status);
        Assert.Equal(52m, (await data.WalletAsync(user.UserId!.Value)).Balance);
    }

    [Fact]
    public async Task Membership_PaidOrders_StartAndThenExtendFromTheExpiry()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var timed = new BillingTestData(pg, clock);
        var product = await timed.ProductAsync(ProductKind.Membership, 18m, tier: MembershipTier.Premium, period: MembershipPeriod.Monthly);
        var (user, first) = await timed.PendingOrderAsync(product);
        var id = user.UserId!.Value;

        Assert.Equal("paid", (await timed.SendAsync(BillingTestData.Paid(first))).Status);
        var m1 = await timed.MembershipAsync(id);
        Assert.Equal((MembershipStatus.Active, MembershipTier.Premium, clock.Now, clock.Now.AddMonths(1)), (m1!.Status, m1.Tier, m1.StartedAt, m1.ExpiresAt));
        Assert.Equal(clock.Now.AddMonths(1), (await timed.OrderRowAsync(first.Id)).MembershipExpiresAt);
        Assert.Empty((await timed.WalletAsync(id)).Rows);

        clock.Advance(TimeSpan.FromDays(10));
        var second = (await timed.Orders(user).CreateAsync(product.Id)).Value!;
        Assert.Equal("paid", (await timed.SendAsync(BillingTestData.Paid(second))).Status);
        var m2 = await timed.MembershipAsync(id);
        Assert.Equal(m1.StartedAt, m2!.StartedAt);
        Assert.Equal(m1.ExpiresAt.AddMonths(1), m2.ExpiresAt);

        // What other features read: the benefits of the tier.
        var benefits = await new Data.Billing.Membership.MembershipService(pg.Db(user), clock).GetMyBenefitsAsync();
        Assert.Equal(MembershipBenefits.For(MembershipTier.Premium), benefits);
    }

    [Fact]
    public async Task Membership_TwoOrdersPaidAtOnce_WithoutAMembership_BothPeriodsAreGranted()
    {
        // Without a membership row there was nothing to lock: both payments extended "none" from now, and one period
        // was lost. Several rounds, each a new user, since the race needs both to read before either grants.
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var timed = new BillingTestData(pg, clock);
        var product = await timed.ProductAsync(ProductKind.Membership, 18m, tier: MembershipTier.Standard, period: MembershipPeriod.Monthly);
        for (var round = 0; round < 5; round++)
        {
            var (user, first) = await timed.PendingOrderAsync(product);
            var second = (await timed.Orders(user).CreateAsync(product.Id)).Value!;

            var results = await Task.WhenAll(new[] { first, second }.Select(o => Task.Run(() => timed.SendAsync(BillingTestData.Paid(o)))));

            Assert.All(results, r => Assert.Equal("paid", r.Status));
            var membership = await timed.MembershipAsync(user.UserId!.Value);
            Assert.Equal((clock.Now, clock.Now.AddMonths(2)), (membership!.StartedAt, membership.ExpiresAt));
        }
    }

    private static (int, string) Pair(PaymentWebhookResult r) => (r.StatusCode, r.Status);
}
