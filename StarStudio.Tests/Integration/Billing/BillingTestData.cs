using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Core.Common;
using StarStudio.Data.Billing;
using StarStudio.Data.Billing.Orders;
using StarStudio.Data.Billing.Payments;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>Products, orders and signed webhook calls for the billing tests, arranged as the owner and acted as the app role.</summary>
internal sealed class BillingTestData(PostgresDatabase pg, TimeProvider? clock = null)
{
    public const string Secret = "whsec_billing_tests";

    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    public SandboxPaymentProvider Provider { get; } = new(Options.Create(new PaymentOptions { Sandbox = { WebhookSecret = Secret } }));

    public PaymentWebhookService Webhooks() =>
        new([Provider], pg.AppContextFactory(), Clock, NullLogger<PaymentWebhookService>.Instance);

    public OrderService Orders(UserContext user) => new(pg.Db(user), Clock);

    public BillingAdminService Admin(UserContext admin) => new(pg.Db(admin), Clock);

    public async Task<BillingProduct> ProductAsync(ProductKind kind = ProductKind.Recharge, decimal price = 50m, decimal credit = 52m,
        MembershipTier tier = MembershipTier.Standard, MembershipPeriod period = MembershipPeriod.Monthly)
    {
        var p = new BillingProduct
        {
            Id = Guid.NewGuid(), Name = $"p-{Guid.NewGuid():N}"[..20], Kind = kind, Price = price, IsListed = true,
            CreditAmount = kind == ProductKind.Recharge ? credit : 0,
            MembershipTier = kind == ProductKind.Membership ? tier : null,
            MembershipPeriod = kind == ProductKind.Membership ? period : null,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = pg.OwnerContext();
        db.Products.Add(p);
        await db.SaveChangesAsync();
        return p;
    }

    public async Task<(UserContext User, OrderView Order)> PendingOrderAsync(BillingProduct? product = null)
    {
        var user = await pg.CreateUserAsync();
        product ??= await ProductAsync();
        var order = await Orders(user).CreateAsync(product.Id);
        Assert.True(order.Succeeded, string.Join(",", order.Errors.Select(e => e.Code)));
        return (user, order.Value!);
    }

    /// <summary>A webhook call as the gateway makes it: the event's JSON, signed now (or at <paramref name="signedAt"/>).</summary>
    public static (string Header, byte[] Body) Signed(PaymentEvent evt, DateTimeOffset signedAt, string secret = Secret)
    {
        var body = evt.ToJsonBytes();
        return (PaymentSignature.Sign(secret, signedAt.ToUnixTimeSeconds(), body), body);
    }

    public Task<PaymentWebhookResult> SendAsync(PaymentEvent evt, PaymentWebhookService? service = null, DateTimeOffset? signedAt = null)
    {
        var (header, body) = Signed(evt, signedAt ?? Clock.GetUtcNow());
        return (service ?? Webhooks()).ReceiveAsync(PaymentProviderNames.Sandbox, header, body);
    }

    public static PaymentEvent Paid(OrderView order, string? eventId = null, decimal? amount = null) =>
        new(eventId ?? "evt_" + Guid.NewGuid().ToString("N"), order.OrderNo, amount ?? order.Amount, order.Currency, "paid");

    public async Task<BillingOrder> OrderRowAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    public async Task<(decimal Balance, List<(string Key, decimal Amount, LedgerSource Source)> Rows)> WalletAsync(Guid userId)
    {
        await using var db = pg.OwnerContext();
        var balance = await db.UserBalances.Where(b => b.UserId == userId).Select(b => (decimal?)b.Balance).SingleOrDefaultAsync() ?? 0m;
        var rows = await db.WalletLedger.Where(l => l.UserId == userId && l.Currency == WalletCurrency.Balance).OrderBy(l => l.Seq)
            .Select(l => new { l.WalletLedgerId, l.AmountDelta, l.SourceType }).ToListAsync();
        return (balance, rows.Select(r => (r.WalletLedgerId, r.AmountDelta, r.SourceType)).ToList());
    }

    public async Task<ProfileMembership?> MembershipAsync(Guid userId)
    {
        await using var db = pg.OwnerContext();
        return await db.ProfileMemberships.AsNoTracking().SingleOrDefaultAsync(m => m.UserId == userId);
    }

    public async Task<int> EventCountAsync(Guid orderId)
    {
        await using var db = pg.OwnerContext();
        return await db.PaymentEvents.CountAsync(e => e.OrderId == orderId);
    }
}
