using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Web.Components.Me.Billing;

namespace StarStudio.Tests.Components.Billing;

public sealed class OrdersPanelTests : ComponentTest
{
    private readonly FakeOrderService orders = new();
    private readonly FakeMembershipService membership = new();

    public OrdersPanelTests()
    {
        Context.Services.AddSingleton<IOrderService>(orders);
        Context.Services.AddSingleton<IMembershipService>(membership);
        Context.Services.AddSingleton<IPaymentProvider>(new FakeProvider());
    }

    [Fact]
    public void OrdersPanel_Orders_ShowStatusAndOnlyPendingOnesCanBeCancelledOrPaid()
    {
        orders.Mine.Add(FakeOrderService.Order("SS1", OrderStatus.Pending));
        orders.Mine.Add(FakeOrderService.Order("SS2", OrderStatus.Paid));

        var cut = Render<OrdersPanel>(_ => { });

        var rows = cut.FindAll("[data-testid=order-row]");
        Assert.Equal(2, rows.Count);
        Assert.Equal("pending", rows[0].QuerySelector("[data-testid=order-status]")!.GetAttribute("data-status"));
        Assert.Contains("待支付", rows[0].TextContent);
        Assert.NotNull(rows[0].QuerySelector("[data-testid=order-cancel]"));
        Assert.Equal("/pay/sandbox/SS1", rows[0].QuerySelector("[data-testid=order-pay]")!.GetAttribute("href"));
        Assert.Contains("已支付", rows[1].TextContent);
        Assert.Null(rows[1].QuerySelector("[data-testid=order-cancel]"));
    }

    [Fact]
    public async Task OrdersPanel_Cancel_CancelsAndShowsTheNewStatus()
    {
        orders.Mine.Add(FakeOrderService.Order("SS1", OrderStatus.Pending));
        var cut = Render<OrdersPanel>(_ => { });

        await cut.Find("[data-testid=order-cancel]").ClickAsync();

        Assert.Single(orders.Cancelled);
        cut.WaitForAssertion(() => Assert.Equal("cancelled", cut.Find("[data-testid=order-status]").GetAttribute("data-status")));
        Assert.Empty(cut.FindAll("[data-testid=order-cancel]"));
    }

    [Fact]
    public void OrdersPanel_Membership_ShowsTierExpiryAndBenefits()
    {
        var expires = new DateTimeOffset(2027, 1, 5, 2, 0, 0, TimeSpan.Zero);
        membership.View = new MembershipView(MembershipTier.Premium, MembershipStatus.Active, expires.AddMonths(-1), expires, true, MembershipBenefits.For(MembershipTier.Premium));

        var cut = Render<OrdersPanel>(_ => { });

        var text = cut.Find("[data-testid=membership-active]").TextContent;
        Assert.Contains("星耀会员", text);
        Assert.Contains("2027-01-05 10:00", text); // Beijing time
        Assert.Contains("×5", text);
    }

    [Fact]
    public void OrdersPanel_NoMembership_SaysSo()
    {
        var cut = Render<OrdersPanel>(_ => { });

        Assert.Contains("还不是会员", cut.Find("[data-testid=membership-none]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=orders-empty]"));
    }

    [Fact]
    public void OrdersPanel_BackFromTheGateway_ShowsTheOrdersNewStatus()
    {
        orders.Mine.Add(FakeOrderService.Order("SS9", OrderStatus.Paid));
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/me?order=SS9");

        var cut = Render<OrdersPanel>(_ => { });

        Assert.Contains("SS9", cut.Find("[data-testid=orders-returned]").TextContent);
        Assert.Contains("已支付", cut.Find("[data-testid=orders-returned]").TextContent);
    }
}
