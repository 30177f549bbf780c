using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Common;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>Orders and refunds as users and admins, on the real PostgreSQL with RLS.</summary>
public sealed class OrderServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly BillingTestData data = new(pg);

    [Fact]
    public async Task Create_CopiesTheProductsTerms_AndUnlistedProductsAreRefused()
    {
        var product = await data.ProductAsync(price: 100m, credit: 108m);
        var (_, order) = await data.PendingOrderAsync(product);

        Assert.Equal((OrderStatus.Pending, 100m, 108m, product.Name), (order.Status, order.Amount, order.CreditAmount, order.ProductTitle));
        Assert.StartsWith("SS", order.OrderNo, StringComparison.Ordinal);

        var admin = await pg.CreateAdminAsync();
        await data.Admin(admin).SetListedAsync(product.Id, false);
        var user = await pg.CreateUserAsync();
        var refused = await data.Orders(user).CreateAsync(product.Id);
        Assert.Equal(OrderRules.ProductUnavailable, refused.Errors.Single().Code);
    }

    [Fact]
    public async Task Cancel_OnlyAPendingOrderOfOnesOwn()
    {
        var (user, order) = await data.PendingOrderAsync();
        var stranger = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.NotFound, (await data.Orders(stranger).CancelAsync(order.Id)).Kind);
        var cancelled = await data.Orders(user).CancelAsync(order.Id);
        Assert.Equal(OrderStatus.Cancelled, cancelled.Value!.Status);
        Assert.NotNull((await data.OrderRowAsync(order.Id)).CancelledAt);
        Assert.Equal(OrderRules.NotPending, (await data.Orders(user).CancelAsync(order.Id)).Errors.Single().Code);
    }

    [Fact]
    public async Task Rls_UsersSeeOnlyTheirOwnOrders_AdminsSeeAll()
    {
        var (a, orderA) = await data.PendingOrderAsync();
        var (b, orderB) = await data.PendingOrderAsync();
        var admin = await pg.CreateAdminAsync();

        var mineA = await data.Orders(a).ListMineAsync(0, 50);
        Assert.Equal([orderA.Id], mineA.Items.Select(o => o.Id));
        Assert.Equal(ResultKind.NotFound, (await data.Orders(a).GetMineAsync(orderB.OrderNo)).Kind);

        // Even a query without the service's filter sees only A's rows.
        var raw = await pg.Db(a).RunAsync((db, _) => db.Orders.Select(o => o.Id).ToListAsync());
        Assert.Equal([orderA.Id], raw);

        var all = await data.Admin(admin).ListOrdersAsync(new OrderFilter(OrderStatus.Pending), 0, 100);
        Assert.Contains(all.Value!.Items, o => o.Id == orderB.Id);
        Assert.Equal(ResultKind.Forbidden, (await data.Admin(b).ListOrdersAsync(new OrderFilter(), 0, 10)).Kind);
    }

    [Fact]
    public async Task Rls_AUserCannotInsertAPaidOrAnUnderpricedOrder_NorMarkOneAsPaid()
    {
        var product = await data.ProductAsync(price: 100m, credit: 100m);
        var user = await pg.CreateUserAsync();
        var me = user.UserId!.Value;
        BillingOrder Order(OrderStatus status, decimal amount) => new()
        {
            Id = Guid.NewGuid(), OrderNo = "SS" + Guid.NewGuid().ToString("N")[..16], UserId = me, ProductId = product.Id, ProductTitle = product.Name,
            Kind = ProductKind.Recharge, Amount = amount, CreditAmount = 100m, Status = status, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            PaidAt = status == OrderStatus.Paid ? DateTimeOffset.UtcNow : null,
        };

        await Assert.ThrowsAsync<DbUpdateException>(() => pg.Db(user).RunAsync(async (db, _) => { db.Orders.Add(Order(OrderStatus.Paid, 100m)); await db.SaveChangesAsync(); }));
        await Assert.ThrowsAsync<DbUpdateException>(() => pg.Db(user).RunAsync(async (db, _) => { db.Orders.Add(Order(OrderStatus.Pending, 0.01m)); await db.SaveChangesAsync(); }));

        var order = (await data.Orders(user).CreateAsync(product.Id)).Value!;
        var paid = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) =>
            db.Database.ExecuteSqlAsync($"UPDATE orders SET status = 'paid', paid_at = now() WHERE id = {order.Id}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, paid.SqlState);
        var cheaper = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) =>
            db.Database.ExecuteSqlAsync($"UPDATE orders SET amount = 0.01 WHERE id = {order.Id}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, cheaper.SqlState);
        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Refund_OfAnUnpaidOrder_IsRefused()
    {
        var (_, order) = await data.PendingOrderAsync();
        var admin = await pg.CreateAdminAsync();

        var result = await data.Admin(admin).RefundAsync(order.Id, "asked");

        Assert.Equal(OrderRules.NotPaid, result.Errors.Single().Code);
        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Refund_OfAPaidRecharge_WritesTheReversingRow()
    {
        var (user, order) = await data.PendingOrderAsync();
        Assert.Equal("paid", (await data.SendAsync(BillingTestData.Paid(order))).Status);
        var admin = await pg.CreateAdminAsync();

        Assert.Equal(ResultKind.Forbidden, (await data.Admin(user).RefundAsync(order.Id, "me")).Kind);
        var refunded = await data.Admin(admin).RefundAsync(order.Id, "customer asked");
        var again = await data.Admin(admin).RefundAsync(order.Id, "customer asked");

        Assert.Equal(OrderStatus.Refunded, refunded.Value!.Status);
        Assert.Equal((50m, "customer asked"), (refunded.Value.RefundAmount, refunded.Value.RefundReason));
        Assert.Equal(OrderRules.NotPaid, again.Errors.Single().Code);
        var wallet = await data.WalletAsync(user.UserId!.Value);
        Assert.Equal(0m, wallet.Balance);
        Assert.Equal([(OrderRules.PaidKey(order.Id), 52m, LedgerSource.Recharge), (OrderRules.RefundKey(order.Id), -52m, LedgerSource.Refund)], wallet.Rows);
    }

    [Fact]
    public async Task Refund_WhenTheBalanceWasSpent_IsRefusedWithAClearReason()
    {
        var (user, order) = await data.PendingOrderAsync();
        await data.SendAsync(BillingTestData.Paid(order));
        var id = user.UserId!.Value;
        await pg.Db(user).RunAsync((db, _) => Data.Billing.WalletPostings.PostAsync(db,
            new LedgerPosting($"spend:{id}", id, WalletCurrency.Balance, -10m, LedgerSource.ModelUsage)));
        var admin = await pg.CreateAdminAsync();

        var result = await data.Admin(admin).RefundAsync(order.Id, "asked");

        Assert.Equal(OrderRules.BalanceSpent, result.Errors.Single().Code);
        Assert.Equal(OrderStatus.Paid, (await data.OrderRowAsync(order.Id)).Status);
        Assert.Equal(42m, (await data.WalletAsync(id)).Balance);
    }

    [Fact]
    public async Task Refund_OfAMembershipOrder_TakesItsPeriodBack()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var timed = new BillingTestData(pg, clock);
        var product = await timed.ProductAsync(ProductKind.Membership, 18m);
        var (user, first) = await timed.PendingOrderAsync(product);
        await timed.SendAsync(BillingTestData.Paid(first));
        var second = (await timed.Orders(user).CreateAsync(product.Id)).Value!;
        await timed.SendAsync(BillingTestData.Paid(second));
        var admin = await pg.CreateAdminAsync();
        var id = user.UserId!.Value;

        Assert.True((await timed.Admin(admin).RefundAsync(second.Id, "double purchase")).Succeeded);
        var m = await timed.MembershipAsync(id);
        Assert.Equal((MembershipStatus.Active, clock.Now.AddMonths(1)), (m!.Status, m.ExpiresAt));

        Assert.True((await timed.Admin(admin).RefundAsync(first.Id, "unhappy")).Succeeded);
        m = await timed.MembershipAsync(id);
        Assert.Equal((MembershipStatus.Ended, clock.Now), (m!.Status, m.ExpiresAt));
        Assert.Empty((await timed.WalletAsync(id)).Rows);
    }

    [Fact]
    public async Task Products_AdminsCreateAndEdit_OthersAreRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var user = await pg.CreateUserAsync();
        var draft = new ProductDraft { Name = "充值 ¥20", Kind = ProductKind.Recharge, Price = 20, CreditAmount = 21 };

        var created = await data.Admin(admin).CreateProductAsync(draft);
        draft.CreditAmount = 19;
        var invalid = await data.Admin(admin).UpdateProductAsync(created.Value!.Id, draft);

        Assert.True(created.Succeeded);
        Assert.Contains(invalid.Errors, e => e.Field == nameof(ProductDraft.CreditAmount));
        Assert.Equal(ResultKind.Forbidden, (await data.Admin(user).CreateProductAsync(draft)).Kind);
        Assert.Contains(await data.Orders(user).ListProductsAsync(), p => p.Id == created.Value.Id);
    }
}
