using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StarStudio.Core.Market.Calls;

/// <summary>
/// The signature of a skill call (docs/market-skill-protocol.md): header <see cref="HeaderName"/> with value
/// <c>t={unix seconds},v1={lower-case hex HMAC-SHA256(signing secret, "{t}.{body}")}</c>, where body is the exact bytes
/// of the request body (UTF-8). Makers verify it with <see cref="Verify"/>'s rule: recompute, compare in constant time,
/// and refuse a timestamp outside the tolerance window (a replayed old request).
/// </summary>
public static class SkillSignature
{
    public const string HeaderName = "StarStudio-Signature";
    public const string RequestIdHeaderName = "StarStudio-Request-Id";

    /// <summary>How far a signature's time may be from the verifier's clock (either way) by default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="unixSeconds"/>.</summary>
    public static string Header(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        "t=" + unixSeconds.ToString(CultureInfo.InvariantCulture) + ",v1=" + Compute(secret, unixSeconds, body);

    /// <summary>Lower-case hex HMAC-SHA256 of <c>"{t}.{body}"</c> keyed with the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Why a signature was refused, or <see cref="SignatureCheck.Valid"/>.</summary>
    public static SignatureCheck Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!TryParse(header, out var t, out var signatures))
        {
            return SignatureCheck.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - t) > (tolerance ?? DefaultTolerance).TotalSeconds)
        {
            return SignatureCheck.Expired;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, t, body));
        foreach (var v1 in signatures)
        {
            // Constant time: a byte-by-byte early exit would leak how much of a forged signature is right.
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(v1.ToLowerInvariant())))
            {
                return SignatureCheck.Valid;
            }
        }

        return SignatureCheck.Mismatch;
    }

    /// <summary>Reads <c>t=…,v1=…[,v1=…]</c> (several v1 values are allowed so a secret can be rotated); unknown keys are ignored.</summary>
    public static bool TryParse(string? header, out long unixSeconds, out IReadOnlyList<string> signatures)
    {
        unixSeconds = 0;
        var found = new List<string>();
        signatures = found;
        if (string.IsNullOrWhiteSpace(header) || header.Length > 1024)
        {
            return false;
        }

        var hasTime = false;
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                unixSeconds = t;
                hasTime = true;
            }
            else if (key == "v1" && value.Length == 64)
            {
                found.Add(value);
            }
        }

        return hasTime && found.Count > 0;
    }
}

/// <summary>The outcome of <see cref="SkillSignature.Verify"/>.</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>No header, or no <c>t</c> or <c>v1</c> in it.</summary>
    Malformed,

    /// <summary>The timestamp is outside the tolerance window.</summary>
    Expired,

    /// <summary>No <c>v1</c> matches the body and the secret.</summary>
    Mismatch,
}
