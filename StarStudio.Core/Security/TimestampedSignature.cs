using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StarStudio.Core.Security;

/// <summary>
/// The one signature scheme StarStudio uses on HTTP calls it makes or receives with a shared secret (payment webhooks,
/// skill calls), as Stripe does: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where hex is HMAC-SHA256 keyed with the
/// UTF-8 secret over the UTF-8 of <c>"{t}."</c> followed by the raw body. Several <c>v1</c> entries are allowed (a sender
/// rotating its secret sends both). A timestamp more than the tolerance from the receiver's clock is refused.
/// </summary>
public static class TimestampedSignature
{
    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Digest(secret, timestamp, body)}";

    /// <summary>The lower-case hex <c>v1</c> of <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Digest(string secret, long timestamp, ReadOnlySpan<byte> body) => Convert.ToHexStringLower(Mac(secret, timestamp, body));

    /// <summary>Checks a header against the body, the secret and the clock (constant-time compare).</summary>
    public static SignatureVerdict Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!TryParse(header, out var timestamp, out var digests))
        {
            return SignatureVerdict.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > (long)tolerance.TotalSeconds)
        {
            return SignatureVerdict.Expired;
        }

        var expected = Mac(secret, timestamp, body);
        var ok = false;
        foreach (var digest in digests)
        {
            // Every candidate is compared, so the time taken does not tell which one matched.
            ok |= CryptographicOperations.FixedTimeEquals(expected, digest);
        }

        return ok ? SignatureVerdict.Ok : SignatureVerdict.BadSignature;
    }

    /// <summary>Splits <c>t=…,v1=…</c>; keys other than <c>t</c> and <c>v1</c> are ignored.</summary>
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
        ArgumentNullException.ThrowIfNull(secret);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

/// <summary>The outcome of checking a <see cref="TimestampedSignature"/> header.</summary>
public enum SignatureVerdict
{
    Ok,

    /// <summary>Missing, or not <c>t=&lt;digits&gt;,v1=&lt;64 hex&gt;</c>.</summary>
    Malformed,

    /// <summary>The timestamp is more than the tolerance away from the receiver's clock.</summary>
    Expired,

    /// <summary>Not made with the secret over this body and timestamp.</summary>
    BadSignature,
}
