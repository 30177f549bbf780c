using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StarStudio.Data.Chat.Engine;

/// <summary>Timeouts and defaults of one <see cref="OpenAiCompatibleChatClient"/>.</summary>
public sealed class OpenAiCompatibleChatClientOptions
{
    /// <summary>How long to wait, from sending the request, for the first token (text, reasoning or a tool call).</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the stream may stay silent once it has started.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one whole answer may take.</summary>
    public TimeSpan OverallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A JSON object of request parameters (<c>ChatModel.DefaultParams</c>: temperature, top_p, max_tokens …) merged into
    /// every request; <see cref="ChatOptions"/> values win. Keys starting with <c>price_</c> are StarStudio's own and never sent.
    /// </summary>
    public string? DefaultParams { get; set; }

    /// <summary>Reported in <see cref="ChatClientMetadata.ProviderName"/> and in error messages.</summary>
    public string ProviderName { get; set; } = "openai-compatible";

    /// <summary>Asks for token usage at the end of the stream (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; set; } = true;
}

/// <summary>
/// An <see cref="IChatClient"/> for any OpenAI-compatible <c>POST {baseUrl}/v1/chat/completions</c> (vLLM, Ollama,
/// OpenAI, DeepSeek, Qwen …), always streaming. It parses the server-sent events itself (comments and keep-alives
/// ignored; <c>choices[0].delta.content</c>, <c>reasoning_content</c>, <c>tool_calls</c> accumulated by index,
/// <c>usage</c>), enforces a first-token, an idle and an overall timeout, and reports every provider problem as a
/// <see cref="ChatProviderException"/> with a readable message. Cancelling stops reading and disposes the
/// response, which closes the connection.
/// </summary>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client (its own timeout must be infinite: this class times out itself).</summary>
    public const string HttpClientName = "StarStudio.Chat";

    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly HttpClient http;
    private readonly string? apiKey;
    private readonly OpenAiCompatibleChatClientOptions options;
    private readonly KeyValuePair<string, JsonElement>[] defaultParams;

    /// <param name="http">Not disposed here; its <see cref="HttpClient.Timeout"/> should be infinite.</param>
    /// <param name="baseUri">The provider's base URL, with or without <c>/v1</c>.</param>
    /// <param name="modelId">The provider's model id.</param>
    /// <param name="apiKey">The plain API key, or null for servers that need none.</param>
    public OpenAiCompatibleChatClient(HttpClient http, Uri baseUri, string modelId, string? apiKey, OpenAiCompatibleChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The chat endpoint needs an absolute http(s) URL, not '{baseUri}'.", nameof(baseUri));
        }

        this.http = http;
        this.apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
        this.options = options ?? new OpenAiCompatibleChatClientOptions();
        ModelId = modelId;
        Endpoint = EndpointFor(baseUri);
        defaultParams = ParseDefaults(this.options.DefaultParams);
        Metadata = new ChatClientMetadata(this.options.ProviderName, baseUri, modelId);
    }

    public string ModelId { get; }

    /// <summary>The URL requests go to.</summary>
    public Uri Endpoint { get; }

    public ChatClientMetadata Metadata { get; }

    /// <summary><c>{baseUrl}/v1/chat/completions</c>, accepting base URLs given with or without the <c>/v1</c>.</summary>
    public static Uri EndpointFor(Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var path = baseUri.AbsolutePath.TrimEnd('/');
        path += path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? "/chat/completions" : "/v1/chat/completions";
        return new UriBuilder(baseUri) { Path = path, Query = "", Fragment = "" }.Uri;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = BuildRequestBody(messages, options);
        await using var stream = new ResponseStream(this, cancellationToken);
        await stream.OpenAsync(body);
        while (await stream.NextAsync() is { } update)
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The HttpClient belongs to the factory.
    }

    /// <summary>The JSON request body: model, default parameters, options, messages, tools, <c>stream: true</c>.</summary>
    internal byte[] BuildRequestBody(IEnumerable<ChatMessage> messages, ChatOptions? chat)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, OpenAiMessageJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("model", string.IsNullOrWhiteSpace(chat?.ModelId) ? ModelId : chat.ModelId);

            var set = new HashSet<string>(StringComparer.Ordinal);
            if (chat?.Temperature is { } temperature)
            {
                w.WriteNumber("temperature", temperature);
                set.Add("temperature");
            }

            if (chat?.TopP is { } topP)
            {
                w.WriteNumber("top_p", topP);
                set.Add("top_p");
            }

            if (chat?.MaxOutputTokens is { } maxTokens)
            {
                w.WriteNumber("max_tokens", maxTokens);
                set.Add("max_tokens");
                set.Add("max_completion_tokens");
            }

            if (chat?.FrequencyPenalty is { } frequency)
            {
                w.WriteNumber("frequency_penalty", frequency);
                set.Add("frequency_penalty");
            }

            if (chat?.PresencePenalty is { } presence)
            {
                w.WriteNumber("presence_penalty", presence);
                set.Add("presence_penalty");
            }

            if (chat?.Seed is { } seed)
            {
                w.WriteNumber("seed", seed);
                set.Add("seed");
            }

            if (chat?.StopSequences is { Count: > 0 } stops)
            {
                w.WriteStartArray("stop");
                foreach (var stop in stops)
                {
                    w.WriteStringValue(stop);
                }

                w.WriteEndArray();
                set.Add("stop");
            }

            if (chat?.ResponseFormat is ChatResponseFormatJson json)
            {
                // OpenAI's structured output: json_schema with the schema when there is one, else json_object.
                w.WriteStartObject("response_format");
                if (json.Schema is { } schema)
                {
                    w.WriteString("type", "json_schema");
                    w.WriteStartObject("json_schema");
                    w.WriteString("name", string.IsNullOrWhiteSpace(json.SchemaName) ? "answer" : json.SchemaName);
                    if (!string.IsNullOrWhiteSpace(json.SchemaDescription))
                    {
                        w.WriteString("description", json.SchemaDescription);
                    }

                    w.WritePropertyName("schema");
                    schema.WriteTo(w);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString("type", "json_object");
                }

                w.WriteEndObject();
                set.Add("response_format");
            }

            foreach (var (key, value) in defaultParams)
            {
                if (!set.Contains(key))
                {
                    w.WritePropertyName(key);
                    value.WriteTo(w);
                }
            }

            w.WriteBoolean("stream", true);
            if (options.IncludeUsage)
            {
                w.WriteStartObject("stream_options");
                w.WriteBoolean("include_usage", true);
                w.WriteEndObject();
            }

            w.WriteStartArray("messages");
            foreach (var message in messages)
            {
                OpenAiMessageJson.Write(w, message);
            }

            w.WriteEndArray();

            var tools = chat?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
            if (tools.Count > 0 && chat?.ToolMode is not NoneChatToolMode)
            {
                w.WriteStartArray("tools");
                foreach (var tool in tools)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", tool.Name);
                    if (!string.IsNullOrEmpty(tool.Description))
                    {
                        w.WriteString("description", tool.Description);
                    }

                    w.WritePropertyName("parameters");
                    if (tool.JsonSchema.ValueKind == JsonValueKind.Object)
                    {
                        tool.JsonSchema.WriteTo(w);
                    }
                    else
                    {
                        w.WriteStartObject();
                        w.WriteString("type", "object");
                        w.WriteStartObject("properties");
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                if (chat?.ToolMode is RequiredChatToolMode required)
                {
                    if (required.RequiredFunctionName is { } name)
                    {
                        w.WriteStartObject("tool_choice");
                        w.WriteString("type", "function");
                        w.WriteStartObject("function");
                        w.WriteString("name", name);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    else
                    {
                        w.WriteString("tool_choice", "required");
                    }
                }
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static KeyValuePair<string, JsonElement>[] ParseDefaults(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            return doc.RootElement.EnumerateObject()
                .Where(p => !IsReserved(p.Name))
                .Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value.Clone()))
                .ToArray();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool IsReserved(string key) =>
        key is "model" or "messages" or "stream" or "stream_options" or "tools" or "tool_choice" or "n"
        || key.StartsWith("price_", StringComparison.Ordinal)
        || key.StartsWith('_');

    /// <summary>A short, printable excerpt of what a server sent, for error messages.</summary>
    internal static string Preview(string text, int max = 120)
    {
        var sb = new StringBuilder(Math.Min(text.Length, max) + 1);
        foreach (var c in text)
        {
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }

            sb.Append(char.IsControl(c) || c == '\uFFFD' ? '?' : c);
        }

        return sb.ToString().Trim();
    }

    /// <summary>One streaming response: sending, timeouts, SSE parsing, and translating failures.</summary>
    private sealed class ResponseStream(OpenAiCompatibleChatClient client, CancellationToken callerToken) : IAsyncDisposable
    {
        private readonly CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        private readonly Queue<ChatResponseUpdate> pending = new();
        private readonly SortedDictionary<int, ToolCallBuilder> toolCalls = new();
        private ObservedStream? observed;
        private IAsyncEnumerator<SseItem<string>>? events;
        private bool sawEvent;
        private readonly long started = Stopwatch.GetTimestamp();
        private HttpResponseMessage? response;
        private StreamReader? reader;
        private bool firstToken;
        private bool finished;
        private bool sawChunk;
        private bool sawFinish;
        private string? responseId;
        private string? modelId;

        private OpenAiCompatibleChatClientOptions Options => client.options;

        private TimeSpan Elapsed => Stopwatch.GetElapsedTime(started);

        public async Task OpenAsync(byte[] body)
        {
            timeout.CancelAfter(Min(Options.FirstTokenTimeout, Options.OverallTimeout));
            using var request = new HttpRequestMessage(HttpMethod.Post, client.Endpoint)
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Accept.Add(EventStream);
            if (client.apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.apiKey);
            }

            try
            {
                response = await client.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
            {
                throw TimeoutError(e);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                                     or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
            {
                throw new ChatProviderException(ChatProviderFailure.Connect,
                    $"Cannot reach the model provider '{Options.ProviderName}' at {client.Endpoint.GetLeftPart(UriPartial.Authority)}: {e.Message}", null, e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !callerToken.IsCancellationRequested)
            {
                throw new ChatProviderException(ChatProviderFailure.Stream,
                    $"The model provider '{Options.ProviderName}' dropped the connection before answering: {e.Message}", null, e);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await HttpErrorAsync(response);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var stream = await ReadAsync(() => response.Content.ReadAsStreamAsync(timeout.Token));
            if (mediaType is null || mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)
                || mediaType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
            {
                // The framing is the framework's SSE parser; the observer restarts the idle timer on any bytes (keep-alive
                // comments included, which the parser does not surface) and keeps the head for a readable "garbage" error.
                observed = new ObservedStream(stream, OnBytes);
                events = SseParser.Create(observed, static (_, data) => Encoding.UTF8.GetString(data)).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
            }
            else if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);
                // A server that ignored "stream": the whole completion at once.
                var whole = await ReadAsync(async () => await reader.ReadToEndAsync(timeout.Token));
                Dispatch(whole, nonStreaming: true);
                Finish();
            }
            else
            {
                reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);
                var head = await ReadAsync(async () =>
                {
                    var buffer = new char[200];
                    var n = await reader.ReadBlockAsync(buffer.AsMemory(), timeout.Token);
                    return new string(buffer, 0, n);
                });
                throw new ChatProviderException(ChatProviderFailure.Garbage,
                    $"The model provider '{Options.ProviderName}' answered with '{mediaType}' instead of an event stream: '{Preview(head)}'.");
            }
        }

        /// <summary>The next update, or null at the end of the answer.</summary>
        public async ValueTask<ChatResponseUpdate?> NextAsync()
        {
            while (true)
            {
                if (pending.TryDequeue(out var update))
                {
                    return update;
                }

                if (finished || events is null)
                {
                    return null;
                }

                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
                {
                    throw TimeoutError(e);
                }
                catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException && !callerToken.IsCancellationRequested)
                {
                    throw BrokenOff(e);
                }

                if (!more)
                {
                    if (!sawEvent && observed!.Head.Length > 0)
                    {
                        throw new ChatProviderException(ChatProviderFailure.Garbage,
                            $"The model provider '{Options.ProviderName}' sent something that is not an OpenAI-compatible event stream: '{Preview(observed.HeadText())}'.");
                    }

                    if (!finished)
                    {
                        EndOfStream();
                    }

                    continue;
                }

                sawEvent = true;
                DispatchEvent(events.Current.Data);
            }
        }

        /// <summary>Restarts the idle timer on any sign of life after the first token, within the overall limit.</summary>
        private void OnBytes()
        {
            if (firstToken && !finished)
            {
                timeout.CancelAfter(Min(Options.IdleTimeout, Options.OverallTimeout - Elapsed));
            }
        }

        /// <summary>
        /// One event's data. Some servers omit the blank line between events, so the parser joins their lines into one
        /// event; when every line of it is a whole JSON object or <c>[DONE]</c>, each line is an event of its own (a
        /// spec-conformant multi-line JSON payload never has that shape: its first line is not a whole object).
        /// </summary>
        private void DispatchEvent(string payload)
        {
            if (payload.Contains('\n'))
            {
                var lines = payload.Split('\n');
                if (lines.All(l => l.Trim() is "[DONE]" or "" || (l.TrimStart().StartsWith('{') && l.TrimEnd().EndsWith('}') && IsJson(l))))
                {
                    foreach (var line in lines)
                    {
                        if (!finished)
                        {
                            Dispatch(line, nonStreaming: false);
                        }
                    }

                    return;
                }
            }

            Dispatch(payload, nonStreaming: false);
        }

        private static bool IsJson(string text)
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private void Dispatch(string payload, bool nonStreaming)
        {
            var text = payload.Trim();
            if (text.Length == 0)
            {
                return;
            }

            if (text == "[DONE]")
            {
                Finish();
                return;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                throw new ChatProviderException(ChatProviderFailure.Garbage,
                    $"The model provider '{Options.ProviderName}' sent an event that is not JSON: '{Preview(text)}'.")
                { AfterFirstToken = firstToken };
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new ChatProviderException(ChatProviderFailure.Garbage,
                        $"The model provider '{Options.ProviderName}' sent an event that is not a JSON object: '{Preview(text)}'.")
                    { AfterFirstToken = firstToken };
                }

                if (root.TryGetProperty("error", out var error) && error.ValueKind is not JsonValueKind.Null)
                {
                    throw new ChatProviderException(ChatProviderFailure.Provider,
                        $"The model provider '{Options.ProviderName}' reported an error: {ErrorText(error)}")
                    { AfterFirstToken = firstToken };
                }

                if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    responseId ??= id.GetString();
                }

                if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
                {
                    modelId ??= model.GetString();
                }

                if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
                {
                    sawChunk = true;
                    foreach (var choice in choices.EnumerateArray())
                    {
                        if (choice.ValueKind != JsonValueKind.Object
                            || (choice.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number && index.GetInt32() != 0))
                        {
                            continue; // only the first choice is used (n = 1)
                        }

                        ProcessChoice(choice, nonStreaming);
                    }
                }

                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    sawChunk = true;
                    var details = new UsageDetails
                    {
                        InputTokenCount = Long(usage, "prompt_tokens"),
                        OutputTokenCount = Long(usage, "completion_tokens"),
                        TotalTokenCount = Long(usage, "total_tokens"),
                    };
                    pending.Enqueue(Update([new UsageContent(details)]));
                }
            }
        }

        private void ProcessChoice(JsonElement choice, bool nonStreaming)
        {
            var delta = choice.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object ? d
                : choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m
                : default;
            if (delta.ValueKind == JsonValueKind.Object)
            {
                foreach (var reasoningKey in (ReadOnlySpan<string>)["reasoning_content", "reasoning"])
                {
                    if (delta.TryGetProperty(reasoningKey, out var reasoning) && reasoning.ValueKind == JsonValueKind.String
                        && reasoning.GetString() is { Length: > 0 } thought)
                    {
                        MarkFirstToken();
                        pending.Enqueue(Update([new TextReasoningContent(thought)]));
                        break;
                    }
                }

                if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                    && content.GetString() is { Length: > 0 } text)
                {
                    MarkFirstToken();
                    pending.Enqueue(Update([new TextContent(text)]));
                }

                if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    var position = 0;
                    foreach (var call in calls.EnumerateArray())
                    {
                        AccumulateToolCall(call, nonStreaming ? position : null);
                        position++;
                    }
                }
            }

            if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
            {
                sawFinish = true;
                FlushToolCalls(new ChatFinishReason(finish.GetString()!));
            }
        }

        private void AccumulateToolCall(JsonElement call, int? position)
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : position ?? 0;
            if (!toolCalls.TryGetValue(index, out var builder))
            {
                builder = new ToolCallBuilder();
                toolCalls[index] = builder;
            }

            if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } callId)
            {
                builder.Id = callId;
            }

            if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n)
                {
                    builder.Name.Append(n);
                    MarkFirstToken();
                }

                if (function.TryGetProperty("arguments", out var args))
                {
                    if (args.ValueKind == JsonValueKind.String)
                    {
                        builder.Arguments.Append(args.GetString());
                    }
                    else if (args.ValueKind == JsonValueKind.Object)
                    {
                        builder.Arguments.Append(args.GetRawText()); // some servers send an object
                    }

                    MarkFirstToken();
                }
            }
        }

        private void FlushToolCalls(ChatFinishReason? reason)
        {
            var contents = new List<AIContent>(toolCalls.Count);
            foreach (var (index, builder) in toolCalls)
            {
                var raw = builder.Arguments.Length == 0 ? "{}" : builder.Arguments.ToString();
                Dictionary<string, object?>? arguments = null;
                Exception? problem = null;
                try
                {
                    using var doc = JsonDocument.Parse(raw);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        arguments = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
                    }
                }
                catch (JsonException e)
                {
                    problem = e;
                }

                contents.Add(new FunctionCallContent(builder.Id ?? $"call_{index}", builder.Name.ToString(), arguments)
                {
                    RawRepresentation = raw,
                    Exception = problem,
                });
            }

            toolCalls.Clear();
            if (contents.Count > 0 || reason is not null)
            {
                var update = Update(contents);
                update.FinishReason = reason;
                pending.Enqueue(update);
            }
        }

        private void Finish()
        {
            if (toolCalls.Count > 0)
            {
                FlushToolCalls(ChatFinishReason.ToolCalls);
            }

            finished = true;
        }

        private void EndOfStream()
        {
            if (!sawChunk)
            {
                throw new ChatProviderException(ChatProviderFailure.Garbage,
                    $"The model provider '{Options.ProviderName}' closed the stream without sending an answer.");
            }

            if (!sawFinish)
            {
                throw new ChatProviderException(ChatProviderFailure.Stream,
                    $"The model provider '{Options.ProviderName}' ended the stream before the answer was complete.")
                { AfterFirstToken = firstToken };
            }

            Finish();
        }

        private void MarkFirstToken()
        {
            if (!firstToken)
            {
                firstToken = true;
                timeout.CancelAfter(Min(Options.IdleTimeout, Options.OverallTimeout - Elapsed));
            }
        }

        private ChatResponseUpdate Update(IList<AIContent> contents) => new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = modelId ?? client.ModelId,
        };

        /// <summary>Runs a read, translating cancellation, timeouts and broken connections.</summary>
        private async Task<T> ReadAsync<T>(Func<Task<T>> read)
        {
            try
            {
                return await read();
            }
            catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
            {
                throw TimeoutError(e);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException && !callerToken.IsCancellationRequested)
            {
                throw BrokenOff(e);
            }
        }

        private ChatProviderException BrokenOff(Exception e) =>
            new(ChatProviderFailure.Stream, $"The connection to the model provider '{Options.ProviderName}' broke off: {e.Message}", null, e)
            {
                AfterFirstToken = firstToken,
            };

        private ChatProviderException TimeoutError(Exception inner)
        {
            var elapsed = Elapsed;
            string message;
            if (elapsed >= Options.OverallTimeout - TimeSpan.FromMilliseconds(50))
            {
                message = $"The model provider '{Options.ProviderName}' did not finish the answer within {Seconds(Options.OverallTimeout)}.";
            }
            else if (!firstToken)
            {
                message = $"The model provider '{Options.ProviderName}' sent no first token within {Seconds(Options.FirstTokenTimeout)}.";
            }
            else
            {
                message = $"The model provider '{Options.ProviderName}' stopped sending for {Seconds(Options.IdleTimeout)} in the middle of the answer.";
            }

            return new ChatProviderException(ChatProviderFailure.Timeout, message, null, inner) { AfterFirstToken = firstToken };
        }

        private async Task<ChatProviderException> HttpErrorAsync(HttpResponseMessage failed)
        {
            var status = (int)failed.StatusCode;
            string detail;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                cts.CancelAfter(TimeSpan.FromSeconds(5));
                await using var body = await failed.Content.ReadAsStreamAsync(cts.Token);
                var buffer = new byte[4096];
                var total = 0;
                int n;
                while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), cts.Token)) > 0)
                {
                    total += n;
                }

                detail = ErrorDetail(Encoding.UTF8.GetString(buffer, 0, total));
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException && !callerToken.IsCancellationRequested)
            {
                detail = "";
            }

            var reason = string.IsNullOrEmpty(failed.ReasonPhrase) ? "" : $" {failed.ReasonPhrase}";
            var message = $"The model provider '{Options.ProviderName}' answered HTTP {status}{reason}"
                + (detail.Length > 0 ? $": {detail}" : ".");
            return new ChatProviderException(ChatProviderFailure.Http, message, status);
        }

        private static string ErrorDetail(string body)
        {
            var text = body.Trim();
            if (text.Length == 0)
            {
                return "";
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    foreach (var key in (ReadOnlySpan<string>)["error", "message", "detail"])
                    {
                        if (root.TryGetProperty(key, out var value))
                        {
                            return Preview(ErrorText(value), 300);
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // not JSON: the text itself
            }

            return Preview(text, 300);
        }

        private static string ErrorText(JsonElement error) => error.ValueKind switch
        {
            JsonValueKind.String => error.GetString() ?? "",
            JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString() ?? "",
            _ => Preview(error.GetRawText(), 300),
        };

        private static long? Long(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

        private static TimeSpan Min(TimeSpan a, TimeSpan b)
        {
            var min = a < b ? a : b;
            return min > TimeSpan.Zero ? min : TimeSpan.FromMilliseconds(1);
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

        public async ValueTask DisposeAsync()
        {
            if (events is not null)
            {
                await events.DisposeAsync();
            }

            reader?.Dispose();
            response?.Dispose();
            timeout.Dispose();
            await Task.CompletedTask;
        }

        private sealed class ToolCallBuilder
        {
            public string? Id { get; set; }
            public StringBuilder Name { get; } = new();
            public StringBuilder Arguments { get; } = new();
        }
    }
}

/// <summary>
/// A read-only view of a response stream that reports every read that returned bytes and keeps the first ones. At the end
/// it adds one blank line: an event stream cut off without its final blank line still delivers its last event (the SSE
/// specification would drop it; servers that never send blank lines would then lose everything).
/// </summary>
internal sealed class ObservedStream(Stream inner, Action onBytes) : Stream
{
    private const int HeadCapacity = 256;
    private readonly byte[] head = new byte[HeadCapacity];
    private int headLength;
    private bool ended;

    /// <summary>The first bytes read (up to 256), for an error message that shows what arrived.</summary>
    public ReadOnlySpan<byte> Head => head.AsSpan(0, headLength);

    public string HeadText() => Encoding.UTF8.GetString(Head);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (ended || buffer.IsEmpty)
        {
            return 0;
        }

        var n = await inner.ReadAsync(buffer, cancellationToken);
        if (n == 0)
        {
            return End(buffer.Span);
        }

        Observe(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (ended || count == 0)
        {
            return 0;
        }

        var n = inner.Read(buffer, offset, count);
        if (n == 0)
        {
            return End(buffer.AsSpan(offset, count));
        }

        Observe(buffer.AsSpan(offset, n));
        return n;
    }

    private int End(Span<byte> buffer)
    {
        ended = true;
        buffer[0] = (byte)'\n';
        if (buffer.Length < 2)
        {
            return 1; // one newline still ends an unterminated data line; the parser then sees the end
        }

        buffer[1] = (byte)'\n';
        return 2;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            return;
        }

        if (headLength < HeadCapacity)
        {
            var take = Math.Min(read.Length, HeadCapacity - headLength);
            read[..take].CopyTo(head.AsSpan(headLength));
            headLength += take;
        }

        onBytes();
    }
}
