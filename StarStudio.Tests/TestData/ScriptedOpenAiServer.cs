using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace StarStudio.Tests.TestData;

/// <summary>A tool call a <see cref="ChatScript"/> streams: the function name and its arguments, split into pieces.</summary>
public sealed record ScriptedToolCall(string Name, string ArgumentsJson, int Pieces = 3);

/// <summary>
/// What the scripted server does with one <c>/v1/chat/completions</c> request: stream text chunks (with delays),
/// stream tool calls, answer an HTTP error, hang, send garbage, or disconnect in the middle.
/// </summary>
public sealed record ChatScript
{
    public int Status { get; init; } = 200;

    /// <summary>The body of an error status (default: an OpenAI-style error object).</summary>
    public string? ErrorBody { get; init; }

    /// <summary>Wait before sending the response headers.</summary>
    public TimeSpan HeaderDelay { get; init; }

    /// <summary>Wait after the headers (and the role chunk) before the first content chunk.</summary>
    public TimeSpan FirstChunkDelay { get; init; }

    /// <summary>Wait between content chunks.</summary>
    public TimeSpan ChunkDelay { get; init; }

    public IReadOnlyList<string> TextChunks { get; init; } = [];

    /// <summary>Streamed as <c>delta.reasoning_content</c> before the text (a thinking model such as DeepSeek-R1).</summary>
    public IReadOnlyList<string> ReasoningChunks { get; init; } = [];

    public IReadOnlyList<ScriptedToolCall> ToolCalls { get; init; } = [];

    /// <summary>Usage reported when the request asks for it (<c>stream_options.include_usage</c>); null: none.</summary>
    public (int Prompt, int Completion)? Usage { get; init; } = (42, 7);

    /// <summary>Bytes sent instead of an event stream (with <see cref="ContentType"/>).</summary>
    public byte[]? RawBody { get; init; }

    public string ContentType { get; init; } = "text/event-stream";

    /// <summary>Abort the connection after this many content chunks.</summary>
    public int? DisconnectAfterChunks { get; init; }

    /// <summary>Send <c>: keep-alive</c> comments and an <c>event:</c> line before the content (they must be ignored).</summary>
    public bool KeepAlives { get; init; }

    public bool SendDone { get; init; } = true;

    /// <summary>Streams <paramref name="chunks"/> as <c>delta.content</c>.</summary>
    public static ChatScript Text(params string[] chunks) => new() { TextChunks = chunks };

    /// <summary>Streams one tool call (finish reason <c>tool_calls</c>).</summary>
    public static ChatScript Tool(string name, string argumentsJson) => new() { ToolCalls = [new ScriptedToolCall(name, argumentsJson)] };

    /// <summary>Answers <paramref name="status"/> with an error body.</summary>
    public static ChatScript Http(int status, string? body = null) => new() { Status = status, ErrorBody = body };

    /// <summary>Headers at once, then nothing for <paramref name="delay"/>, then <paramref name="chunks"/>.</summary>
    public static ChatScript SlowFirstToken(TimeSpan delay, params string[] chunks) => new() { FirstChunkDelay = delay, TextChunks = chunks };

    /// <summary>No headers for <paramref name="delay"/>.</summary>
    public static ChatScript Hang(TimeSpan delay) => new() { HeaderDelay = delay, TextChunks = ["late"] };

    /// <summary>A 200 event stream of binary garbage.</summary>
    public static ChatScript Garbage() => new()
    {
        RawBody = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF, 0xFE, 0x13, 0x37, 0x0A, 0x7B, 0x7B, 0x0A],
    };

    /// <summary>A 200 event stream whose data lines are not JSON.</summary>
    public static ChatScript NotJson() => new() { RawBody = Encoding.UTF8.GetBytes("data: <html>Bad gateway</html>\n\n") };

    /// <summary>Streams <paramref name="chunks"/> and aborts the connection after <paramref name="after"/> of them.</summary>
    public static ChatScript Disconnect(int after, params string[] chunks) => new() { TextChunks = chunks, DisconnectAfterChunks = after };
}

