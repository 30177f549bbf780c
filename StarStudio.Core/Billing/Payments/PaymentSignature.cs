using StarStudio.Core.Security;

namespace StarStudio.Core.Billing.Payments;

/// <summary>
/// The signature a payment gateway puts on its webhook calls: header <see cref="Header"/> carrying a
/// <see cref="TimestampedSignature"/> (<c>t=…,v1=…</c>, HMAC-SHA256 over <c>"{t}.{body}"</c>); a timestamp more than
/// <see cref="Tolerance"/> (5 minutes) from the receiver's clock is refused.
/// </summary>
public static class PaymentSignature
{
    public const string Header = "X-StarStudio-Payment-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) => TimestampedSignature.Sign(secret, timestamp, body);

    /// <summary>Checks a header against the body, the secret and the clock (constant-time compare).</summary>
    public static SignatureVerdict Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null) =>
        TimestampedSignature.Verify(secret, header, body, now, tolerance ?? Tolerance);
}
