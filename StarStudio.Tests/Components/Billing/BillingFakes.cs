using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Core.Common;

namespace StarStudio.Tests.Components.Billing;

internal sealed class FakeOrderService : IOrderService
{
    public List<BillingProduct> Products { get; } = [];
    public List<OrderView> Mine { get; } = [];
    public List<Guid> Cancelled { get; } = [];
    public Result<OrderView>? NextCreate { get; set; }

    public Task<IReadOnlyList<BillingProduct>> ListProductsAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<BillingProduct>>(Products);

    public Task<Result<OrderView>> CreateAsync(Guid productId, CancellationToken ct = default) =>
        Task.FromResult(NextCreate ?? Result<OrderView>.Ok(Order("SS20261205180000ABCDEF", OrderStatus.Pending)));

    public Task<Result<OrderView>> CancelAsync(Guid orderId, CancellationToken ct = default)
    {
        Cancelled.Add(orderId);
        var i = Mine.FindIndex(o => o.Id == orderId);
        if (i < 0 || Mine[i].Status != OrderStatus.Pending)
        {
            return Task.FromResult(Result<OrderView>.Invalid("Order", OrderRules.NotPending));
        }

        Mine[i] = Mine[i] with { Status = OrderStatus.Cancelled, CancelledAt = DateTimeOffset.UtcNow };
        return Task.FromResult(Result<OrderView>.Ok(Mine[i]));
    }

    public Task<Page<OrderView>> ListMineAsync(int page, int pageSize, CancellationToken ct = default) =>
        Task.FromResult(new Page<OrderView>(Mine.Skip(page * pageSize).Take(pageSize).ToList(), Mine.Count));

    public Task<Result<OrderView>> GetMineAsync(string orderNo, CancellationToken ct = default) =>
        Task.FromResult(Mine.FirstOrDefault(o => o.OrderNo == orderNo) is { } o ? Result<OrderView>.Ok(o) : Result<OrderView>.NotFound());

    public static OrderView Order(string no, OrderStatus status, decimal amount = 50m, string title = "充值 ¥50") =>
        new(Guid.NewGuid(), no, Guid.NewGuid(), null, title, ProductKind.Recharge, amount, "CNY", amount + 2, null, null, status,
            DateTimeOffset.UtcNow, status == OrderStatus.Paid ? DateTimeOffset.UtcNow : null, null, null, 0, null, null, null);
}

internal sealed class FakeMembershipService : IMembershipService
{
    public MembershipView View { get; set; } = MembershipView.None;

    public Task<MembershipView> GetMineAsync(CancellationToken ct = default) => Task.FromResult(View);

    public Task<MembershipBenefits> GetMyBenefitsAsync(CancellationToken ct = default) => Task.FromResult(View.Benefits);
}

internal sealed class FakeProvider : IPaymentProvider
{
    public string Name => PaymentProviderNames.Sandbox;

    public string WebhookSecret => "whsec_test";

    public string CheckoutUrl(string orderNo) => $"/pay/sandbox/{orderNo}";
}
