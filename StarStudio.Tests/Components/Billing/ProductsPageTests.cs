using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Admin.Billing;

namespace StarStudio.Tests.Components.Billing;

public sealed class ProductsPageTests : ComponentTest
{
    private readonly FakeProducts admin = new();

    public ProductsPageTests()
    {
        Context.Services.AddSingleton<IBillingAdminService>(admin);
        admin.Products.Add(new BillingProduct { Id = Guid.NewGuid(), Name = "充值 ¥50", Kind = ProductKind.Recharge, Price = 50, CreditAmount = 52, IsListed = true });
    }

    private IRenderedComponent<ProductsPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<ProductsPage>();
    }

    [Fact]
    public async Task ProductsPage_New_CreditBelowThePrice_MarksTheFieldAndIsNotSaved()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=product-add]").ClickAsync();
        await cut.Find("#product-name").InputAsync("充值 ¥20");
        await cut.Find("#product-price").InputAsync("20");
        await cut.Find("#product-credit").InputAsync("19");
        await cut.Find("[data-testid=product-save]").ClickAsync();

        Assert.Empty(admin.Created);
        Assert.Equal("true", cut.Find("#product-credit").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void ProductForm_ServerErrors_AreShownAtTheirFields()
    {
        Context.Render<MudPopoverProvider>();
        var cut = Context.Render<ProductForm>(p => p
            .Add(x => x.Model, new ProductDraft { Name = "x", Kind = ProductKind.Recharge, Price = 20, CreditAmount = 19 })
            .Add(x => x.ServerErrors, [new FieldError(nameof(ProductDraft.CreditAmount), "Billing.Product.Credit.Invalid", 200000m)]));

        Assert.Contains("到账余额不少于价格", cut.Find("#product-credit").Closest(".mud-input-control")!.TextContent);
    }

    [Fact]
    public async Task ProductsPage_New_ValidPack_IsCreatedAndListed()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=product-add]").ClickAsync();
        await cut.Find("#product-name").InputAsync("充值 ¥20");
        await cut.Find("#product-price").InputAsync("20");
        await cut.Find("#product-credit").InputAsync("21");
        await cut.Find("[data-testid=product-save]").ClickAsync();

        var created = Assert.Single(admin.Created);
        Assert.Equal(("充值 ¥20", 20m, 21m), (created.Name, created.Price, created.CreditAmount));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=product-row]").Count));
        Assert.Empty(cut.FindAll("[data-testid=product-editor]"));
    }

    private sealed class FakeProducts : IBillingAdminService
    {
        public List<BillingProduct> Products { get; } = [];
        public List<ProductDraft> Created { get; } = [];

        public Task<Result<IReadOnlyList<BillingProduct>>> ListProductsAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<BillingProduct>>.Ok(Products.ToList()));

        public Task<Result<BillingProduct>> CreateProductAsync(ProductDraft draft, CancellationToken ct = default)
        {
            Created.Add(draft);
            var p = new BillingProduct { Id = Guid.NewGuid(), Name = draft.Name, Kind = draft.Kind, Price = draft.Price, CreditAmount = draft.CreditAmount, IsListed = draft.IsListed };
            Products.Add(p);
            return Task.FromResult(Result<BillingProduct>.Ok(p));
        }

        public Task<Result<BillingProduct>> UpdateProductAsync(Guid id, ProductDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<BillingProduct>> SetListedAsync(Guid id, bool listed, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Page<OrderView>>> ListOrdersAsync(OrderFilter filter, int page, int pageSize, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<OrderView>> RefundAsync(Guid orderId, string reason, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
