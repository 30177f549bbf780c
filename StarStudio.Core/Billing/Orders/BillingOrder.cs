using System.Security.Cryptography;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Common;

namespace StarStudio.Core.Billing.Orders;

/// <summary>Order states (PostgreSQL enum <c>order_status</c>): pending → paid | cancelled; paid → refunded.</summary>
public enum OrderStatus
{
    Pending,
    Paid,
    Cancelled,
    Refunded,
}

/// <summary>
/// An order for one product (seed 002 <c>orders</c> and seed 003 <c>profile_recharge_order</c>). The product's name, kind,
/// price and what it grants are copied at creation, so a later product edit never changes what an order paid for.
/// </summary>
public class BillingOrder
{
    public Guid Id { get; set; }

    /// <summary>The number the gateway and the user see, e.g. <c>SS20261205183001A1B2C3</c>.</summary>
    public string OrderNo { get; set; } = "";

    public Guid UserId { get; set; }
    public Guid ProductId { get; set; }
    public string ProductTitle { get; set; } = "";
    public ProductKind Kind { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = BillingProductRules.Currency;
    public decimal CreditAmount { get; set; }
    public MembershipTier? MembershipTier { get; set; }
    public MembershipPeriod? MembershipPeriod { get; set; }
    public OrderStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? RefundedAt { get; set; }
    public decimal RefundAmount { get; set; }
    public string? RefundReason { get; set; }

    /// <summary>The provider that took the payment (<c>sandbox</c>).</summary>
    public string? PaymentChannel { get; set; }

    /// <summary>The provider's reference of the payment (its event id).</summary>
    public string? PaymentReference { get; set; }

    /// <summary>For a membership order: when the membership it paid for ends (seed 003).</summary>
    public DateTimeOffset? MembershipExpiresAt { get; set; }
}

/// <summary>An order as its user and admins see it.</summary>
public sealed record OrderView(
    Guid Id, string OrderNo, Guid UserId, string? UserEmail, string ProductTitle, ProductKind Kind, decimal Amount, string Currency,
    decimal CreditAmount, MembershipTier? MembershipTier, MembershipPeriod? MembershipPeriod, OrderStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset? PaidAt, DateTimeOffset? CancelledAt, DateTimeOffset? RefundedAt,
    decimal RefundAmount, string? RefundReason, string? PaymentChannel, DateTimeOffset? MembershipExpiresAt)
{
    public static OrderView From(BillingOrder o, string? email = null) => new(
        o.Id, o.OrderNo, o.UserId, email, o.ProductTitle, o.Kind, o.Amount, o.Currency, o.CreditAmount, o.MembershipTier, o.MembershipPeriod,
        o.Status, o.CreatedAt, o.PaidAt, o.CancelledAt, o.RefundedAt, o.RefundAmount, o.RefundReason, o.PaymentChannel, o.MembershipExpiresAt);
}

/// <summary>The order state machine, order numbers and ledger keys. Codes are <c>Billing.Order.*</c>.</summary>
public static class OrderRules
{
    public const int RefundReasonMax = 500;
    public const string NotPending = "Billing.Order.NotPending";
    public const string NotPaid = "Billing.Order.NotPaid";
    public const string ReasonRequired = "Billing.Order.Refund.ReasonRequired";
    public const string ReasonTooLong = "Billing.Order.Refund.ReasonTooLong";
    public const string BalanceSpent = "Billing.Order.Refund.BalanceSpent";
    public const string ProductUnavailable = "Billing.Order.ProductUnavailable";

    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>Whether <paramref name="from"/> may become <paramref name="to"/>.</summary>
    public static bool CanMove(OrderStatus from, OrderStatus to) => (from, to) switch
    {
        (OrderStatus.Pending, OrderStatus.Paid) => true,
        (OrderStatus.Pending, OrderStatus.Cancelled) => true,
        (OrderStatus.Paid, OrderStatus.Refunded) => true,
        _ => false,
    };

    /// <summary>Why a user may not cancel an order in <paramref name="status"/>, or null.</summary>
    public static string? CancelRefusal(OrderStatus status) => CanMove(status, OrderStatus.Cancelled) ? null : NotPending;

    /// <summary>Why an admin may not refund an order in <paramref name="status"/> with <paramref name="reason"/>, or null.</summary>
    public static FieldError? RefundRefusal(OrderStatus status, string? reason)
    {
        if (!CanMove(status, OrderStatus.Refunded))
        {
            return new FieldError("Order", NotPaid);
        }

        var text = reason?.Trim() ?? "";
        return text.Length == 0 ? new FieldError("Reason", ReasonRequired)
            : text.Length > RefundReasonMax ? new FieldError("Reason", ReasonTooLong, RefundReasonMax)
            : null;
    }

    /// <summary>A new order number: <c>SS</c>, the Beijing time to the second and six random hex digits.</summary>
    public static string NewOrderNo(DateTimeOffset now) =>
        "SS" + now.ToOffset(Beijing).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)
        + Convert.ToHexString(RandomNumberGenerator.GetBytes(3));

    /// <summary>The ledger key of a paid order's credit.</summary>
    public static string PaidKey(Guid orderId) => $"order:{orderId}:paid";

    /// <summary>The ledger key of a refund's reversing row.</summary>
    public static string RefundKey(Guid orderId) => $"order:{orderId}:refund";
}

/// <summary>What a user does with products and their own orders.</summary>
public interface IOrderService
{
    /// <summary>Listed products, in the admins' order.</summary>
    Task<IReadOnlyList<BillingProduct>> ListProductsAsync(CancellationToken ct = default);

    /// <summary>Creates a pending order for a listed product.</summary>
    Task<Result<OrderView>> CreateAsync(Guid productId, CancellationToken ct = default);

    /// <summary>Cancels one of the user's pending orders.</summary>
    Task<Result<OrderView>> CancelAsync(Guid orderId, CancellationToken ct = default);

    /// <summary>The user's orders, newest first.</summary>
    Task<Page<OrderView>> ListMineAsync(int page, int pageSize, CancellationToken ct = default);

    /// <summary>One of the user's orders by its number (the gateway page); NotFound for anyone else's.</summary>
    Task<Result<OrderView>> GetMineAsync(string orderNo, CancellationToken ct = default);
}

/// <summary>Filter of the admins' order list.</summary>
public sealed record OrderFilter(OrderStatus? Status = null, string? Search = null);

/// <summary>What admins do with products and orders. Every call checks the admin role; RLS checks it again.</summary>
public interface IBillingAdminService
{
    Task<Result<IReadOnlyList<BillingProduct>>> ListProductsAsync(CancellationToken ct = default);
    Task<Result<BillingProduct>> CreateProductAsync(ProductDraft draft, CancellationToken ct = default);
    Task<Result<BillingProduct>> UpdateProductAsync(Guid id, ProductDraft draft, CancellationToken ct = default);

    /// <summary>Lists or unlists a product (orders keep naming it).</summary>
    Task<Result<BillingProduct>> SetListedAsync(Guid id, bool listed, CancellationToken ct = default);

    Task<Result<Page<OrderView>>> ListOrdersAsync(OrderFilter filter, int page, int pageSize, CancellationToken ct = default);

    /// <summary>
    /// Refunds a paid order in full: a reversing ledger row (<see cref="OrderRules.RefundKey"/>) for a recharge, the end of
    /// the membership for a membership order, and the order refunded — all or nothing. Refused for an unpaid order, and when
    /// the credited balance was already spent.
    /// </summary>
    Task<Result<OrderView>> RefundAsync(Guid orderId, string reason, CancellationToken ct = default);
}
