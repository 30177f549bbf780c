using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Security;

namespace StarStudio.Tests.Integration.Admin.Chat;

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel, random port) standing in for an OpenAI-compatible model server.</summary>
internal sealed class ModelListServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ModelListServer(WebApplication app) => this.app = app;

    /// <summary>What one request asked for.</summary>
    public sealed record Request(string Method, string Path, string? Authorization);

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>The answer to every request: status and JSON body.</summary>
    public Func<Request, (HttpStatusCode Status, string Body)> Respond { get; set; } = _ => (HttpStatusCode.NotFound, "");

    /// <summary>How long the server waits before it answers.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:53211</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<ModelListServer> StartAsync(Func<Request, (HttpStatusCode Status, string Body)> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ModelListServer(app) { Respond = respond };
        app.Run(async context =>
        {
            var request = new Request(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Headers.Authorization.FirstOrDefault());
            server.Requests.Enqueue(request);
            if (server.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(server.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var (status, body) = server.Respond(request);
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    /// <summary>A vLLM-style <c>/v1/models</c> answer: each model with its <c>max_model_len</c> (omitted when null).</summary>
    public static (HttpStatusCode, string) Vllm(params (string Id, int? MaxModelLen)[] models) => (HttpStatusCode.OK, JsonSerializer.Serialize(new
    {
        @object = "list",
        data = models.Select(m => m.MaxModelLen is { } len
            ? (object)new { id = m.Id, @object = "model", created = 1_700_000_000, owned_by = "vllm", root = m.Id, parent = (string?)null, max_model_len = len, permission = Array.Empty<object>() }
            : new { id = m.Id, @object = "model", created = 1_700_000_000, owned_by = "vllm" }).ToArray(),
    }));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Security options that never change.</summary>
internal sealed class FixedSecurityOptions(SecurityOptions value) : IOptionsMonitor<SecurityOptions>
{
    public SecurityOptions CurrentValue => value;

    public SecurityOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<SecurityOptions, string?> listener) => null;
}
