using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StarStudio.Tests.Integration.Market.Calls;

/// <summary>A request a skill endpoint received: path, headers that matter, body bytes.</summary>
public sealed record ReceivedSkillCall(string Path, string? Signature, string? RequestId, string? Secret, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A skill endpoint on 127.0.0.1 (Kestrel, random port) whose behaviour is chosen by path: <c>/ok</c> (weather JSON),
/// <c>/hang</c>, <c>/huge</c> (10 MB of JSON), <c>/html</c>, <c>/badjson</c>, <c>/violates</c> (valid JSON, wrong shape),
/// <c>/500</c>, <c>/redirect</c> (302 to a private address). Records every request. Also serves the benchmark.
/// </summary>
public sealed class ScriptedSkillServer : IAsyncDisposable
{
    /// <summary>The output schema <c>/ok</c> satisfies and <c>/violates</c> does not.</summary>
    public const string OutputSchema = """
        {"type":"object","properties":{"city":{"type":"string"},"temp_c":{"type":"number"},"summary":{"type":"string"}},"required":["city","temp_c"]}
        """;

    public const string InputSchema = """
        {"type":"object","properties":{"city":{"type":"string","minLength":1}},"required":["city"],"additionalProperties":false}
        """;

    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedSkillCall> calls = new();

    private ScriptedSkillServer(WebApplication app) => this.app = app;

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<ReceivedSkillCall> Calls => calls.ToArray();

    /// <summary>The header carrying a maker's secret, when the skill uses one.</summary>
    public string SecretHeader { get; set; } = "X-Maker-Key";

    public Uri Url(string path) => new(BaseUri, path);

    public static async Task<ScriptedSkillServer> StartAsync()
    {
        ScriptedSkillServer? server = null;
        var (app, baseUri) = await TestData.LoopbackHttpServer.StartAsync(ctx => server!.HandleAsync(ctx));
        server = new ScriptedSkillServer(app) { BaseUri = baseUri };
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        var path = ctx.Request.Path.Value ?? "";
        calls.Enqueue(new ReceivedSkillCall(path, ctx.Request.Headers["StarStudio-Signature"].ToString(), ctx.Request.Headers["StarStudio-Request-Id"].ToString(),
            ctx.Request.Headers[SecretHeader].ToString() is { Length: > 0 } s ? s : null, buffer.ToArray()));
        try
        {
            switch (path)
            {
                case "/ok":
                    ctx.Response.ContentType = "application/json; charset=utf-8";
                    await ctx.Response.WriteAsync("""{"city":"上海","temp_c":21.5,"summary":"晴"}""", ctx.RequestAborted);
                    break;
                case "/hang":
                    await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
                    break;
                case "/huge":
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync("{\"city\":\"", ctx.RequestAborted);
                    var chunk = new string('x', 64 * 1024);
                    for (var i = 0; i < 160; i++)
                    {
                        await ctx.Response.WriteAsync(chunk, ctx.RequestAborted);
                    }

                    await ctx.Response.WriteAsync("\",\"temp_c\":1}", ctx.RequestAborted);
                    break;
                case "/html":
                    ctx.Response.ContentType = "text/html";
                    await ctx.Response.WriteAsync("<html><body>Bad gateway</body></html>", ctx.RequestAborted);
                    break;
                case "/badjson":
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync("{\"city\": \"上海\", temp_c: }", ctx.RequestAborted);
                    break;
                case "/violates":
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync("""{"city":"上海","temp_c":"warm"}""", ctx.RequestAborted);
                    break;
                case "/500":
                    ctx.Response.StatusCode = 500;
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync("""{"error":"boom"}""", ctx.RequestAborted);
                    break;
                case "/redirect":
                    ctx.Response.StatusCode = 302;
                    ctx.Response.Headers.Location = "http://10.0.0.1/internal";
                    break;
                default:
                    ctx.Response.StatusCode = 404;
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the caller went away (timeout, size limit)
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
