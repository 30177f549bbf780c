using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace StarStudio.Web.Billing;

/// <summary>
/// The app's own address, for the calls it makes to itself (the sandbox gateway's signed webhook POST): an address the
/// server listens on, never the Host header of the browser's request, which anyone can set and which would turn the
/// gateway's POST towards a host of their choosing.
/// </summary>
public static class SelfAddress
{
    /// <summary>
    /// The first address the server listens on (plain HTTP first: a self-signed certificate would fail the call), with a
    /// wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) replaced by loopback, and the app's path base
    /// appended. Null when the server reports no address.
    /// </summary>
    public static Uri? From(IEnumerable<string>? listening, string pathBase)
    {
        Uri? best = null;
        foreach (var address in listening ?? [])
        {
            var text = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                continue;
            }

            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            var candidate = new UriBuilder(uri.Scheme, host, uri.Port, "/" + pathBase.Trim('/')).Uri;
            if (best is null || (best.Scheme == "https" && candidate.Scheme == "http"))
            {
                best = candidate;
            }
        }

        return best is null ? null : new Uri(best.AbsoluteUri.TrimEnd('/') + "/");
    }

    /// <summary>The running server's own address (see <see cref="From(IEnumerable{string}?, string)"/>).</summary>
    public static Uri? From(IServer? server, string pathBase) =>
        From(server?.Features.Get<IServerAddressesFeature>()?.Addresses, pathBase);
}
