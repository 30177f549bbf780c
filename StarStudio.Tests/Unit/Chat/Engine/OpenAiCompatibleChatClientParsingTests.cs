using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>SSE parsing and request building of the adapter, over an in-memory handler.</summary>
public sealed class OpenAiCompatibleChatClientParsingTests
{
    private sealed class CannedHandler(HttpStatusCode status, string body, string contentType = "text/event-stream") : HttpMessageHandler
    {
        public string? RequestBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            return new HttpResponseMessage(status) { Content = content };
        }
    }

    private static (OpenAiCompatibleChatClient Client, CannedHandler Handler) Client(string body, string contentType = "text/event-stream", string? defaults = null, HttpStatusCode status = HttpStatusCode.OK)
    {
        var handler = new CannedHandler(status, body, contentType);
        var client = new OpenAiCompatibleChatClient(new HttpClient(handler), new Uri("http://llm.test"), "m1", "sk-test",
            new OpenAiCompatibleChatClientOptions { DefaultParams = defaults, ProviderName = "test" });
        return (client, handler);
    }

    private static async Task<List<ChatResponseUpdate>> AllAsync(IChatClient client, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], options))
        {
            updates.Add(u);
        }

        return updates;
    }

    private static string Delta(string content) => JsonSerializer.Serialize(new { choices = new[] { new { index = 0, delta = new { content }, finish_reason = (string?)null } } });

    private const string Stop = """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""";

    [Fact]
    public async Task Stream_CommentsKeepAlivesAndEventLines_AreIgnored()
    {
        var body = $": keep-alive\n\nevent: message\nid: 1\nretry: 100\ndata: {Delta("Hel")}\n\n: ping\n\ndata:{Delta("lo")}\r\n\r\ndata: {Stop}\n\ndata: [DONE]\n\n";

        var updates = await AllAsync(Client(body).Client);

        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Stream_EventsWithoutBlankLines_AreStillParsed()
    {
        var body = $"data: {Delta("a")}\ndata: {Delta("b")}\ndata: {Stop}\ndata: [DONE]\n";

        var updates = await AllAsync(Client(body).Client);

        Assert.Equal("ab", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Stream_MultiLineData_IsJoinedPerSpec()
    {
        var body = "data: {\"choices\":[{\"index\":0,\n" + "data: \"delta\":{\"content\":\"multi\"}}]}\n\n" + $"data: {Stop}\n\n";

        var updates = await AllAsync(Client(body).Client);

        Assert.Equal("multi", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Stream_ReasoningContent_IsReportedApartFromText()
    {
        var body = """data: {"choices":[{"index":0,"delta":{"reasoning_content":"thinking…"}}]}""" + "\n\n" + $"data: {Delta("answer")}\n\ndata: {Stop}\n\n";

        var updates = await AllAsync(Client(body).Client);

        Assert.Equal("answer", string.Concat(updates.Select(u => u.Text)));
        Assert.Contains(updates.SelectMany(u => u.Contents), c => c is TextReasoningContent { Text: "thinking…" });
    }

    [Fact]
    public async Task Stream_TwoToolCallsInterleaved_AreAccumulatedByIndex()
    {
        var body = string.Join("\n\n",
            """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"search_knowledge","arguments":""}}]}}]}""",
            """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"b","type":"function","function":{"name":"other","arguments":"{\"x\":"}}]}}]}""",
            """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"query\":\"纸"}}]}}]}""",
            """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"1}"}}]}}]}""",
            """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"}"}}]}}]}""",
            """data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]") + "\n\n";

        var calls = (await AllAsync(Client(body).Client)).SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();

        Assert.Equal(2, calls.Count);
        Assert.Equal(("a", "search_knowledge", """{"query":"纸"}"""), (calls[0].CallId, calls[0].Name, OpenAiMessageJson.ArgumentsJson(calls[0])));
        Assert.Equal("纸", ((JsonElement)calls[0].Arguments!["query"]!).GetString());
        Assert.Equal(("b", "other", """{"x":1}"""), (calls[1].CallId, calls[1].Name, OpenAiMessageJson.ArgumentsJson(calls[1])));
    }

    [Fact]
    public async Task Stream_ErrorEventMidStream_ThrowsProviderErrorWithItsMessage()
    {
        var body = $"data: {Delta("par")}\n\ndata: {{\"error\":{{\"message\":\"CUDA out of memory\"}}}}\n\n";

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client(body).Client));

        Assert.Equal(ChatProviderFailure.Provider, e.Failure);
        Assert.Contains("CUDA out of memory", e.Message);
        Assert.True(e.AfterFirstToken);
    }

    [Fact]
    public async Task Stream_EndsWithoutFinish_ThrowsStreamError()
    {
        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client($"data: {Delta("half")}\n\n").Client));

        Assert.Equal(ChatProviderFailure.Stream, e.Failure);
        Assert.True(e.AfterFirstToken);
    }

    [Fact]
    public async Task Stream_EmptyBody_ThrowsGarbageError()
    {
        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client("").Client));

        Assert.Equal(ChatProviderFailure.Garbage, e.Failure);
        Assert.Contains("without sending an answer", e.Message);
    }

    [Fact]
    public async Task Stream_HtmlInsteadOfEvents_ThrowsGarbageErrorWithAPreview()
    {
        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(Client("<html><body>502 Bad Gateway</body></html>", "text/html").Client));

        Assert.Equal(ChatProviderFailure.Garbage, e.Failure);
        Assert.Contains("text/html", e.Message);
        Assert.Contains("502 Bad Gateway", e.Message);
    }

    [Fact]
    public async Task Stream_ServerIgnoredStreamAndSentJson_ReadsTheWholeCompletion()
    {
        const string json = """{"id":"x","model":"m1","choices":[{"index":0,"message":{"role":"assistant","content":"whole answer"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""";

        var updates = await AllAsync(Client(json, "application/json").Client);

        Assert.Equal("whole answer", string.Concat(updates.Select(u => u.Text)));
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal((5L, 2L), (usage.InputTokenCount!.Value, usage.OutputTokenCount!.Value));
    }

    [Fact]
    public async Task Stream_HttpErrorWithOpenAiBody_ThrowsWithStatusAndMessage()
    {
        var (client, _) = Client("""{"error":{"message":"Invalid API key","type":"invalid_request_error"}}""", "application/json", status: HttpStatusCode.Unauthorized);

        var e = await Assert.ThrowsAsync<ChatProviderException>(() => AllAsync(client));

        Assert.Equal(ChatProviderFailure.Http, e.Failure);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("HTTP 401", e.Message);
        Assert.Contains("Invalid API key", e.Message);
    }

    [Fact]
    public async Task Request_DefaultParamsAndOptions_AreMergedWithOptionsWinningAndPricesLeftOut()
    {
        var (client, handler) = Client($"data: {Stop}\n\n", defaults: """{"temperature":0.2,"top_p":0.9,"max_tokens":512,"price_in_per_1k":0.1,"repetition_penalty":1.05}""");
        var tool = AIFunctionFactory.CreateDeclaration("search_knowledge", "search", JsonDocument.Parse("""{"type":"object","properties":{"query":{"type":"string"}}}""").RootElement);

        try
        {
            await AllAsync(client, new ChatOptions { Temperature = 0.7f, Tools = [tool] });
        }
        catch (ChatProviderException)
        {
            // an empty answer is fine here; the request is what matters
        }

        using var doc = JsonDocument.Parse(handler.RequestBody!);
        var root = doc.RootElement;
        Assert.Equal("m1", root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.True(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(0.7, root.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, root.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(512, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1.05, root.GetProperty("repetition_penalty").GetDouble(), 3);
        Assert.False(root.TryGetProperty("price_in_per_1k", out _));
        Assert.Equal("search_knowledge", root.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("object", root.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
    }
}
