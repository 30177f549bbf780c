using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace StarStudio.Bench.Circuits;

/// <summary>
/// One browser tab as the server sees it, without a browser: GETs the prerendered page with the user's cookie, opens
/// <c>/_blazor</c> (negotiate, WebSocket, the blazorpack hub protocol), starts the circuit as blazor.web.js does
/// (<c>StartCircuit</c> with no initial components, then <c>UpdateRootComponents</c> with the page's prerender markers
/// and its persisted state), acknowledges every render batch (<c>OnRenderCompleted</c>), answers every JS call
/// (<c>EndInvokeJSFromDotNet</c>: null, or a JS object reference for an <c>import</c>) and dispatches UI events through
/// the renderer's interop object (<c>DispatchEventAsync</c>), as the browser's event delegation does.
/// </summary>
internal sealed partial class CircuitClient : IAsyncDisposable
{
    /// <summary>Every JS function the server called, over all circuits of a run, with how often.</summary>
    public static ConcurrentDictionary<string, int> JsCalls { get; } = new();

    /// <summary>Errors the server reported (<c>JS.Error</c>) or connections it closed, over all circuits of a run.</summary>
    public static ConcurrentQueue<string> ServerErrors { get; } = new();

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
    {
        Timeout = TimeSpan.FromSeconds(120),
    };

    private readonly string baseUrl;
    private readonly string cookie;
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private HubConnection? connection;
    private long interopObjectId = -1;
    private int nextJsObjectId;
    private int nextCallId;
    private bool closing;
    private TaskCompletionSource<Batch>? nextBatch;
    private Func<Batch, bool>? waitingFor;
    private TaskCompletionSource<Batch>? waitingTask;

    public CircuitClient(string baseUrl, string cookie)
    {
        this.baseUrl = baseUrl;
        this.cookie = cookie;
    }

    /// <summary>The circuit's secret ID (what blazor.web.js sends to <c>/_blazor/disconnect</c> when the tab closes).</summary>
    public string? CircuitId { get; private set; }

    /// <summary>What a 1280×900 desktop browser answers to the calls whose callers need a value (null for every other call).</summary>
    private static readonly Dictionary<string, string> Answers = new()
    {
        ["mudResizeListener.getBrowserWindowSize"] = "{\"height\":900,\"width\":1280}",
        ["mudElementRef.getBoundingClientRect"] = "{\"top\":0,\"left\":0,\"width\":1280,\"height\":900,\"windowHeight\":900,\"windowWidth\":1280,\"scrollX\":0,\"scrollY\":0}",
        ["mudpopoverHelper.countProviders"] = "1",
    };

    private static readonly bool Debug = Environment.GetEnvironmentVariable("CIRCUITS_DEBUG") == "1";

    /// <summary>When set, every render batch is read for elements (needed only to click and type).</summary>
    public bool TrackElements { get; init; }

    /// <summary>Called with every render batch, after it is acknowledged (on the connection's receive loop: keep it short).</summary>
    public Action<Batch>? Observer { get; set; }

    private readonly Dictionary<string, int> componentOf = [];
    private readonly Dictionary<(int ComponentId, string Event), ulong> handlersByComponent = [];
    // An element's own handlers, by its test ID (or #id): a component that renders several elements with the same event
    // (the chat page's buttons are markup in one component) has one entry per element here.
    private readonly Dictionary<(string Key, string Event), ulong> handlersByKey = [];
    private readonly Dictionary<(int ComponentId, string Event), HashSet<string>> keysByComponentEvent = [];

