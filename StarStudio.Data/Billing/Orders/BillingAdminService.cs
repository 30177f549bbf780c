using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Common;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Billing.Orders;

/// <summary>Products and refunds for admins. The role is checked here and again by RLS (<c>app_is_admin()</c>).</summary>
internal sealed class BillingAdminService(StarStudioDb db, TimeProvider clock, IClientAddress? clientAddress = null) : IBillingAdminService
{
    public Task<Result<IReadOnlyList<BillingProduct>>> ListProductsAsync(CancellationToken ct = default) =>
        AdminAsync<IReadOnlyList<BillingProduct>>(async ctx =>
            Result<IReadOnlyList<BillingProduct>>.Ok(await ctx.Products.AsNoTracking().OrderBy(p => p.Kind).ThenBy(p => p.SortOrder).ThenBy(p => p.Price).ToListAsync(ct)), ct);

    public Task<Result<BillingProduct>> CreateProductAsync(ProductDraft draft, CancellationToken ct = default) =>
        AdminAsync(async ctx =>
        {
            var errors = BillingProductRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<BillingProduct>.Invalid(errors);
            }

            var now = clock.GetUtcNow();
            var product = new BillingProduct { Id = Guid.CreateVersion7(), CreatedAt = now };
            Apply(product, draft, now);
            ctx.Products.Add(product);
            await ctx.SaveChangesAsync(ct);
            return Result<BillingProduct>.Ok(product);
        }, ct);

    public Task<Result<BillingProduct>> UpdateProductAsync(Guid id, ProductDraft draft, CancellationToken ct = default) =>
        AdminAsync(async ctx =>
        {
            var product = await ctx.Products.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (product is null)
            {
                return Result<BillingProduct>.NotFound();
            }

            var errors = BillingProductRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<BillingProduct>.Invalid(errors);
            }

            Apply(product, draft, clock.GetUtcNow());
            await ctx.SaveChangesAsync(ct);
            return Result<BillingProduct>.Ok(product);
        }, ct);

    public Task<Result<BillingProduct>> SetListedAsync(Guid id, bool listed, CancellationToken ct = default) =>
        AdminAsync(async ctx =>
        {
            var product = await ctx.Products.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (product is null)
            {
                return Result<BillingProduct>.NotFound();
            }

            product.IsListed = listed;
            product.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<BillingProduct>.Ok(product);
        }, ct);

    public Task<Result<Page<OrderView>>> ListOrdersAsync(OrderFilter filter, int page, int pageSize, CancellationToken ct = default) =>
        AdminAsync(async ctx =>
        {
            var rows = ctx.Orders.AsNoTracking();
            if (filter.Status is { } status)
            {
                rows = rows.Where(o => o.Status == status);
            }

            var search = filter.Search?.Trim();
            if (!string.IsNullOrEmpty(search))
            {
                var pattern = "%" + search.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
                rows = rows.Where(o => EF.Functions.ILike(o.OrderNo, pattern) || ctx.Users.Any(u => u.Id == o.UserId && EF.Functions.ILike(u.Email!, pattern)));
            }

            var size = Math.Clamp(pageSize, 1, 100);
            var items = await rows.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Skip(Math.Max(page, 0) * size).Take(size)
                .Select(o => new { Order = o, Email = ctx.Users.Where(u => u.Id == o.UserId).Select(u => u.Email).FirstOrDefault() })
                .ToListAsync(ct);
            return Result<Page<OrderView>>.Ok(new Page<OrderView>(items.Select(x => OrderView.From(x.Order, x.Email)).ToList(), await rows.CountAsync(ct)));
        }, ct);

    public Task<Result<OrderView>> RefundAsync(Guid orderId, string reason, CancellationToken ct = default) =>
        AdminAsync(async ctx =>
        {
            // The order row is locked first: a second refund (a double click, another admin) waits and then finds it refunded.
            var order = await ctx.Orders.FromSql($"SELECT * FROM orders WHERE id = {orderId} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (order is null)
            {
                return Result<OrderView>.NotFound();
            }

            if (OrderRules.RefundRefusal(order.Status, reason) is { } refusal)
            {
                return Result<OrderView>.Invalid([refusal]);
            }

            var now = clock.GetUtcNow();
            var memo = reason.Trim();
            var before = new { status = order.Status.ToString().ToLowerInvariant(), amount = order.Amount, refundAmount = order.RefundAmount };
            if (order.Kind == ProductKind.Recharge && order.CreditAmount > 0)
            {
                // The ledger is written before the order: when it refuses (the credit was spent), nothing has changed yet.
                var posted = await WalletPostings.PostAsync(ctx, new LedgerPosting(
                    OrderRules.RefundKey(order.Id), order.UserId, WalletCurrency.Balance, -order.CreditAmount, LedgerSource.Refund,
                    "order", order.Id.ToString(), memo.Length > WalletRules.MemoMaxLength ? memo[..WalletRules.MemoMaxLength] : memo), ct);
                if (!posted.Booked)
                {
                    return Result<OrderView>.Invalid("Order", posted.Outcome == LedgerOutcome.Insufficient ? OrderRules.BalanceSpent : posted.ErrorCode!);
                }
            }
            else if (order.Kind == ProductKind.Membership && order.MembershipPeriod is { } period)
            {
                var membership = await ctx.ProfileMemberships.FromSql($"SELECT * FROM profile_membership WHERE user_id = {order.UserId} FOR UPDATE").FirstOrDefaultAsync(ct);
                if (membership is not null)
                {
                    (membership.Status, membership.ExpiresAt) = MembershipRules.Revoke(membership, period, now);
                    membership.UpdatedAt = now;
                }
            }

            order.Status = OrderStatus.Refunded;
            order.RefundedAt = now;
            order.RefundAmount = order.Amount;
            order.RefundReason = memo;
            order.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            // In the refund's transaction: the refund and its record commit together.
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.Refund, AuditTargets.Order, order.Id.ToString(), order.OrderNo,
                before, new { status = order.Status.ToString().ToLowerInvariant(), amount = order.Amount, refundAmount = order.RefundAmount, kind = order.Kind.ToString().ToLowerInvariant() },
                memo), clientAddress?.Get(), ct);
            return Result<OrderView>.Ok(OrderView.From(order));
        }, ct);

    private static void Apply(BillingProduct p, ProductDraft d, DateTimeOffset now)
    {
        p.Name = d.Name.Trim();
        p.Description = string.IsNullOrWhiteSpace(d.Description) ? null : d.Description.Trim();
        p.Kind = d.Kind;
        p.Price = d.Price;
        p.CreditAmount = d.Kind == ProductKind.Recharge ? d.CreditAmount : 0;
        p.MembershipTier = d.Kind == ProductKind.Membership ? d.MembershipTier : null;
        p.MembershipPeriod = d.Kind == ProductKind.Membership ? d.MembershipPeriod : null;
        p.IsListed = d.IsListed;
        p.SortOrder = d.SortOrder;
        p.UpdatedAt = now;
    }

    private async Task<Result<T>> AdminAsync<T>(Func<StarStudioDbContext, Task<Result<T>>> work, CancellationToken ct)
    {
        try
        {
            return await db.RunAsync((ctx, user) => user.IsAdmin ? work(ctx) : Task.FromResult(Result<T>.Forbidden()), ct);
        }
        catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege }
            || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege }
            || e is DbUpdateConcurrencyException)
        {
            // A role claim the database does not confirm: RLS hid or refused the rows.
            return Result<T>.Forbidden();
        }
    }
}
