using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Admin.Billing;

namespace StarStudio.Tests.Components.Billing;

public sealed class OrdersAdminPageTests : ComponentTest
{
    private readonly FakeAdmin admin = new();

    public OrdersAdminPageTests()
    {
        Context.Services.AddSingleton<IBillingAdminService>(admin);
        admin.Orders.Add(FakeOrderService.Order("SS1", OrderStatus.Paid));
        admin.Orders.Add(FakeOrderService.Order("SS2", OrderStatus.Pending));
    }

    private IRenderedComponent<OrdersAdminPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<OrdersAdminPage>();
    }

    [Fact]
    public void OrdersAdminPage_OnlyPaidOrdersHaveRefund()
    {
        var cut = RenderPage();

        var rows = cut.FindAll("[data-testid=admin-order-row]");
        Assert.NotNull(rows[0].QuerySelector("[data-testid=order-refund]"));
        Assert.Null(rows[1].QuerySelector("[data-testid=order-refund]"));
    }

    [Fact]
    public async Task OrdersAdminPage_Refund_WithAReason_RefundsAndSaysSo()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=order-refund]").ClickAsync();
        await cut.Find("#refund-reason").InputAsync("客户申请");
        await cut.Find("[data-testid=refund-confirm]").ClickAsync();

        Assert.Equal([("SS1", "客户申请")], admin.Refunds);
        Assert.Contains("SS1", cut.Find("[data-testid=refund-done]").TextContent);
        Assert.Equal("refunded", cut.Find("[data-testid=admin-order-status]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task OrdersAdminPage_Refund_WhenSpent_ShowsTheLedgersReason()
    {
        admin.Refusal = new FieldError("Order", OrderRules.BalanceSpent);
        var cut = RenderPage();

        await cut.Find("[data-testid=order-refund]").ClickAsync();
        await cut.Find("#refund-reason").InputAsync("x");
        await cut.Find("[data-testid=refund-confirm]").ClickAsync();

        Assert.Contains("已被使用", cut.Find("[data-testid=refund-error]").TextContent);
    }

    private sealed class FakeAdmin : IBillingAdminService
    {
        public List<OrderView> Orders { get; } = [];
        public List<(string, string)> Refunds { get; } = [];
        public FieldError? Refusal { get; set; }

        public Task<Result<IReadOnlyList<BillingProduct>>> ListProductsAsync(CancellationToken ct = default) => Task.FromResult(Result<IReadOnlyList<BillingProduct>>.Ok([]));
        public Task<Result<BillingProduct>> CreateProductAsync(ProductDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<BillingProduct>> UpdateProductAsync(Guid id, ProductDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<BillingProduct>> SetListedAsync(Guid id, bool listed, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Page<OrderView>>> ListOrdersAsync(OrderFilter filter, int page, int pageSize, CancellationToken ct = default) =>
            Task.FromResult(Result<Page<OrderView>>.Ok(new Page<OrderView>(Orders.Where(o => filter.Status is null || o.Status == filter.Status).ToList(), Orders.Count)));

        public Task<Result<OrderView>> RefundAsync(Guid orderId, string reason, CancellationToken ct = default)
        {
            if (Refusal is { } refusal)
            {
                return Task.FromResult(Result<OrderView>.Invalid([refusal]));
            }

            var i = Orders.FindIndex(o => o.Id == orderId);
            Refunds.Add((Orders[i].OrderNo, reason));
            Orders[i] = Orders[i] with { Status = OrderStatus.Refunded, RefundReason = reason };
            return Task.FromResult(Result<OrderView>.Ok(Orders[i]));
        }
    }
}
