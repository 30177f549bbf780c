using StarStudio.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Billing.Payments;

/// <summary>
/// Receives a gateway's webhook: verifies the signature and its age, then in ONE transaction records the event (its id is
/// unique: a replay is refused), checks the order and its amount, marks the order paid and books what it bought — the
/// ledger credit (<see cref="OrderRules.PaidKey"/>) or the membership. The webhook acts as no user: the order row is
/// reached through SECURITY DEFINER functions (<c>billing_payment_apply</c>, <c>billing_membership_grant</c>, migration
/// <c>Billing</c>), and the ledger through <see cref="WalletPostings"/> like every other booking.
/// </summary>
internal sealed partial class PaymentWebhookService(
    IEnumerable<IPaymentProvider> providers,
    IDbContextFactory<StarStudioDbContext> factory,
    TimeProvider clock,
    ILogger<PaymentWebhookService> log,
    Core.Analytics.ITrackingEvents? tracking = null) : IPaymentWebhookService
{
    /// <summary>A test's fault between the order update and the booking (proves the two commit together).</summary>
    internal Func<Task>? AfterOrderMarkedPaid { get; set; }

    public async Task<PaymentWebhookResult> ReceiveAsync(string provider, string? signatureHeader, byte[] body, CancellationToken ct = default)
    {
        var gateway = providers.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.Ordinal));
        if (gateway is null)
        {
            return PaymentWebhookResult.Refused(404, "unknown_provider", "no such payment provider");
        }

        var now = clock.GetUtcNow();
        switch (PaymentSignature.Verify(gateway.WebhookSecret, signatureHeader, body, now))
        {
            case SignatureVerdict.Malformed:
                return PaymentWebhookResult.Refused(401, "bad_signature", $"the {PaymentSignature.Header} header must be t=<unix seconds>,v1=<hex HMAC-SHA256 over \"t.body\">");
            case SignatureVerdict.Expired:
                return PaymentWebhookResult.Refused(401, "expired", $"the signature's timestamp is more than {(int)PaymentSignature.Tolerance.TotalMinutes} minutes from the server's clock");
            case SignatureVerdict.BadSignature:
                return PaymentWebhookResult.Refused(401, "bad_signature", "the signature does not match the body");
        }

        if (PaymentEvent.Parse(body) is not { } evt)
        {
            return PaymentWebhookResult.Refused(400, "bad_request", "the body must be {event_id, order_no, amount, currency, status: paid|declined}");
        }

        await using var ctx = await factory.CreateDbContextAsync(ct);
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        var status = evt.ParsedStatus == PaymentEventStatus.Paid ? "paid" : "declined";
        var applied = (await ctx.Database.SqlQuery<ApplyRow>($"""
            SELECT * FROM billing_payment_apply({gateway.Name}, {evt.EventId}, {evt.OrderNo}, {evt.Amount}, {evt.Currency}, {status}, {now})
            """).ToListAsync(ct)).Single();

        switch (applied.Outcome)
        {
            case "not_found":
                return PaymentWebhookResult.Refused(404, "order_not_found", "no order has this order_no");
            case "mismatch":
                LogMismatch(log, evt.OrderNo, evt.Amount, evt.Currency);
                return PaymentWebhookResult.Refused(409, "amount_mismatch", "the amount or currency differs from the order's");
            case "replayed":
                return PaymentWebhookResult.Refused(409, "replayed", "this event was received before");
            case "not_payable":
                LogNotPayable(log, evt.OrderNo);
                return PaymentWebhookResult.Refused(409, "not_payable", "the order is no longer pending");
            case "declined":
                // The order stays pending: the user may try again or cancel it. The event is kept (a replay is refused).
                await tx.CommitAsync(ct);
                return new PaymentWebhookResult(200, "declined", "the payment was declined; the order stays pending");
            case "already_paid":
                await tx.CommitAsync(ct);
                return new PaymentWebhookResult(200, "already_paid", "the order was paid before; nothing was booked again");
            case "paid":
                break;
            default:
                throw new InvalidOperationException($"Unknown payment outcome '{applied.Outcome}'.");
        }

        if (AfterOrderMarkedPaid is { } fault)
        {
            await fault();
        }

        var orderId = applied.OrderId!.Value;
        if (applied.Kind == "membership")
        {
            var period = applied.MembershipPeriod == "yearly" ? MembershipPeriod.Yearly : MembershipPeriod.Monthly;
            var current = applied.CurrentStatus is null ? null : new ProfileMembership
            {
                Status = applied.CurrentStatus == "active" ? MembershipStatus.Active : MembershipStatus.Ended,
                StartedAt = applied.CurrentStartedAt!.Value,
                ExpiresAt = applied.CurrentExpiresAt!.Value,
            };
            var (started, expires) = MembershipRules.Extend(current, period, now);
            var granted = await ctx.Database.SqlQuery<bool>($"SELECT billing_membership_grant({orderId}, {started}, {expires}, {now}) AS \"Value\"").SingleAsync(ct);
            if (!granted)
            {
                throw new InvalidOperationException($"Membership of order {orderId} could not be granted.");
            }
        }
        else if (applied.CreditAmount is > 0)
        {
            var booked = await WalletPostings.PostAsync(ctx, new LedgerPosting(
                OrderRules.PaidKey(orderId), applied.UserId!.Value, WalletCurrency.Balance, applied.CreditAmount.Value, LedgerSource.Recharge,
                "order", orderId.ToString(), evt.OrderNo), ct);
            if (!booked.Booked)
            {
                // A key booked for another amount: never pay the order without its credit.
                throw new InvalidOperationException($"Ledger refused the credit of order {orderId}: {booked.Outcome}.");
            }
        }

        await tx.CommitAsync(ct);
        // Analytics (docs/analytics.md): one event per order (its id); revenue itself is rolled up from orders.
        tracking?.OrderPaid(orderId, applied.UserId!.Value, evt.Amount, now);
        return new PaymentWebhookResult(200, "paid", "the order is paid");
    }

    private sealed record ApplyRow(
        string Outcome, Guid? OrderId, Guid? UserId, string? Kind, decimal? CreditAmount, string? MembershipPeriod,
        string? CurrentStatus, DateTimeOffset? CurrentStartedAt, DateTimeOffset? CurrentExpiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment webhook for order {OrderNo}: amount {Amount} {Currency} differs from the order; refused")]
    private static partial void LogMismatch(ILogger logger, string orderNo, decimal amount, string currency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment webhook for order {OrderNo}: paid, but the order is no longer pending; refused (refund it at the gateway)")]
    private static partial void LogNotPayable(ILogger logger, string orderNo);
}
