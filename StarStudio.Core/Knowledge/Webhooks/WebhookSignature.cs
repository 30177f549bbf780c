using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StarStudio.Core.Knowledge.Webhooks;

/// <summary>
/// The signing rules of inbound knowledge webhooks. A sender signs every POST with the source's secret:
/// <c>X-StarStudio-Signature: sha256=&lt;hex&gt;</c> where hex is HMAC-SHA256, keyed with the UTF-8 bytes of the
/// whole secret (<c>whsec_…</c>), over the UTF-8 of <c>"{timestamp}."</c> followed by the raw body bytes, and
/// <c>X-StarStudio-Timestamp</c> is that timestamp in unix seconds. Requests more than the tolerance
/// (5 minutes) away from the server's clock, in either direction, are refused.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-StarStudio-Timestamp";
    public const string SignatureHeader = "X-StarStudio-Signature";
    public const string FileNameHeader = "X-StarStudio-Filename";
    public const string SignaturePrefix = "sha256=";
    public const string SecretPrefix = "whsec_";

    /// <summary>Length of the hex digest (SHA-256 = 32 bytes).</summary>
    public const int HexLength = 64;

    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>A new signing secret: <c>whsec_</c> and 32 random bytes in base64url (43 characters).</summary>
    public static string GenerateSecret() => SecretPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The header value a sender puts in <see cref="SignatureHeader"/>: <c>sha256=</c> and lowercase hex.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        Sign(secret, timestamp.ToString(CultureInfo.InvariantCulture), body);

    /// <summary>Signs over the timestamp exactly as it is written in the header.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        SignaturePrefix + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    /// <summary>Checks a request's headers against its body, the secret and the clock.</summary>
    /// <param name="secret">The source's secret, unprotected.</param>
    /// <param name="timestampHeader">The raw <see cref="TimestampHeader"/> value.</param>
    /// <param name="signatureHeader">The raw <see cref="SignatureHeader"/> value.</param>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="now">The server's clock.</param>
    /// <param name="tolerance">How far from <paramref name="now"/> the timestamp may be; 5 minutes when omitted.</param>
    public static WebhookVerdict Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        var headers = CheckHeaders(timestampHeader, signatureHeader, now, tolerance);
        if (headers != WebhookVerdict.Ok)
        {
            return headers;
        }

        var expected = Mac(secret, timestampHeader!.Trim(), body);
        return CryptographicOperations.FixedTimeEquals(expected, ParseSignature(signatureHeader)!) ? WebhookVerdict.Ok : WebhookVerdict.BadSignature;
    }

    /// <summary>
    /// Everything <see cref="Verify"/> checks that needs neither the secret nor the body: both headers present,
    /// the timestamp well-formed and within the tolerance, the signature of the form <c>sha256=</c> and 64 hex
    /// characters. The receiver runs it before reading a byte of the body, so a request that can never be
    /// accepted costs no memory.
    /// </summary>
    /// <returns><see cref="WebhookVerdict.Ok"/> when only the MAC itself is left to check.</returns>
    public static WebhookVerdict CheckHeaders(string? timestampHeader, string? signatureHeader, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrWhiteSpace(timestampHeader) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            return WebhookVerdict.MissingHeaders;
        }

        if (!TryParseTimestamp(timestampHeader.Trim(), out var seconds))
        {
            return WebhookVerdict.BadTimestamp;
        }

        var limit = (long)(tolerance ?? DefaultTolerance).TotalSeconds;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > limit)
        {
            return WebhookVerdict.Expired;
        }

        return ParseSignature(signatureHeader) is null ? WebhookVerdict.BadSignature : WebhookVerdict.Ok;
    }

    /// <summary>
    /// The signature's digest as 64 lowercase hex characters, the key under which a receipt is kept so the same
    /// request cannot be accepted twice (upper- and lowercase spellings of one digest are the same request).
    /// </summary>
    /// <returns>Null when the header is not <c>sha256=</c> followed by 64 hex characters.</returns>
    public static string? ReceiptKey(string? signatureHeader) =>
        ParseSignature(signatureHeader) is { } digest ? Convert.ToHexStringLower(digest) : null;

    /// <summary>A readable explanation of a refusal, for the sender.</summary>
    public static string Describe(WebhookVerdict verdict, TimeSpan? tolerance = null) => verdict switch
    {
        WebhookVerdict.Ok => "the signature is valid",
        WebhookVerdict.MissingHeaders => $"the {TimestampHeader} and {SignatureHeader} headers are required",
        WebhookVerdict.BadTimestamp => $"{TimestampHeader} must be the signing time in whole seconds since 1970-01-01 UTC",
        WebhookVerdict.Expired => $"the request's timestamp is more than {(int)(tolerance ?? DefaultTolerance).TotalMinutes} minutes away from the server's clock; sign each request when you send it",
        WebhookVerdict.BadSignature => $"the signature does not match: send {SignatureHeader}: sha256=<hex of HMAC-SHA256 with the webhook's secret over \"<timestamp>.<body>\">",
        _ => "the request was refused",
    };

    private static bool TryParseTimestamp(string value, out long seconds)
    {
        seconds = 0;
        // Digits only: no sign, exponent, decimal point or thousands separator.
        return value.Length is > 0 and <= 18 && value.All(char.IsAsciiDigit)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
    }

    private static byte[]? ParseSignature(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var value = header.Trim();
        if (!value.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) || value.Length != SignaturePrefix.Length + HexLength)
        {
            return null;
        }

        var hex = value.AsSpan(SignaturePrefix.Length);
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        return Convert.FromHexString(hex);
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

/// <summary>The outcome of checking an inbound webhook request's signature.</summary>
public enum WebhookVerdict
{
    /// <summary>Signed with the source's secret within the tolerance.</summary>
    Ok,

    /// <summary>The timestamp or signature header is missing or empty.</summary>
    MissingHeaders,

    /// <summary>The timestamp is not a whole number of unix seconds.</summary>
    BadTimestamp,

    /// <summary>The timestamp is older, or further in the future, than the tolerance.</summary>
    Expired,

    /// <summary>The signature is malformed or was not made with the source's secret over this body.</summary>
    BadSignature,
}
