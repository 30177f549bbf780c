using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StarStudio.Data.Chat.Engine;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Chat.Engine;

/// <summary>The OpenAI-compatible adapter against a real scripted HTTP server on loopback.</summary>
public sealed class OpenAiCompatibleChatClientTests : IAsyncLifetime
{
    private ScriptedOpenAiServer server = null!;
    // As the app's guarded handler: no draining of abandoned responses, so a stop closes the stream.
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync() => server = await ScriptedOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private OpenAiCompatibleChatClient Client(string model = "m", OpenAiCompatibleChatClientOptions? options = null, string? key = "sk-secret") =>
        new(http, server.BaseUri, model, key, options ?? new OpenAiCompatibleChatClientOptions { ProviderName = "scripted" });

    private static async Task<List<ChatResponseUpdate>> AllAsync(IChatClient client, ChatOptions? options = null, CancellationToken ct = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.System, "sys"), new ChatMessage(ChatRole.User, "hi")], options, ct))
        {
            updates.Add(u);
        }

        return updates;
    }

    [Fact]
    public async Task Stream_ScriptedChunks_ArriveInOrderWithUsage()
    {
        server.Enqueue("m", ChatScript.Text("Once", " upon", " a", " time") with { ChunkDelay = TimeSpan.FromMilliseconds(5), KeepAlives = true, Usage = (120, 4) });

        var updates = await AllAsync(Client());

        Assert.Equal(["Once", " upon", " a", " time"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal(120, usage.InputTokenCount);
        Assert.Equal(4, usage.OutputTokenCount);
        Assert.All(updates, u => Assert.Equal("m", u.ModelId));
    }

    [Fact]
    public async Task Stream_Request_SendsModelMessagesStreamAndBearerKey()
    {
        var client = Client("qwen", new OpenAiCompatibleChatClientOptions { DefaultParams = """{"temperature":0.3}""" });

        await AllAsync(client);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-secret", request.Authorization);
        Assert.Equal("qwen", request.Model);
        Assert.Equal([("system", "sys"), ("user", "hi")], request.Messages);
        Assert.True(request.Json.GetProperty("stream").GetBoolean());
        Assert.Equal(0.3, request.Json.GetProperty("temperature").GetDouble(), 3);
    }

    [Fact]
    public async Task Stream_NoApiKey_SendsNoAuthorization()
    {
        await AllAsync(Client(key: null));

        Assert.Null(Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task Stream_ToolCall_IsParsedWithItsArguments()
    {
        server.Enqueue("m", ChatScript.Tool("search_knowledge", """{"query":"宋元古籍 补纸","top_k":3}"""));
        var tool = AIFunctionFactory.CreateDeclaration("search_knowledge", "search", JsonDocument.Parse("""{"type":"object"}""").RootElement);

        var updates = await AllAsync(Client(), new ChatOptions { Tools = [tool] });

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("search_knowledge", call.Name);
        Assert.Equal("宋元古籍 补纸", ((JsonElement)call.Arguments!["query"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments!["top_k"]!).GetInt32());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
        Assert.Equal(["search_knowledge"], server.Requests[0].ToolNames);
    }

    [Fact]
    public async Task Stream_Http500_ThrowsAClearErrorWithTheStatus()
    {
        server.Enqueue("m", ChatScript.Http(500, """{"error":{"message":"model crashed","type":"server_error"}}"""));

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client()));

        Assert.Equal(ChatProviderFailure.Http, e.Failure);
        Assert.Equal(500, e.StatusCode);
        Assert.Equal("The model provider 'scripted' answered HTTP 500 Internal Server Error: model crashed", e.Message);
        Assert.False(e.AfterFirstToken);
    }

    [Fact]
    public async Task Stream_GarbageBytes_ThrowsAClearError()
    {
        server.Enqueue("m", ChatScript.Garbage());

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client()));

        Assert.Equal(ChatProviderFailure.Garbage, e.Failure);
        Assert.Contains("not an OpenAI-compatible event stream", e.Message);
    }

    [Fact]
    public async Task Stream_DataThatIsNotJson_ThrowsAClearError()
    {
        server.Enqueue("m", ChatScript.NotJson());

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client()));

        Assert.Equal(ChatProviderFailure.Garbage, e.Failure);
        Assert.Contains("not JSON: '<html>Bad gateway</html>'", e.Message);
    }

    [Fact]
    public async Task Stream_SlowFirstToken_TimesOutAndClosesTheRequest()
    {
        server.Enqueue("m", ChatScript.SlowFirstToken(TimeSpan.FromSeconds(5), "late") with { KeepAlives = true });
        var client = Client(options: new OpenAiCompatibleChatClientOptions { FirstTokenTimeout = TimeSpan.FromMilliseconds(300), ProviderName = "scripted" });
        var sw = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(client));

        Assert.Equal(ChatProviderFailure.Timeout, e.Failure);
        Assert.Equal("The model provider 'scripted' sent no first token within 300 ms.", e.Message);
        Assert.InRange(sw.ElapsedMilliseconds, 250, 3000);
        await WaitForAsync(() => server.Requests[0].Aborted);
    }

    [Fact]
    public async Task Stream_NoHeaders_TimesOut()
    {
        server.Enqueue("m", ChatScript.Hang(TimeSpan.FromSeconds(5)));
        var client = Client(options: new OpenAiCompatibleChatClientOptions { FirstTokenTimeout = TimeSpan.FromMilliseconds(300) });

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(client));

        Assert.Equal(ChatProviderFailure.Timeout, e.Failure);
    }

    [Fact]
    public async Task Stream_StallsMidAnswer_TimesOutOnIdle()
    {
        server.Enqueue("m", ChatScript.Text("a", "b") with { ChunkDelay = TimeSpan.FromSeconds(5) });
        var client = Client(options: new OpenAiCompatibleChatClientOptions { IdleTimeout = TimeSpan.FromMilliseconds(300), ProviderName = "scripted" });
        var texts = new List<string>();

        var e = await Assert.ThrowsAsync<ChatProviderException>(async () =>
        {
            await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                texts.Add(u.Text);
            }
        });

        Assert.Equal(ChatProviderFailure.Timeout, e.Failure);
        Assert.True(e.AfterFirstToken);
        Assert.Contains("stopped sending", e.Message);
        Assert.Contains("a", texts);
    }

    [Fact]
    public async Task Stream_OverallTimeout_CutsALongAnswer()
    {
        server.Enqueue("m", ChatScript.Text(Enumerable.Repeat("x", 50).ToArray()) with { ChunkDelay = TimeSpan.FromMilliseconds(50) });
        var client = Client(options: new OpenAiCompatibleChatClientOptions { OverallTimeout = TimeSpan.FromMilliseconds(400), ProviderName = "scripted" });

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(client));

        Assert.Equal(ChatProviderFailure.Timeout, e.Failure);
        Assert.Contains("did not finish the answer within 400 ms", e.Message);
    }

    [Fact]
    public async Task Stream_MidStreamDisconnect_ThrowsAStreamErrorAfterTheFirstToken()
    {
        server.Enqueue("m", ChatScript.Disconnect(2, "one", " two", " three", " four"));
        var texts = new List<string>();

        var e = await Assert.ThrowsAsync<ChatProviderException>(async () =>
        {
            await foreach (var u in Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                texts.Add(u.Text);
            }
        });

        Assert.Equal(ChatProviderFailure.Stream, e.Failure);
        Assert.True(e.AfterFirstToken);
        Assert.Equal("one two", string.Concat(texts));
    }

    [Fact]
    public async Task Stream_Cancelled_StopsReadingAndTheServerSeesTheRequestAborted()
    {
        server.Enqueue("m", ChatScript.Text(Enumerable.Range(0, 100).Select(i => $"w{i} ").ToArray()) with { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cts.Token))
            {
                if (u.Text.Length > 0 && ++seen == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(3, seen);
        await WaitForAsync(() => server.Requests[0].Aborted);
        Assert.False(server.Requests[0].Completed);
    }

    [Fact]
    public async Task Stream_ConnectionRefused_ThrowsAConnectError()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new OpenAiCompatibleChatClient(http, new Uri($"http://127.0.0.1:{port}"), "m", null, new OpenAiCompatibleChatClientOptions { ProviderName = "gone" });

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(client));

        Assert.Equal(ChatProviderFailure.Connect, e.Failure);
        Assert.StartsWith($"Cannot reach the model provider 'gone' at http://127.0.0.1:{port}", e.Message);
    }

    [Fact]
    public async Task Models_Listed_IncludeScriptedModels()
    {
        server.SetDefault("qwen2.5", ChatScript.Text("hi"));

        var json = await http.GetStringAsync(new Uri(server.BaseUri, "/v1/models"));

        Assert.Contains("\"qwen2.5\"", json);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "timed out waiting for the server to see the abort");
            await Task.Delay(20);
        }
    }
}
