using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StarStudio.Core.Billing.Payments;

/// <summary>
/// The signature a payment gateway puts on its webhook calls, as Stripe does: header <see cref="Header"/> with
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where hex is HMAC-SHA256 keyed with the UTF-8 secret over the UTF-8 of
/// <c>"{t}."</c> followed by the raw body. A timestamp more than the tolerance (5 minutes) from the receiver's clock is refused.
/// </summary>
public static class PaymentSignature
{
    public const string Header = "X-StarStudio-Payment-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";

    /// <summary>Checks a header against the body, the secret and the clock (constant-time compare).</summary>
    public static PaymentSignatureVerdict Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!TryParse(header, out var timestamp, out var digests))
        {
            return PaymentSignatureVerdict.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > (long)(tolerance ?? Tolerance).TotalSeconds)
        {
            return PaymentSignatureVerdict.Expired;
        }

        var expected = Mac(secret, timestamp, body);
        var ok = false;
        foreach (var digest in digests)
        {
            // Every candidate is compared, so the time taken does not tell which one matched.
            ok |= CryptographicOperations.FixedTimeEquals(expected, digest);
        }

        return ok ? PaymentSignatureVerdict.Ok : PaymentSignatureVerdict.BadSignature;
    }

    /// <summary>Splits <c>t=…,v1=…</c>; several <c>v1</c> entries are allowed (a gateway rotating its secret sends both).</summary>
    private static bool TryParse(string? header, out long timestamp, out List<byte[]> digests)
    {
        timestamp = 0;
        digests = [];
        if (string.IsNullOrWhiteSpace(header) || header.Length > 1000)
        {
            return false;
        }

        var hasTimestamp = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t")
            {
                if (hasTimestamp || value.Length is 0 or > 18 || !value.All(char.IsAsciiDigit)
                    || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
                {
                    return false;
                }

                hasTimestamp = true;
            }
            else if (key == "v1")
            {
                if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
                {
                    return false;
                }

                digests.Add(Convert.FromHexString(value));
            }
        }

        return hasTimestamp && digests.Count > 0;
    }

    private static byte[] Mac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

/// <summary>The outcome of checking a payment webhook's signature header.</summary>
public enum PaymentSignatureVerdict
{
    Ok,

    /// <summary>Missing, or not <c>t=&lt;digits&gt;,v1=&lt;64 hex&gt;</c>.</summary>
    Malformed,

    /// <summary>The timestamp is more than the tolerance away from the receiver's clock.</summary>
    Expired,

    /// <summary>Not made with the secret over this body and timestamp.</summary>
    BadSignature,
}
