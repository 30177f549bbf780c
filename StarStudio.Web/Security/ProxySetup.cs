using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace StarStudio.Web.Security;

/// <summary>
/// <c>StarStudio:ForwardedHeaders</c>: trust <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> / <c>X-Forwarded-Host</c>
/// from a TLS-terminating reverse proxy. Off by default: a header any client can send must only be believed when
/// it comes from the proxy, so the proxy's addresses are listed explicitly.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "StarStudio:ForwardedHeaders";

    /// <summary>Believe forwarded headers from the proxies below (and from loopback, ASP.NET's default).</summary>
    public bool Enabled { get; set; }

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>172.18.0.0/16</c> (a Docker network).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row to unwrap.</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>Wires <see cref="ForwardedHeadersSettings"/> into ASP.NET's forwarded-headers middleware.</summary>
public static class ProxySetup
{
    /// <summary>Configures the middleware from configuration; an unparsable address stops the start with one clear line.</summary>
    public static IServiceCollection AddStarStudioForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = settings.ForwardLimit;
            foreach (var proxy in settings.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address)
                    ? address
                    : throw new InvalidOperationException($"StarStudio:ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            }

            foreach (var network in settings.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"StarStudio:ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR form (e.g. 172.18.0.0/16)."));
            }
        });
        return services;
    }

    /// <summary>Runs the middleware first, when enabled, so the scheme, host and client address are the real ones for everything after.</summary>
    public static IApplicationBuilder UseStarStudioForwardedHeaders(this IApplicationBuilder app, IConfiguration configuration) =>
        configuration.GetValue<bool>($"{ForwardedHeadersSettings.Section}:Enabled") ? app.UseForwardedHeaders() : app;
}
