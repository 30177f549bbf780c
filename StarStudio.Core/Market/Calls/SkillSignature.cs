using StarStudio.Core.Security;

namespace StarStudio.Core.Market.Calls;

/// <summary>
/// The signature of a skill call (docs/market-skill-protocol.md): header <see cref="HeaderName"/> carrying a
/// <see cref="TimestampedSignature"/> (<c>t={unix seconds},v1={lower-case hex HMAC-SHA256(signing secret, "{t}.{body}")}</c>,
/// body = the exact request bytes). Makers verify it by <see cref="Verify"/>'s rule: recompute, compare in constant time,
/// and refuse a timestamp outside the tolerance window (a replayed old request).
/// </summary>
public static class SkillSignature
{
    public const string HeaderName = "StarStudio-Signature";
    public const string RequestIdHeaderName = "StarStudio-Request-Id";

    /// <summary>How far a signature's time may be from the verifier's clock (either way) by default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="unixSeconds"/>.</summary>
    public static string Header(string secret, long unixSeconds, ReadOnlySpan<byte> body) => TimestampedSignature.Sign(secret, unixSeconds, body);

    /// <summary>Lower-case hex HMAC-SHA256 of <c>"{t}.{body}"</c> keyed with the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body) => TimestampedSignature.Digest(secret, unixSeconds, body);

    /// <summary>Why a signature was refused, or <see cref="SignatureVerdict.Ok"/>.</summary>
    public static SignatureVerdict Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null) =>
        TimestampedSignature.Verify(secret, header, body, now, tolerance ?? DefaultTolerance);
}
