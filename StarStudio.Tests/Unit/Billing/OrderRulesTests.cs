using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;

namespace StarStudio.Tests.Unit.Billing;

public sealed class OrderRulesTests
{
    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.Paid, true)]
    [InlineData(OrderStatus.Pending, OrderStatus.Cancelled, true)]
    [InlineData(OrderStatus.Paid, OrderStatus.Refunded, true)]
    [InlineData(OrderStatus.Pending, OrderStatus.Refunded, false)]
    [InlineData(OrderStatus.Paid, OrderStatus.Cancelled, false)]
    [InlineData(OrderStatus.Paid, OrderStatus.Paid, false)]
    [InlineData(OrderStatus.Cancelled, OrderStatus.Paid, false)]
    [InlineData(OrderStatus.Refunded, OrderStatus.Paid, false)]
    [InlineData(OrderStatus.Refunded, OrderStatus.Refunded, false)]
    public void CanMove_FollowsTheStateMachine(OrderStatus from, OrderStatus to, bool allowed) =>
        Assert.Equal(allowed, OrderRules.CanMove(from, to));

    [Fact]
    public void CancelRefusal_OnlyPendingMayBeCancelled()
    {
        Assert.Null(OrderRules.CancelRefusal(OrderStatus.Pending));
        Assert.Equal(OrderRules.NotPending, OrderRules.CancelRefusal(OrderStatus.Paid));
        Assert.Equal(OrderRules.NotPending, OrderRules.CancelRefusal(OrderStatus.Cancelled));
    }

    [Fact]
    public void RefundRefusal_UnpaidOrMissingReason_IsRefused()
    {
        Assert.Equal(OrderRules.NotPaid, OrderRules.RefundRefusal(OrderStatus.Pending, "why")!.Code);
        Assert.Equal(OrderRules.NotPaid, OrderRules.RefundRefusal(OrderStatus.Refunded, "why")!.Code);
        Assert.Equal(OrderRules.ReasonRequired, OrderRules.RefundRefusal(OrderStatus.Paid, "  ")!.Code);
        Assert.Equal(OrderRules.ReasonTooLong, OrderRules.RefundRefusal(OrderStatus.Paid, new string('x', OrderRules.RefundReasonMax + 1))!.Code);
        Assert.Null(OrderRules.RefundRefusal(OrderStatus.Paid, "customer asked"));
    }

    [Fact]
    public void NewOrderNo_IsBeijingTimeAndRandom()
    {
        var now = new DateTimeOffset(2026, 12, 5, 17, 30, 1, TimeSpan.Zero);

        var a = OrderRules.NewOrderNo(now);
        var b = OrderRules.NewOrderNo(now);

        Assert.Matches("^SS20261206013001[0-9A-F]{6}$", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void LedgerKeys_NameTheOrder()
    {
        var id = Guid.NewGuid();

        Assert.Equal($"order:{id}:paid", OrderRules.PaidKey(id));
        Assert.Equal($"order:{id}:refund", OrderRules.RefundKey(id));
    }

    [Fact]
    public void ProductRules_RechargeCreditsAtLeastThePrice_MembershipNeedsTierAndPeriod()
    {
        Assert.Empty(BillingProductRules.Validate(new ProductDraft { Name = "¥50", Kind = ProductKind.Recharge, Price = 50, CreditAmount = 52 }));
        Assert.Contains(BillingProductRules.Validate(new ProductDraft { Name = "x", Kind = ProductKind.Recharge, Price = 50, CreditAmount = 49 }),
            e => e.Field == nameof(ProductDraft.CreditAmount));
        Assert.Contains(BillingProductRules.Validate(new ProductDraft { Name = "x", Kind = ProductKind.Recharge, Price = 0, CreditAmount = 0 }),
            e => e.Field == nameof(ProductDraft.Price));
        Assert.Contains(BillingProductRules.Validate(new ProductDraft { Name = "x", Kind = ProductKind.Recharge, Price = 1.005m, CreditAmount = 2 }),
            e => e.Field == nameof(ProductDraft.Price));
        var membership = BillingProductRules.Validate(new ProductDraft { Name = "m", Kind = ProductKind.Membership, Price = 18 });
        Assert.Contains(membership, e => e.Code == "Billing.Product.Tier.Required");
        Assert.Contains(membership, e => e.Code == "Billing.Product.Period.Required");
        Assert.Empty(BillingProductRules.Validate(new ProductDraft
        {
            Name = "m", Kind = ProductKind.Membership, Price = 18, MembershipTier = MembershipTier.Standard, MembershipPeriod = MembershipPeriod.Monthly,
        }));
        Assert.Contains(BillingProductRules.Validate(new ProductDraft { Name = " ", Kind = ProductKind.Recharge, Price = 1, CreditAmount = 1 }),
            e => e.Code == "Billing.Product.Name.Required");
    }

    [Fact]
    public void Bonus_IsTheCreditBeyondThePrice()
    {
        Assert.Equal(2m, BillingProductRules.Bonus(new BillingProduct { Kind = ProductKind.Recharge, Price = 50, CreditAmount = 52 }));
        Assert.Equal(0m, BillingProductRules.Bonus(new BillingProduct { Kind = ProductKind.Membership, Price = 18 }));
    }
}
