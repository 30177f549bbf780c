using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Web.Components.Billing;

namespace StarStudio.Tests.Components.Billing;

public sealed class SandboxGatewayPageTests : ComponentTest
{
    private readonly FakeOrderService orders = new();
    private readonly FakeGateway gateway = new();

    public SandboxGatewayPageTests()
    {
        Context.Services.AddSingleton<IOrderService>(orders);
        Context.Services.AddSingleton<ISandboxGateway>(gateway);
        Context.Services.AddSingleton<IPaymentProvider>(new FakeProvider());
        orders.Mine.Add(FakeOrderService.Order("SS1", OrderStatus.Pending, 50m));
    }

    [Fact]
    public async Task Gateway_Approve_SendsThePaidEventAndReturnsToTheOrders()
    {
        var cut = Render<SandboxGatewayPage>(p => p.Add(x => x.OrderNo, "SS1"));
        Assert.Equal("¥50.00", cut.Find("[data-testid=gateway-amount]").TextContent);

        await cut.Find("[data-testid=gateway-approve]").ClickAsync();

        Assert.Equal([("SS1", 50m, true)], gateway.Calls);
        Assert.EndsWith("/me?tab=orders&order=SS1", Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RefusedByTheApp_ShowsWhyAndStays()
    {
        gateway.Answer = new PaymentWebhookResult(409, "amount_mismatch", "");
        var cut = Render<SandboxGatewayPage>(p => p.Add(x => x.OrderNo, "SS1"));

        await cut.Find("[data-testid=gateway-decline]").ClickAsync();

        Assert.Contains("amount_mismatch", cut.Find("[data-testid=gateway-error]").TextContent);
        Assert.Equal([("SS1", 50m, false)], gateway.Calls);
    }

    [Fact]
    public void Gateway_SomeoneElsesOrder_IsNotFound()
    {
        var cut = Render<SandboxGatewayPage>(p => p.Add(x => x.OrderNo, "SS-other"));

        Assert.NotNull(cut.Find("[data-testid=gateway-not-found]"));
        Assert.Empty(cut.FindAll("[data-testid=gateway-approve]"));
    }

    [Fact]
    public void Gateway_PaidOrder_HasNothingToPay()
    {
        orders.Mine.Add(FakeOrderService.Order("SS2", OrderStatus.Paid));
        var cut = Render<SandboxGatewayPage>(p => p.Add(x => x.OrderNo, "SS2"));

        Assert.Contains("已支付", cut.Find("[data-testid=gateway-not-pending]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=gateway-approve]"));
    }

    private sealed class FakeGateway : ISandboxGateway
    {
        public List<(string, decimal, bool)> Calls { get; } = [];
        public PaymentWebhookResult Answer { get; set; } = new(200, "paid", "");

        public Task<PaymentWebhookResult> CompleteAsync(Uri appBaseUri, string orderNo, decimal amount, string currency, bool approve, CancellationToken ct = default)
        {
            Calls.Add((orderNo, amount, approve));
            return Task.FromResult(Answer);
        }
    }
}
