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
/// </summary>
/// <remarks>
/// A check at save time cannot stop a host name that resolves differently later (DNS rebinding); the HTTP
/// clients that call such URLs should also use <see cref="CreateGuardedHandler"/>, which checks the address it
/// actually connects to.
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

        return allowPrivateNetworks || !addresses.Any(IsPrivateOrReserved)
            ? UrlCheck.Allowed(uri)
            : UrlCheck.Refused(PrivateNetworkCode, uri);
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

        if (address.IsIPv4MappedToIPv6)
        {
            return IsPrivateOrReservedV4(address.MapToIPv4().GetAddressBytes());
        }

        var b = address.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            // ::/96: the unspecified address ::, loopback ::1 and the deprecated IPv4-compatible ::a.b.c.d.
            return true;
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        {
            // NAT64: 64:ff9b::/96 embeds the IPv4 target; 64:ff9b:1::/48 is for local use.
            return b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) >= 0 || IsPrivateOrReservedV4(b[12..16]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            // 6to4: 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
            return IsPrivateOrReservedV4(b[2..6]);
        }

        return (b[0] & 0xfe) == 0xfc            // fc00::/7 unique local
            || b[0] == 0xfe && (b[1] & 0xc0) == 0x80 // fe80::/10 link-local
            || b[0] == 0xfe && (b[1] & 0xc0) == 0xc0 // fec0::/10 site-local (deprecated)
            || b[0] == 0xff                          // ff00::/8 multicast
            || b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0 // 100::/64 discard
            || b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;               // 2001:db8::/32 documentation
    }

    /// <summary>
    /// An HTTP handler that refuses to connect to private or reserved addresses (checked on the address actually
    /// connected to, so a host name that resolves to a public address at save time and to an internal one later
    /// is still refused). Proxies are not used, since they would connect on the handler's behalf.
    /// </summary>
    /// <param name="allowPrivateNetworks">Read on every connection, so a configuration change applies at once.</param>
    /// <param name="resolve">Resolves a host name; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> by default.</param>
    public static SocketsHttpHandler CreateGuardedHandler(
        Func<bool> allowPrivateNetworks,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(allowPrivateNetworks);
        return new SocketsHttpHandler
        {
            UseProxy = false,
            // An abandoned response (a stopped chat answer) closes the connection instead of being read to the end
            // for reuse, so the provider stops generating tokens nobody will see.
            MaxResponseDrainSize = 0,
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await ResolveAsync(host, resolve, ct);
                if (addresses.Length == 0)
                {
                    throw new HttpRequestException(HttpRequestError.NameResolutionError, $"The host '{host}' does not resolve to any address.");
                }

                if (!allowPrivateNetworks() && addresses.FirstOrDefault(IsPrivateOrReserved) is { } refused)
                {
                    throw new HttpRequestException(
                        HttpRequestError.ConnectionError,
                        $"The host '{host}' resolves to {refused}, a private or reserved address; StarStudio does not call those " +
                        "unless StarStudio:Security:AllowPrivateNetworkUrls is on.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
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
