using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarStudio.Core.Billing.Payments;

/// <summary>What a gateway reports about a payment (PostgreSQL enum <c>payment_event_status</c>).</summary>
public enum PaymentEventStatus
{
    Paid,
    Declined,
}

/// <summary>
/// The JSON body of a payment webhook: <c>{"event_id", "order_no", "amount", "currency", "status"}</c>, amount as a
/// decimal number of yuan (<c>"12.5000"</c> or <c>12.5</c>), status <c>paid</c> or <c>declined</c>.
/// </summary>
public sealed record PaymentEvent(
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("order_no")] string OrderNo,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("status")] string Status)
{
    public const int EventIdMax = 100;

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The body a gateway sends (one writer of the format: the sandbox gateway and the tests use it).</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The status as an enum, or null for anything else.</summary>
    [JsonIgnore]
    public PaymentEventStatus? ParsedStatus => Status switch
    {
        "paid" => PaymentEventStatus.Paid,
        "declined" => PaymentEventStatus.Declined,
        _ => null,
    };

    /// <summary>Reads and checks a body; null when it is not a well-formed event.</summary>
    public static PaymentEvent? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var e = JsonSerializer.Deserialize<PaymentEvent>(body, Json);
            return e is null || string.IsNullOrWhiteSpace(e.EventId) || e.EventId.Length > EventIdMax
                || string.IsNullOrWhiteSpace(e.OrderNo) || e.OrderNo.Length > 64
                || string.IsNullOrWhiteSpace(e.Currency) || e.ParsedStatus is null
                ? null
                : e;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// A payment provider. The app sends the user to <see cref="CheckoutUrl"/>; the provider later calls
/// <c>POST /payments/webhook/{Name}</c> with a <see cref="PaymentEvent"/> signed with <see cref="WebhookSecret"/>.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The route segment and the order's payment channel, e.g. <c>sandbox</c>.</summary>
    string Name { get; }

    /// <summary>The secret this provider's webhooks are signed with.</summary>
    string WebhookSecret { get; }

    /// <summary>Where the user pays <paramref name="orderNo"/> (app-relative for the sandbox).</summary>
    string CheckoutUrl(string orderNo);
}

/// <summary>How the app answered a payment webhook; <see cref="StatusCode"/> is the HTTP status.</summary>
/// <param name="Status"><c>paid</c>, <c>already_paid</c>, <c>declined</c>, <c>replayed</c>, <c>not_payable</c> or a refusal.</param>
public sealed record PaymentWebhookResult(int StatusCode, string Status, string Message)
{
    public static PaymentWebhookResult Refused(int code, string status, string message) => new(code, status, message);
}

/// <summary>Receives payment webhooks: verifies, refuses replays and mismatches, pays the order once.</summary>
public interface IPaymentWebhookService
{
    Task<PaymentWebhookResult> ReceiveAsync(string provider, string? signatureHeader, byte[] body, CancellationToken ct = default);
}

/// <summary>The sandbox gateway's side: what its page shows, and the signed call back to the app it makes on a choice.</summary>
public interface ISandboxGateway
{
    /// <summary>Sends the signed <c>paid</c> or <c>declined</c> event for the user's order to <paramref name="appBaseUri"/>.</summary>
    Task<PaymentWebhookResult> CompleteAsync(Uri appBaseUri, string orderNo, decimal amount, string currency, bool approve, CancellationToken ct = default);
}

/// <summary>A payment webhook event the app accepted, kept so that the same event id is never applied twice.</summary>
public class PaymentEventRecord
{
    public string Provider { get; set; } = "";
    public string EventId { get; set; } = "";
    public Guid OrderId { get; set; }

    /// <summary>The order's user: they may read the events of their orders.</summary>
    public Guid UserId { get; set; }

    public PaymentEventStatus Status { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>Names of the payment providers (route segment and payment channel).</summary>
public static class PaymentProviderNames
{
    public const string Sandbox = "sandbox";
}
