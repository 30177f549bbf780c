using System.Net;
using System.Net.Sockets;

namespace StarStudio.Core.Security;

/// <summary>The outcome of <see cref="UrlSafety.CheckAsync"/>: allowed, or refused with a resource key.</summary>
/// <param name="Ok">Whether the URL may be called.</param>
/// <param name="Code">Null when allowed; otherwise one of the <c>Url.*</c> codes of <see cref="UrlSafety"/>.</param>
/// <param name="Uri">The parsed URL when it parsed as an absolute http(s) URL.</param>
public sealed record UrlCheck(bool Ok, string? Code, Uri? Uri)
{
    /// <summary>An allowed URL.</summary>
    public static UrlCheck Allowed(Uri uri) => new(true, null, uri);

    /// <summary>A refused URL with the reason's code.</summary>
    public static UrlCheck Refused(string code, Uri? uri = null) => new(false, code, uri);
}

/// <summary>
/// SSRF rules for URLs that users and admins supply (model endpoints, skill endpoints, webhooks): absolute http or
/// https without credentials, whose host resolves only to public addresses. Loopback, private, link-local
/// (including cloud metadata at 169.254.169.254), CGNAT, unspecified, multicast and reserved addresses, their
/// IPv6 counterparts, and IPv6 forms that embed them (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are refused
/// unless private networks are explicitly allowed (<see cref="SecurityOptions.AllowPrivateNetworkUrls"/>).
/// Cloud metadata services (<see cref="IsMetadataAddress"/>) are refused even then.
/// </summary>
/// <remarks>
/// A check at save time cannot stop a host name that resolves differently later (DNS rebinding); the HTTP
/// clients that call such URLs also use Data's guarded handler (<c>GuardedHttpHandler</c>), which applies
/// <see cref="FirstRefused"/> to the addresses it actually connects to. These rules stay pure (no sockets).
/// </remarks>
public static class UrlSafety
{
    /// <summary>Not an absolute URL, has no host, or carries user info (<c>user:pw@</c>).</summary>
    public const string InvalidCode = "Url.Invalid";

    /// <summary>A scheme other than http or https.</summary>
    public const string SchemeCode = "Url.Scheme";

    /// <summary>The host name does not resolve to any address.</summary>
    public const string UnresolvableCode = "Url.Unresolvable";

    /// <summary>The host is, or resolves to, a loopback, private, link-local or otherwise internal address.</summary>
    public const string PrivateNetworkCode = "Url.PrivateNetwork";

    /// <summary>Every code a check can return.</summary>
    public static readonly IReadOnlyList<string> Codes = [InvalidCode, SchemeCode, UnresolvableCode, PrivateNetworkCode];

    /// <summary>Checks <paramref name="url"/> against the SSRF rules.</summary>
    /// <param name="url">The URL as the user typed it (surrounding white space is ignored).</param>
    /// <param name="allowPrivateNetworks">Skip the address rules (the URL must still parse and resolve).</param>
    /// <param name="resolve">Resolves a host name; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> by default.</param>
    /// <param name="ct">Cancels the resolution.</param>
    public static async Task<UrlCheck> CheckAsync(
        string url,
        bool allowPrivateNetworks,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null,
        CancellationToken ct = default)
    {
        var syntax = CheckSyntax(url);
        if (!syntax.Ok)
        {
            return syntax;
        }

        var uri = syntax.Uri!;
        IPAddress[] addresses;
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await ResolveAsync(uri.IdnHost, resolve, ct);
            if (addresses.Length == 0)
            {
                return UrlCheck.Refused(UnresolvableCode, uri);
            }
        }

