using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Common;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Billing.Orders;

/// <summary>A user's products and orders, as that user (RLS: own orders only; a new order is pending; only a pending one is cancelled).</summary>
internal sealed class OrderService(StarStudioDb db, TimeProvider clock) : IOrderService
{
    public Task<IReadOnlyList<BillingProduct>> ListProductsAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<BillingProduct>>(async (ctx, _) =>
            await ctx.Products.AsNoTracking().Where(p => p.IsListed).OrderBy(p => p.Kind).ThenBy(p => p.SortOrder).ThenBy(p => p.Price).ToListAsync(ct), ct);

    public Task<Result<OrderView>> CreateAsync(Guid productId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<OrderView>.Forbidden();
            }

            var product = await ctx.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, ct);
            if (product is not { IsListed: true })
            {
                return Result<OrderView>.Invalid("Product", OrderRules.ProductUnavailable);
            }

            var now = clock.GetUtcNow();
            var order = new BillingOrder
            {
                Id = Guid.CreateVersion7(),
                OrderNo = OrderRules.NewOrderNo(now),
                UserId = me,
                ProductId = product.Id,
                ProductTitle = product.Name,
                Kind = product.Kind,
                Amount = product.Price,
                Currency = product.Currency,
                CreditAmount = product.CreditAmount,
                MembershipTier = product.MembershipTier,
                MembershipPeriod = product.MembershipPeriod,
                Status = OrderStatus.Pending,
                CreatedAt = now,
                UpdatedAt = now,
            };
            ctx.Orders.Add(order);
            await ctx.SaveChangesAsync(ct);
            return Result<OrderView>.Ok(OrderView.From(order));
        }, ct);

    public Task<Result<OrderView>> CancelAsync(Guid orderId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            // One conditional UPDATE: a cancel and a payment of the same order take turns on the row lock, and the one
            // that comes second finds the status changed (a paid order is not cancelled, a cancelled one not paid).
            var now = clock.GetUtcNow();
            var me = user.UserId ?? Guid.Empty;
            var changed = await ctx.Orders
                .Where(o => o.Id == orderId && o.UserId == me && o.Status == OrderStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled).SetProperty(o => o.CancelledAt, now).SetProperty(o => o.UpdatedAt, now), ct);
            var order = await ctx.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
            if (order is null || order.UserId != me)
            {
                return Result<OrderView>.NotFound();
            }

            return changed == 1 ? Result<OrderView>.Ok(OrderView.From(order))
                : Result<OrderView>.Invalid("Order", OrderRules.CancelRefusal(order.Status) ?? OrderRules.NotPending);
        }, ct);

    public Task<Page<OrderView>> ListMineAsync(int page, int pageSize, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return new Page<OrderView>([], 0);
            }

            var size = Math.Clamp(pageSize, 1, 100);
            var rows = ctx.Orders.AsNoTracking().Where(o => o.UserId == me);
            var items = await rows.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Skip(Math.Max(page, 0) * size).Take(size).ToListAsync(ct);
            return new Page<OrderView>(items.Select(o => OrderView.From(o)).ToList(), await rows.CountAsync(ct));
        }, ct);

    public Task<Result<OrderView>> GetMineAsync(string orderNo, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var order = await ctx.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderNo == orderNo, ct);
            return order is null || order.UserId != user.UserId ? Result<OrderView>.NotFound() : Result<OrderView>.Ok(OrderView.From(order));
        }, ct);
}