/// <summary>A request the scripted server received.</summary>
public sealed class ReceivedChatRequest
{
    public required string Path { get; init; }
    public string? Authorization { get; init; }
    public required string Body { get; init; }
    public required JsonElement Json { get; init; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the handler started.</summary>
    public long ReceivedAt { get; init; }

    /// <summary>When the first content or tool-call chunk was flushed, after <see cref="ReceivedAt"/>.</summary>
    public TimeSpan? FirstChunkAfter { get; internal set; }

    /// <summary>Whether the client went away before the script finished.</summary>
    public bool Aborted { get; internal set; }

    /// <summary>Whether the script ran to its end.</summary>
    public bool Completed { get; internal set; }

    public string? Model => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("model", out var m) ? m.GetString() : null;

    /// <summary>(role, content) of each message sent.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        Json.TryGetProperty("messages", out var ms)
            ? ms.EnumerateArray().Select(m => (
                m.GetProperty("role").GetString() ?? "",
                m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : "")).ToList()
            : [];

    /// <summary>The function names in <c>tools</c>.</summary>
    public IReadOnlyList<string> ToolNames =>
        Json.TryGetProperty("tools", out var ts)
            ? ts.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString() ?? "").ToList()
            : [];
}

/// <summary>
/// A real OpenAI-compatible HTTP server on 127.0.0.1 (Kestrel, random port) for tests and benchmarks: serves
/// <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c> from per-model scripts (<see cref="ChatScript"/>), plus
/// <c>POST /skills/echo</c> (echoes the JSON body as a skill result), and records every request it received.
/// </summary>
public sealed class ScriptedOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ChatScript>> queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatScript> defaults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedChatRequest> requests = new();

    private ScriptedOpenAiServer(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    /// <summary>The base URL without <c>/v1</c>, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>What is served when a model has no script queued and no default: one text chunk "OK".</summary>
    public ChatScript Fallback { get; set; } = ChatScript.Text("OK");

    /// <summary>The chat requests received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedChatRequest> Requests => requests.ToArray();

    public static async Task<ScriptedOpenAiServer> StartAsync()
    {
        ScriptedOpenAiServer? server = null;
        var (app, baseUri) = await LoopbackHttpServer.StartAsync(ctx => server!.HandleAsync(ctx));
        server = new ScriptedOpenAiServer(app, baseUri);
        return server;
    }

    /// <summary>Queues scripts for <paramref name="model"/>, used one per request in order.</summary>
    public void Enqueue(string model, params ChatScript[] scripts)
    {
        var queue = queues.GetOrAdd(model, _ => new ConcurrentQueue<ChatScript>());
        foreach (var s in scripts)
        {
            queue.Enqueue(s);
        }
    }

    /// <summary>What <paramref name="model"/> answers once its queue is empty.</summary>
    public void SetDefault(string model, ChatScript script) => defaults[model] = script;

    private ChatScript ScriptFor(string? model)
    {
        model ??= "";
        if (queues.TryGetValue(model, out var queue) && queue.TryDequeue(out var script))
        {
            return script;
        }

        return defaults.TryGetValue(model, out var d) ? d : Fallback;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var received = Stopwatch.GetTimestamp();
        var path = ctx.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(ctx.Request.Method) && path == "/v1/models")
        {
            var ids = queues.Keys.Concat(defaults.Keys).Distinct().Select(id => new { id, @object = "model", owned_by = "scripted" });
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { @object = "list", data = ids }));
            return;
        }

        if (HttpMethods.IsPost(ctx.Request.Method) && path.StartsWith("/skills/", StringComparison.Ordinal))
        {
            using var skillReader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var skillBody = await skillReader.ReadToEndAsync();
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { result = "echo: " + skillBody }));
            return;
        }

        if (!HttpMethods.IsPost(ctx.Request.Method) || path != "/v1/chat/completions")
        {
            ctx.Response.StatusCode = 404;
            return;
        }

        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        JsonElement json;
        try
        {
            using var doc = JsonDocument.Parse(body);
            json = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("""{"error":{"message":"body is not JSON"}}""");
            return;
        }

        var request = new ReceivedChatRequest
        {
            Path = path,
            Authorization = ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            Body = body,
            Json = json,
            ReceivedAt = received,
        };
        requests.Enqueue(request);
        var script = ScriptFor(request.Model);
        try
        {
            await ServeAsync(ctx, request, script, ctx.RequestAborted);
            request.Completed = true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || ctx.RequestAborted.IsCancellationRequested)
        {
            request.Aborted = true;
        }
    }

    private static async Task ServeAsync(HttpContext ctx, ReceivedChatRequest request, ChatScript script, CancellationToken ct)
    {
        if (script.HeaderDelay > TimeSpan.Zero)
        {
            await Task.Delay(script.HeaderDelay, ct);
        }

        if (script.Status != 200)
        {
            ctx.Response.StatusCode = script.Status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(script.ErrorBody ?? """{"error":{"message":"scripted failure","type":"server_error"}}""", ct);
            return;
        }

        ctx.Response.ContentType = script.ContentType;
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.StartAsync(ct);
        if (script.RawBody is { } raw)
        {
            await ctx.Response.Body.WriteAsync(raw, ct);
            await ctx.Response.Body.FlushAsync(ct);
            return;
        }

        var model = request.Model ?? "scripted";
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12];
        if (script.KeepAlives)
        {
            await WriteAsync(ctx, ": keep-alive\n\n", ct);
            await WriteAsync(ctx, "event: message\n", ct);
        }

        await EventAsync(ctx, Chunk(id, model, new { role = "assistant", content = "" }, null), ct);
        if (script.FirstChunkDelay > TimeSpan.Zero)
        {
            if (script.KeepAlives)
            {
                await WriteAsync(ctx, ": still thinking\n\n", ct);
            }

            await Task.Delay(script.FirstChunkDelay, ct);
        }

        foreach (var thought in script.ReasoningChunks)
        {
            await EventAsync(ctx, Chunk(id, model, new { reasoning_content = thought }, null), ct);
            request.FirstChunkAfter ??= Stopwatch.GetElapsedTime(request.ReceivedAt);
        }

        var sent = 0;
        foreach (var text in script.TextChunks)
        {
            if (sent > 0 && script.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(script.ChunkDelay, ct);
            }

            await EventAsync(ctx, Chunk(id, model, new { content = text }, null), ct);
            request.FirstChunkAfter ??= Stopwatch.GetElapsedTime(request.ReceivedAt);
            sent++;
            if (script.DisconnectAfterChunks == sent)
            {
                await Task.Delay(100, ct); // let what was flushed reach the client before the reset
                ctx.Abort();
                return;
            }
        }

        for (var k = 0; k < script.ToolCalls.Count; k++)
        {
            var call = script.ToolCalls[k];
            await EventAsync(ctx, Chunk(id, model, new
            {
                tool_calls = new[] { new { index = k, id = $"call_{k}_{id[^4..]}", type = "function", function = new { name = call.Name, arguments = "" } } },
            }, null), ct);
            request.FirstChunkAfter ??= Stopwatch.GetElapsedTime(request.ReceivedAt);
            var args = call.ArgumentsJson;
            var size = Math.Max(1, (int)Math.Ceiling(args.Length / (double)Math.Max(1, call.Pieces)));
            for (var start = 0; start < args.Length; start += size)
            {
                var piece = args.Substring(start, Math.Min(size, args.Length - start));
                await EventAsync(ctx, Chunk(id, model, new { tool_calls = new[] { new { index = k, function = new { arguments = piece } } } }, null), ct);
            }
        }

        await EventAsync(ctx, Chunk(id, model, new { }, script.ToolCalls.Count > 0 ? "tool_calls" : "stop"), ct);
        var wantsUsage = request.Json.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        if (wantsUsage && script.Usage is { } usage)
        {
            await EventAsync(ctx, JsonSerializer.Serialize(new
            {
                id,
                @object = "chat.completion.chunk",
                model,
                choices = Array.Empty<object>(),
                usage = new { prompt_tokens = usage.Prompt, completion_tokens = usage.Completion, total_tokens = usage.Prompt + usage.Completion },
            }), ct);
        }

        if (script.SendDone)
        {
            await WriteAsync(ctx, "data: [DONE]\n\n", ct);
        }
    }

    private static string Chunk(string id, string model, object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id,
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model,
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });

    private static Task EventAsync(HttpContext ctx, string json, CancellationToken ct) => WriteAsync(ctx, "data: " + json + "\n\n", ct);

    private static async Task WriteAsync(HttpContext ctx, string text, CancellationToken ct)
    {
        await ctx.Response.WriteAsync(text, ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(TimeSpan.FromSeconds(2));
        await app.DisposeAsync();
    }
}
