using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Me.Billing;

namespace StarStudio.Tests.Components.Billing;

public sealed class RechargePanelTests : ComponentTest
{
    private readonly FakeOrderService orders = new();

    public RechargePanelTests()
    {
        orders.Products.Add(new BillingProduct { Id = Guid.NewGuid(), Name = "充值 ¥50", Kind = ProductKind.Recharge, Price = 50, CreditAmount = 52, IsListed = true });
        orders.Products.Add(new BillingProduct
        {
            Id = Guid.NewGuid(), Name = "星光会员 · 月卡", Kind = ProductKind.Membership, Price = 18, IsListed = true,
            MembershipTier = Core.Billing.Membership.MembershipTier.Standard, MembershipPeriod = Core.Billing.Membership.MembershipPeriod.Monthly,
        });
        Context.Services.AddSingleton<IOrderService>(orders);
    }

    [Fact]
    public void RechargePanel_Products_ShowPriceBonusAndTier()
    {
        Context.Services.AddSingleton<IPaymentProvider>(new FakeProvider());

        var cut = Render<RechargePanel>(_ => { });

        var cards = cut.FindAll("[data-testid=recharge-product]");
        Assert.Equal(2, cards.Count);
        Assert.Contains("¥50.00", cards[0].TextContent);
        Assert.Contains("赠送 ¥2.00", cards[0].TextContent);
        Assert.Contains("星光会员", cards[1].TextContent);
        Assert.Contains("月卡", cards[1].TextContent);
    }

    [Fact]
    public async Task RechargePanel_Buy_GoesToTheGatewayOfTheNewOrder()
    {
        Context.Services.AddSingleton<IPaymentProvider>(new FakeProvider());
        var cut = Render<RechargePanel>(_ => { });

        await cut.FindAll("[data-testid=recharge-buy]")[0].ClickAsync();

        Assert.EndsWith("/pay/sandbox/SS20261205180000ABCDEF", Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RechargePanel_Refused_ShowsTheReason()
    {
        Context.Services.AddSingleton<IPaymentProvider>(new FakeProvider());
        orders.NextCreate = Result<OrderView>.Invalid("Product", OrderRules.ProductUnavailable);
        var cut = Render<RechargePanel>(_ => { });

        await cut.FindAll("[data-testid=recharge-buy]")[0].ClickAsync();

        Assert.Contains("该商品已下架", cut.Find("[data-testid=recharge-error]").TextContent);
        Assert.DoesNotContain("/pay/", Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void RechargePanel_NoProvider_SaysPaymentsAreUnavailable()
    {
        var cut = Render<RechargePanel>(_ => { });

        Assert.NotNull(cut.Find("[data-testid=recharge-unavailable]"));
        Assert.Empty(cut.FindAll("[data-testid=recharge-buy]"));
    }
}