    /// <summary>The prerendered page as a GET returns it (sign-in redirects are errors here).</summary>
    public static async Task<string> GetPageAsync(string baseUrl, string path, string cookie, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + path);
        if (cookie.Length > 0)
        {
            request.Headers.Add("Cookie", cookie);
        }

        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        using var response = await Http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>GET the page, open the hub, start the circuit and wait for the root components' first render.</summary>
    public async Task OpenAsync(string path, CancellationToken ct)
    {
        var html = await GetPageAsync(baseUrl, path, cookie, ct);
        var operations = new JsonArray();
        var unique = 0;
        foreach (Match marker in MarkerRegex().Matches(html))
        {
            var node = JsonNode.Parse(marker.Groups["json"].Value)!.AsObject();
            if (node["descriptor"] is null)
            {
                continue; // an end marker
            }

            node["uniqueId"] = unique;
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = unique + 1, ["marker"] = node });
            unique++;
        }

        if (unique == 0)
        {
            throw new InvalidOperationException($"GET {path}: no interactive component markers in the page.");
        }

        var state = StateRegex().Match(html) is { Success: true } m ? m.Groups["state"].Value : "";
        var builder = new HubConnectionBuilder()
            .WithUrl(baseUrl + "/_blazor", options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                if (cookie.Length > 0)
                {
                    options.Headers["Cookie"] = cookie;
                }
            });
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
        connection = builder.Build();
        // Idle circuits stay open as long as the run holds them (the server pings every 15 s; the client answers).
        connection.ServerTimeout = TimeSpan.FromMinutes(10);
        connection.On("JS.RenderBatch", [typeof(long), typeof(byte[])], (a, _) => OnRenderBatchAsync(a), this);
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], (a, _) => OnBeginInvokeJsAsync(a), this);
        connection.On("JS.EndInvokeDotNet", [typeof(string), typeof(bool), typeof(string)], (_, _) => Task.CompletedTask, this);
        connection.On("JS.EndUpdateRootComponents", [typeof(long)], (_, _) =>
        {
            started.TrySetResult();
            return Task.CompletedTask;
        }, this);
        connection.On("JS.Error", [typeof(string)], (args, _) =>
        {
            ServerErrors.Enqueue("JS.Error: " + args[0]);
            started.TrySetException(new InvalidOperationException("JS.Error: " + args[0]));
            return Task.CompletedTask;
        }, this);
        connection.Closed += e =>
        {
            if (!closing)
            {
                ServerErrors.Enqueue("connection closed by the server: " + e?.Message);
                started.TrySetException(new InvalidOperationException("connection closed: " + e?.Message));
            }

            return Task.CompletedTask;
        };

        await connection.StartAsync(ct);
        CircuitId = await connection.InvokeAsync<string?>("StartCircuit", baseUrl + "/", baseUrl + path, "[]", "", ct)
            ?? throw new InvalidOperationException("StartCircuit returned no circuit.");
        // One batch of operations, as WebRootComponentManager sends it.
        var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
        await connection.SendAsync("UpdateRootComponents", batch.ToJsonString(), state, ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(120), ct);
    }

    /// <summary>
    /// Dispatches a UI event to <paramref name="handlerId"/> (as the browser's event delegation does) and returns the time
    /// until the next render batch arrives (what the user sees change). <paramref name="eventArgsJson"/> is the event's
    /// arguments as blazor.web.js serializes them; <paramref name="eventFieldInfo"/> is what it adds for the events of a
    /// form field (<c>input</c>, <c>change</c>): the field's component and its new value, so the server's copy of the
    /// field's <c>value</c> attribute matches the browser's without a re-render.
    /// </summary>
    public async Task<TimeSpan> DispatchAsync(ulong handlerId, string eventName, string eventArgsJson, CancellationToken ct, FieldInfo? eventFieldInfo = null, TimeSpan? timeout = null)
    {
        var batch = new TaskCompletionSource<Batch>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            nextBatch = batch;
        }

        var watch = Stopwatch.StartNew();
        await SendEventAsync(handlerId, eventName, eventArgsJson, eventFieldInfo, ct);
        await batch.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60), ct);
        return watch.Elapsed;
    }

    /// <summary>Dispatches a UI event without waiting for a render (a browser does not wait either: a blur, a change before a click).</summary>
    public Task SendEventAsync(ulong handlerId, string eventName, string eventArgsJson, FieldInfo? eventFieldInfo, CancellationToken ct)
    {
        if (interopObjectId < 0)
        {
            throw new InvalidOperationException("The renderer's interop object has not been attached.");
        }

        var callId = Interlocked.Increment(ref nextCallId).ToString();
        var fieldInfo = eventFieldInfo is { } f
            ? new JsonObject { ["componentId"] = f.ComponentId, ["fieldValue"] = f.Value }.ToJsonString()
            : "null";
        var args = $"[{{\"eventHandlerId\":{handlerId},\"eventName\":\"{eventName}\",\"eventFieldInfo\":{fieldInfo}}},{eventArgsJson}]";
        return connection!.SendAsync("BeginInvokeDotNetFromJS", callId, null, "DispatchEventAsync", interopObjectId, args, ct);
    }

    /// <summary>The component that rendered the element with <paramref name="testId"/> (or "#id", or "textarea").</summary>
    public int ComponentOf(string testId)
    {
        lock (gate)
        {
            return componentOf.TryGetValue(testId, out var component) ? component : throw new InvalidOperationException($"'{testId}' has not been rendered.");
        }
    }

    /// <summary>Waits for the first render batch (from now on) that <paramref name="match"/> accepts.</summary>
    public Task<Batch> WaitForBatchAsync(Func<Batch, bool> match)
    {
        var task = new TaskCompletionSource<Batch>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            waitingFor = match;
            waitingTask = task;
        }

        return task.Task;
    }

    /// <summary>
    /// The current ID of the <paramref name="eventName"/> handler of the element with <paramref name="testId"/> (or "#id" for
    /// an element with that id and no test ID, or "textarea" for the last textarea with neither).
    /// </summary>
    public ulong Handler(string testId, string eventName) =>
        TryHandler(testId, eventName) ?? throw new InvalidOperationException($"No {eventName} handler for '{testId}' has been rendered.");

    /// <summary>The handler ID of <paramref name="eventName"/> on <paramref name="testId"/>, or null when it has none.</summary>
    public ulong? TryHandler(string testId, string eventName)
    {
        lock (gate)
        {
            return handlersByKey.TryGetValue((testId, eventName), out var own) ? own
                : componentOf.TryGetValue(testId, out var component) && handlersByComponent.TryGetValue((component, eventName), out var id) ? id : null;
        }
    }

    /// <summary>Whether an element with <paramref name="testId"/> and an event handler has been rendered.</summary>
    public bool Rendered(string testId)
    {
        lock (gate)
        {
            return componentOf.ContainsKey(testId);
        }
    }

    private Task OnRenderBatchAsync(object?[] args)
    {
        var id = (long)args[0]!;
        var data = (byte[])args[1]!;
        var batch = new Batch(id, DateTime.UtcNow, [], []) { Size = data.Length };
        if (TrackElements)
        {
            var reader = new RenderBatchReader(data);
            var (elements, handlerEdits, texts) = reader.Frames();
            batch = batch with { Elements = elements, Texts = texts };
            if (Debug)
            {
                Console.WriteLine($"batch {id}: {data.Length} B, testids [{string.Join(' ', elements.Select(e => e.Attributes.GetValueOrDefault("data-testid") is { } t ? $"{t}@c{e.ComponentId}(" + string.Join('/', e.Handlers.Select(h => h.Key + "=" + h.Value)) + ")" : null).Where(t => t is not null))}], " +
                                  $"handler edits [{string.Join(' ', handlerEdits.Select(h => $"c{h.ComponentId}.{h.Name}={h.Handler}"))}], texts [{string.Join(" | ", texts.Take(8))}]");
            }

            lock (gate)
            {
                foreach (var element in elements)
                {
                    foreach (var (name, handler) in element.Handlers)
                    {
                        handlersByComponent[(element.ComponentId, name)] = handler;
                    }

                    var key = element.Attributes.GetValueOrDefault("data-testid")
                              ?? (element.Attributes.GetValueOrDefault("id") is { Length: > 0 } elementId ? "#" + elementId : null)
                              ?? (element.Name == "textarea" ? "textarea" : null);
                    if (key is not null && element.Handlers.Count > 0)
                    {
                        componentOf[key] = element.ComponentId;
                        foreach (var (name, handler) in element.Handlers)
                        {
                            handlersByKey[(key, name)] = handler;
                            if (!keysByComponentEvent.TryGetValue((element.ComponentId, name), out var keys))
                            {
                                keysByComponentEvent[(element.ComponentId, name)] = keys = [];
                            }

                            keys.Add(key);
                        }
                    }
                }

                // A re-render gives an element's handlers new IDs through SetAttribute edits of its component, without
                // saying which element (that would take the whole tree). An edit is applied to an element only when it is
                // the component's one tracked element with that event; a handler that is a method (not a new closure per
                // render) keeps its ID, so the markup buttons of one component keep theirs.
                foreach (var (componentId, name, handler) in handlerEdits)
                {
                    handlersByComponent[(componentId, name)] = handler;
                    if (keysByComponentEvent.TryGetValue((componentId, name), out var keys) && keys.Count == 1)
                    {
                        handlersByKey[(keys.First(), name)] = handler;
                    }
                }
            }
        }

        // Acknowledge first, as blazor.web.js does after applying the batch: the server sends no more than a few unacknowledged.
        _ = connection!.SendAsync("OnRenderCompleted", id, null);
        TaskCompletionSource<Batch>? next, waiting = null;
        lock (gate)
        {
            next = nextBatch;
            nextBatch = null;
            if (waitingFor is not null && waitingFor(batch))
            {
                waiting = waitingTask;
                waitingFor = null;
                waitingTask = null;
            }
        }

        next?.TrySetResult(batch);
        waiting?.TrySetResult(batch);
        Observer?.Invoke(batch);
        return Task.CompletedTask;
    }

    private Task OnBeginInvokeJsAsync(object?[] args)
    {
        var handle = (long)args[0]!;
        var identifier = (string)args[1]!;
        var argsJson = (string?)args[2];
        var resultType = (int)args[3]!;
        JsCalls.AddOrUpdate(identifier, 1, (_, n) => n + 1);
        if (identifier == "Blazor._internal.attachWebRendererInterop" && argsJson is not null)
        {
            // [rendererId, {"__dotNetObject": id}, …]: the object the browser dispatches events through.
            using var doc = JsonDocument.Parse(argsJson);
            interopObjectId = doc.RootElement[1].GetProperty("__dotNetObject").GetInt64();
        }

        if (handle == 0)
        {
            return Task.CompletedTask; // fire and forget
        }

        // resultType 1 = a JS object reference (an import): hand out a fresh ID the server may call into and dispose.
        var result = resultType == 1 ? $"{{\"__jsObjectId\":{Interlocked.Increment(ref nextJsObjectId)}}}" : Answers.GetValueOrDefault(identifier, "null");
        _ = connection!.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,{result}]");
        return Task.CompletedTask;
    }

    /// <summary>Closes the tab: tells the server (as blazor.web.js does with sendBeacon on unload) and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        closing = true;
        if (CircuitId is not null)
        {
            try
            {
                using var content = new FormUrlEncodedContent([new("circuitId", CircuitId)]);
                using var _ = await Http.PostAsync(baseUrl + "/_blazor/disconnect", content);
            }
            catch (HttpRequestException)
            {
                // The socket close below still ends the circuit (after the disconnected-circuit retention period).
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex MarkerRegex();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)-->")]
    private static partial Regex StateRegex();
}

/// <summary>What blazor.web.js sends as <c>eventFieldInfo</c> with a form field's event: the field's component and new value.</summary>
internal sealed record FieldInfo(int ComponentId, string Value);

/// <summary>A render batch as the client saw it: when it arrived and, when tracked, its elements and texts.</summary>
internal sealed record Batch(long Id, DateTime At, List<BatchElement> Elements, List<string> Texts)
{
    /// <summary>The batch's size on the wire (the render batch's bytes, without the hub framing).</summary>
    public int Size { get; init; }

    public bool Has(string testId) => Elements.Any(e => e.Attributes.GetValueOrDefault("data-testid") == testId);
}
