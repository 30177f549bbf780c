using System.Net;
using System.Net.Sockets;
using StarStudio.Core.Security;

namespace StarStudio.Data.Security;

/// <summary>
/// The socket side of <see cref="UrlSafety"/>: an HTTP handler for calls to URLs that users and admins supply,
/// which applies <see cref="UrlSafety.FirstRefused"/> to the addresses it actually connects to. A host name that
/// resolved to a public address when the URL was saved and to an internal one later (DNS rebinding) is still
/// refused, and so is a cloud metadata address even where private networks are allowed.
/// </summary>
public static class GuardedHttpHandler
{
    /// <summary>
    /// A handler that refuses to connect to metadata addresses always and to private or reserved addresses unless
    /// <paramref name="allowPrivateNetworks"/>. Proxies are not used, since they would connect on the handler's behalf.
    /// </summary>
    /// <param name="allowPrivateNetworks">Read on every connection, so a configuration change applies at once.</param>
    /// <param name="resolve">Resolves a host name; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> by default.</param>
    public static SocketsHttpHandler Create(
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

                if (UrlSafety.FirstRefused(addresses, allowPrivateNetworks()) is { } refused)
                {
                    throw new HttpRequestException(
                        HttpRequestError.ConnectionError,
                        UrlSafety.IsMetadataAddress(refused)
                            ? $"The host '{host}' resolves to {refused}, a cloud metadata or link-local address; StarStudio never calls those."
                            : $"The host '{host}' resolves to {refused}, a private or reserved address; StarStudio does not call those " +
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
        catch (SocketException)
        {
            return [];
        }
    }
}
