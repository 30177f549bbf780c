using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StarStudio.Tests.TestData;

/// <summary>Starts a bare Kestrel on 127.0.0.1 at a free port, every request going to one handler: the base of the tests' scripted servers.</summary>
public static class LoopbackHttpServer
{
    /// <summary>The started app (stop and dispose it when done) and its base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public static async Task<(WebApplication App, Uri BaseUri)> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }
}
