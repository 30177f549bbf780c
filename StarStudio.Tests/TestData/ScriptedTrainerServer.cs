using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StarStudio.Tests.TestData;

/// <summary>
/// An external trainer on loopback in the OpenAI fine-tuning API's shape, scripted per test: what a create answers, the
/// statuses successive polls return (the last one repeats), events, and how long a request hangs. Records every request.
/// </summary>
public sealed class ScriptedTrainerServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<string> polls = new();
    private string? lastPoll;

    private ScriptedTrainerServer(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>The job id a create returns.</summary>
    public string JobId { get; set; } = "ftjob-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>How long every poll (GET of the job) waits before answering.</summary>
    public TimeSpan PollDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Event messages, oldest first (served newest first as OpenAI does).</summary>
    public List<string> Events { get; } = [];

    /// <summary>Requests received: method and path, with the body of POSTs.</summary>
    public ConcurrentQueue<(string Method, string Path, string Body, string? Authorization)> Requests { get; } = new();

    public int Creates => Requests.Count(r => r.Method == "POST" && r.Path == "/v1/fine_tuning/jobs");

    public int Cancels => Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/cancel", StringComparison.Ordinal));

    /// <summary>Queues the JSON bodies successive polls answer; the last repeats.</summary>
    public void Poll(params string[] bodies)
    {
        foreach (var b in bodies)
        {
            polls.Enqueue(b);
        }
    }

    /// <summary>A poll body: <c>{"id","status",…}</c> with optional extras.</summary>
    public string Status(string status, string? model = null, string? artifact = null, string? metrics = null, string? error = null) =>
        "{" + $"\"id\":\"{JobId}\",\"object\":\"fine_tuning.job\",\"status\":\"{status}\""
            + (model is null ? "" : $",\"fine_tuned_model\":\"{model}\"")
            + (artifact is null ? "" : $",\"artifact_uri\":{JsonSerializer.Serialize(artifact)}")
            + (metrics is null ? "" : $",\"metrics\":{metrics}")
            + (error is null ? "" : $",\"error\":{{\"message\":{JsonSerializer.Serialize(error)}}}") + "}";

    public static async Task<ScriptedTrainerServer> StartAsync()
    {
        ScriptedTrainerServer? server = null;
        var (app, baseUri) = await LoopbackHttpServer.StartAsync(ctx => server!.HandleAsync(ctx));
        server = new ScriptedTrainerServer(app, baseUri);
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = ctx.Request.Path.Value ?? "";
        Requests.Enqueue((ctx.Request.Method, path, body, ctx.Request.Headers.Authorization.ToString()));
        ctx.Response.ContentType = "application/json";
        if (ctx.Request.Method == "POST" && path == "/v1/fine_tuning/jobs")
        {
            await ctx.Response.WriteAsync(Status("validating_files"));
        }
        else if (ctx.Request.Method == "POST" && path.EndsWith("/cancel", StringComparison.Ordinal))
        {
            await ctx.Response.WriteAsync(Status("cancelled"));
        }
        else if (path.EndsWith("/events", StringComparison.Ordinal))
        {
            var data = Events.Select((m, i) => new { id = $"ev-{i}", @object = "fine_tuning.job.event", created_at = 1700000000 + i, level = "info", message = m }).Reverse();
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { @object = "list", data }));
        }
        else if (path.StartsWith("/v1/fine_tuning/jobs/", StringComparison.Ordinal))
        {
            if (PollDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(PollDelay, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (polls.TryDequeue(out var next))
            {
                lastPoll = next;
            }

            await ctx.Response.WriteAsync(lastPoll ?? Status("running"));
        }
        else
        {
            ctx.Response.StatusCode = 404;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