        return FirstRefused(addresses, allowPrivateNetworks) is null
            ? UrlCheck.Allowed(uri)
            : UrlCheck.Refused(PrivateNetworkCode, uri);
    }

    /// <summary>
    /// The first address the app must not connect to, or null when all may be used: metadata addresses always,
    /// private and reserved ones unless <paramref name="allowPrivateNetworks"/>.
    /// </summary>
    public static IPAddress? FirstRefused(IEnumerable<IPAddress> addresses, bool allowPrivateNetworks)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return addresses.FirstOrDefault(a => IsMetadataAddress(a) || (!allowPrivateNetworks && IsPrivateOrReserved(a)));
    }

    /// <summary>
    /// Whether <paramref name="address"/> may be a cloud instance metadata service, which hands out the machine's
    /// credentials to whoever asks from inside: all of IPv4 link-local 169.254.0.0/16 (AWS, GCP, Azure, Oracle,
    /// OpenStack at 169.254.169.254, ECS at 169.254.170.2), Alibaba's 100.100.100.200, AWS's IPv6
    /// fd00:ec2::254, all of IPv6 link-local fe80::/10, and IPv6 forms embedding those IPv4 addresses.
    /// Refused even where private networks are allowed: no model or skill server lives there.
    /// </summary>
    public static bool IsMetadataAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsMetadataV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if (EmbeddedV4(b) is { } v4)
        {
            return IsMetadataV4(v4);
        }

        return b[0] == 0xfe && (b[1] & 0xc0) == 0x80 // fe80::/10 link-local
            || b.AsSpan().SequenceEqual(AwsMetadataV6);
    }

    /// <summary>
    /// The rules that need no network: an absolute http or https URL with a host and no user info. Forms use it
    /// while the user types; <see cref="CheckAsync"/> runs it first.
    /// </summary>
    public static UrlCheck CheckSyntax(string? url)
    {
        var text = url?.Trim() ?? "";
        if (text.Length == 0 || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return UrlCheck.Refused(InvalidCode);
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return UrlCheck.Refused(SchemeCode, uri);
        }

        if (uri.UserInfo.Length > 0 || string.IsNullOrEmpty(uri.Host) || AuthorityHasAt(text))
        {
            return UrlCheck.Refused(InvalidCode, uri);
        }

        return UrlCheck.Allowed(uri);
    }

    /// <summary>
    /// Whether <paramref name="address"/> is anything but a public unicast address: loopback, private, link-local,
    /// CGNAT, unspecified, multicast, broadcast or reserved (IPv4 or IPv6, including IPv6 forms embedding IPv4).
    /// </summary>
    public static bool IsPrivateOrReserved(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsPrivateOrReservedV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        var b = address.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            // ::/96: the unspecified address ::, loopback ::1 and the deprecated IPv4-compatible ::a.b.c.d.
            return true;
        }

        if (EmbeddedV4(b) is { } v4)
        {
            return IsPrivateOrReservedV4(v4);
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        {
            // 64:ff9b:1::/48 is NAT64 for local use (64:ff9b::/96 itself is judged by its IPv4 above).
            return true;
        }

        if ((b[0] & 0xe0) != 0x20)
        {
            // Only 2000::/3 is global unicast; everything else is loopback, unique local (fc00::/7), link-local
            // (fe80::/10), site-local, multicast (ff00::/8), discard (100::/64) or not assigned at all.
            return true;
        }

        return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00         // 2001::/32 Teredo: tunnels to any IPv4, private ones too
            || b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && (b[3] & 0xf0) == 0x10 // 2001:10::/28 ORCHID (deprecated)
            || b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && (b[3] & 0xf0) == 0x20 // 2001:20::/28 ORCHIDv2 (not routable)
            || b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x02 && b[4] == 0 && b[5] == 0 // 2001:2::/48 benchmarking
            || b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8        // 2001:db8::/32 documentation
            || b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0x00;              // 3fff::/20 documentation
    }

    /// <summary>
    /// The IPv4 address an IPv6 address stands for, where it is one of the forms that reach an IPv4 host:
    /// IPv4-mapped ::ffff:a.b.c.d (::ffff:0:0/96), IPv4-translated ::ffff:0:a.b.c.d (::ffff:0:0:0/96),
    /// IPv4-compatible ::a.b.c.d (but not :: or ::1), NAT64 64:ff9b::a.b.c.d (64:ff9b::/96) and 6to4
    /// 2002:AABB:CCDD::/48. Null for any other address.
    /// </summary>
    private static byte[]? EmbeddedV4(byte[] b)
    {
        var zero8 = b.AsSpan(0, 8).IndexOfAnyExcept((byte)0) < 0;
        if (zero8 && b[8] == 0 && b[9] == 0 && b[10] == 0xff && b[11] == 0xff)
        {
            return b[12..16];
        }

        if (zero8 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0)
        {
            return b[12..16];
        }

        if (zero8 && b.AsSpan(8, 4).IndexOfAnyExcept((byte)0) < 0 && b.AsSpan(12, 3).IndexOfAnyExcept((byte)0) >= 0)
        {
            return b[12..16];
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return b[12..16];
        }

        return b[0] == 0x20 && b[1] == 0x02 ? b[2..6] : null;
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, Func<string, CancellationToken, Task<IPAddress[]>>? resolve, CancellationToken ct)
    {
        try
        {
            return resolve is null ? await Dns.GetHostAddressesAsync(host, ct) : await resolve(host, ct) ?? [];
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return [];
        }
    }

    // fd00:ec2::254, the AWS instance metadata service over IPv6.
    private static readonly byte[] AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254").GetAddressBytes();

    // 169.254.0.0/16 (link-local: metadata at .169.254, ECS task metadata at .170.2) and Alibaba Cloud's 100.100.100.200.
    private static bool IsMetadataV4(ReadOnlySpan<byte> b) =>
        b[0] == 169 && b[1] == 254
        || b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200;

    // 0.0.0.0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4, 240/4.
    private static bool IsPrivateOrReservedV4(ReadOnlySpan<byte> b) =>
        b[0] == 0
        || b[0] == 10
        || b[0] == 100 && (b[1] & 0xc0) == 64
        || b[0] == 127
        || b[0] == 169 && b[1] == 254
        || b[0] == 172 && (b[1] & 0xf0) == 16
        || b[0] == 192 && b[1] == 0 && b[2] == 0
        || b[0] == 192 && b[1] == 168
        || b[0] == 198 && (b[1] & 0xfe) == 18
        || b[0] >= 224;

    // Uri drops an empty user info ("http://@host"), which still means the user tried to smuggle one in.
    private static bool AuthorityHasAt(string text)
    {
        var start = text.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var authority = text[(start + 2)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        return (end < 0 ? authority : authority[..end]).Contains('@', StringComparison.Ordinal);
    }
}
