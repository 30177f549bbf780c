using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Tests.Integration.Knowledge.Retrieval;
using StarStudio.Tests.TestData;
using StarStudio.Tests.Unit.Chat.Engine;

namespace StarStudio.Tests.Integration.Chat.Engine;

/// <summary>
/// The chat engine with the model registry in real PostgreSQL (as the app role, RLS applies), a scripted
/// OpenAI-compatible server on loopback, and a scripted retriever (or the real one).
/// </summary>
public sealed class StarChatEngineTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly ServiceProvider services = BuildServices();
    private readonly EphemeralDataProtectionProvider protection = new();
    private ScriptedOpenAiServer server = null!;
    private UserContext user = null!;

    private static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient();
        return services.BuildServiceProvider();
    }

    public async Task InitializeAsync()
    {
        server = await ScriptedOpenAiServer.StartAsync();
        user = await pg.CreateUserAsync();
        await SetConfigAsync(null, null);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await services.DisposeAsync();
    }

    /// <summary>A retriever that answers from a function and records the queries.</summary>
    private sealed class ScriptedRetriever(Func<RetrievalQuery, IReadOnlyList<RetrievedPassage>> answer) : IKnowledgeRetriever
    {
        public List<RetrievalQuery> Queries { get; } = [];

        public Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken ct = default)
        {
            Queries.Add(query);
            return Task.FromResult(new RetrievalResult(answer(query), QueryAnalysis.Empty));
        }
    }

    private static readonly RetrievedPassage Paper = ChatTestData.Passage(ChatTestData.PaperText, "古籍修复手册.pdf", 12, 0.9);
    private static readonly RetrievedPassage Paste = ChatTestData.Passage(ChatTestData.PasteText, "浆糊.md", null, 0.5);
    private static readonly RetrievedPassage Tissue = ChatTestData.Passage(ChatTestData.TissueText, "Conservation Handbook.pdf", 4, 0.4);

    private static ScriptedRetriever Knowledge() => new(q => q.Question.Contains("浆糊") ? [Paste] : [Paper, Tissue]);

    /// <summary>A marketplace-style source: one HTTP skill on the scripted server.</summary>
    private sealed class SkillSource(IChatTool skill) : IChatToolSource
    {
        public ValueTask<IReadOnlyList<IChatTool>> GetToolsAsync(ChatRequest request, CancellationToken ct) => ValueTask.FromResult<IReadOnlyList<IChatTool>>([skill]);
    }

    /// <summary>A tool that answers with far too much text.</summary>
    private sealed class FloodTool : IChatTool
    {
        public string Name => "flood";
        public string Description => "Returns a lot.";
        public JsonElement ParametersSchema { get; } = JsonDocument.Parse("{\"type\":\"object\"}").RootElement.Clone();

        public Task<ChatToolResult> InvokeAsync(JsonElement arguments, ChatToolContext context, CancellationToken ct) =>
            Task.FromResult(new ChatToolResult(string.Join(' ', Enumerable.Repeat("flood", 20_000))));
    }

    private StarChatEngine Engine(IKnowledgeRetriever retriever, ChatEngineOptions? options = null, params IChatToolSource[] extraSources)
    {
        options ??= new ChatEngineOptions();
        options.ConfigCacheDuration = TimeSpan.Zero;
        var o = Options.Create(options);
        return new StarChatEngine(
            pg.Db(user),
            retriever,
            new ChatModelResolver(protection, o),
            new ChatModelClientFactory(services.GetRequiredService<IHttpClientFactory>(), o),
            [new BuiltInChatToolSource(retriever, o), .. extraSources],
            Cl100kTokenCounter.Instance,
            o);
    }

    private static ChatRequest Request(string message, StarPersona? star = null, IReadOnlyList<ChatTurn>? history = null) =>
        new(star ?? ChatTestData.Star(), history ?? [], message, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

    private static async Task<(List<ChatEvent> Events, ChatOutcome Outcome)> RunAsync(IStarChatEngine engine, ChatRequest request, CancellationToken ct = default)
    {
        var events = new List<ChatEvent>();
        await foreach (var e in engine.StreamAsync(request, ct))
        {
            events.Add(e);
        }

        var completed = Assert.IsType<ChatCompleted>(events[^1]);
        Assert.Single(events.OfType<ChatCompleted>());
        return (events, completed.Outcome);
    }

    private static string Text(IEnumerable<ChatEvent> events) => string.Concat(events.OfType<ChatDelta>().Select(d => d.Text));

    private static List<string> Kinds(ChatOutcome outcome) => outcome.Steps.Select(s => s.Kind).ToList();

    /// <summary>Registers a provider on the scripted server and a model of it; returns the model id.</summary>
    private async Task<Guid> AddModelAsync(string modelId, string defaultParams = "{}", bool active = true, string? protectedKey = null, int context = 8192)
    {
        await using var db = pg.OwnerContext();
        var provider = new LlmProvider
        {
            Id = Guid.NewGuid(),
            Name = "scripted-" + modelId + "-" + Guid.NewGuid().ToString("N")[..6],
            BaseUrl = server.BaseUri.ToString(),
            ApiKeyProtected = protectedKey ?? protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.ProviderApiKey).Protect("sk-" + modelId),
            IsActive = true,
        };
        var model = new ChatModel
        {
            Id = Guid.NewGuid(),
            ProviderId = provider.Id,
            ModelId = modelId,
            DisplayName = modelId,
            IsActive = active,
            MaxContextTokens = context,
            DefaultParams = defaultParams,
        };
        db.LlmProviders.Add(provider);
        db.ChatModels.Add(model);
        await db.SaveChangesAsync();
        return model.Id;
    }

    private async Task SetConfigAsync(Guid? primary, Guid? fallback)
    {
        await using var db = pg.OwnerContext();
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.DefaultModel)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, primary is null ? "null" : $"\"{primary}\""));
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.FallbackModel)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, fallback is null ? "null" : $"\"{fallback}\""));
    }

    [Fact]
    public async Task StreamAsync_NoModelConfigured_OfflineAnswerStreamsCitesPassagesAndSaysOffline()
    {
        var retriever = Knowledge();

        var (events, outcome) = await RunAsync(Engine(retriever), Request("修补宋元古籍应该选用什么补纸？"));

        Assert.True(events.OfType<ChatDelta>().Count() > 10);
        Assert.Equal(Text(events), outcome.Content);
        Assert.StartsWith("（离线引擎）我是墨香", outcome.Content);
        Assert.True(outcome.Success);
        Assert.Equal((OfflineEngine.Provider, OfflineEngine.Model), (outcome.Provider, outcome.Model));
        Assert.Equal([1, 2], outcome.Citations.Select(c => c.Number));
        Assert.Equal([Paper.Citation.ChunkId, Tissue.Citation.ChunkId], outcome.Citations.Select(c => c.ChunkId));
        Assert.Equal("古籍修复手册.pdf", outcome.Citations[0].SourceName);
        Assert.Equal(12, outcome.Citations[0].Page);
        Assert.Equal([TraceStepKinds.UserMessage, TraceStepKinds.Retrieval, TraceStepKinds.ModelCall], Kinds(outcome));
        Assert.Equal(0m, outcome.Cost);
        Assert.NotNull(outcome.FirstTokenMs);
        Assert.True(outcome.TokensIn > 0 && outcome.TokensOut > 0);
        Assert.Contains(ChatTestData.PaperText, outcome.PromptJson);
        Assert.Equal(8, Assert.Single(retriever.Queries).TopK); // system_configs.rag_default_top_k
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task StreamAsync_OfflineWithTheRealRetriever_CitesTheMatchingChunk()
    {
        var owner = await pg.CreateUserAsync();
        var starId = await RetrievalCorpus.CreateStarAsync(pg, owner);
        var corpus = await RetrievalCorpus.IndexAsync(pg, starId);
        user = owner;
        var retriever = new KnowledgeRetriever(pg.Db(owner), new EmbeddingModelResolver(services.GetRequiredService<IHttpClientFactory>(), protection));
        var star = ChatTestData.Star() with { StarId = starId };

        var (_, outcome) = await RunAsync(Engine(retriever), Request("修补宋元古籍应该选用什么补纸？", star));

        Assert.True(outcome.Success);
        Assert.Contains("（离线引擎）", outcome.Content);
        Assert.Contains(outcome.Citations, c => c.ChunkId == corpus.ChunkIds["paper-types"]);
        Assert.Contains("皮纸", outcome.Content);
    }

    [Fact]
    public async Task StreamAsync_RetrievalFails_AnswersAnywayAndRecordsTheFailedStep()
    {
        var retriever = new ScriptedRetriever(_ => throw new InvalidOperationException("index offline"));

        var (_, outcome) = await RunAsync(Engine(retriever), Request("How do I bake bread?", ChatTestData.Star("Quill")));

        Assert.True(outcome.Success);
        Assert.Contains("My knowledge has nothing on", outcome.Content);
        var retrieval = outcome.Steps.Single(s => s.Kind == TraceStepKinds.Retrieval);
        Assert.False(retrieval.Success);
        Assert.Contains("index offline", retrieval.Error);
        Assert.Empty(outcome.Citations);
    }

    [Fact]
    public async Task StreamAsync_PrimaryAnswers_StreamsWithUsageCostPromptAndTrace()
    {
        var id = await AddModelAsync("qwen-primary", """{"temperature":0.5,"price_in_per_1k":0.002,"price_out_per_1k":0.006}""");
        await SetConfigAsync(id, null);
        server.Enqueue("qwen-primary", ChatScript.Text("用皮纸", "，见 [1]。") with { Usage = (1000, 20) });
        var history = new List<ChatTurn> { new(ChatTurn.User, "你好"), new(ChatTurn.Assistant, "你好，我是墨香。") };

        var (events, outcome) = await RunAsync(Engine(Knowledge()), Request("修补宋元古籍用什么纸？", history: history));

        Assert.Equal(["用皮纸", "，见 [1]。"], events.OfType<ChatDelta>().Select(d => d.Text));
        Assert.True(outcome.Success);
        Assert.Null(outcome.ErrorPhase);
        Assert.Equal("qwen-primary", outcome.Model);
        Assert.StartsWith("scripted-qwen-primary", outcome.Provider);
        Assert.Equal((1000, 20), (outcome.TokensIn, outcome.TokensOut));
        Assert.Equal(0.002m + 0.00012m, outcome.Cost);
        Assert.Equal([1], outcome.Citations.Select(c => c.Number));
        Assert.Equal([TraceStepKinds.UserMessage, TraceStepKinds.Retrieval, TraceStepKinds.ModelCall], Kinds(outcome));
        var call = outcome.Steps[2];
        Assert.Equal("qwen-primary", call.Name);
        Assert.Equal((1000, 20, true), (call.TokensIn, call.TokensOut, call.Success));

        var request = Assert.Single(server.Requests);
        Assert.Equal("qwen-primary", request.Model);
        Assert.Equal("Bearer sk-qwen-primary", request.Authorization);
        Assert.Equal(0.5, request.Json.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(["search_knowledge"], request.ToolNames);
        Assert.Equal(["system", "user", "assistant", "user"], request.Messages.Select(m => m.Role));
        Assert.Contains("Persona: 一位从事古籍修复三十年的老师傅", request.Messages[0].Content);
        Assert.Contains("[1] (source: 古籍修复手册.pdf, page 12", request.Messages[0].Content);
        Assert.Equal("修补宋元古籍用什么纸？", request.Messages[^1].Content);
        using var prompt = JsonDocument.Parse(outcome.PromptJson);
        Assert.Equal(request.Messages[0].Content, prompt.RootElement[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task StreamAsync_NoUsageReported_CountsTokensWithCl100k()
    {
        var id = await AddModelAsync("no-usage");
        await SetConfigAsync(id, null);
        server.Enqueue("no-usage", ChatScript.Text("Hello there, friend.") with { Usage = null });

        var (_, outcome) = await RunAsync(Engine(Knowledge()), Request("hi"));

        Assert.True(outcome.Success);
        Assert.Equal(Cl100kTokenCounter.Instance.Count("Hello there, friend."), outcome.TokensOut);
        Assert.True(outcome.TokensIn > 50, $"{outcome.TokensIn}");
    }

    [Fact]
    public async Task StreamAsync_Primary500_FallsBackWithAFallbackStepAndAnswersFromTheFallback()
    {
        var primary = await AddModelAsync("primary-500");
        var fallback = await AddModelAsync("fallback-ok");
        await SetConfigAsync(primary, fallback);
        server.Enqueue("primary-500", ChatScript.Http(500, """{"error":{"message":"model crashed"}}"""));
        server.Enqueue("fallback-ok", ChatScript.Text("Answer from the fallback [2]."));

        var (events, outcome) = await RunAsync(Engine(Knowledge()), Request("How are tears mended?"));

        Assert.True(outcome.Success);
        Assert.Equal("Answer from the fallback [2].", Text(events));
        Assert.Equal("fallback-ok", outcome.Model);
        Assert.Equal(
            [TraceStepKinds.UserMessage, TraceStepKinds.Retrieval, TraceStepKinds.ModelCall, TraceStepKinds.Fallback, TraceStepKinds.ModelCall],
            Kinds(outcome));
        var failed = outcome.Steps[2];
        Assert.False(failed.Success);
        Assert.Equal("primary-500", failed.Name);
        Assert.Contains("HTTP 500", failed.Error);
        Assert.Contains("model crashed", failed.Error);
        Assert.Equal((0, 0), (failed.TokensIn, failed.TokensOut));
        var step = outcome.Steps[3];
        Assert.Contains("primary-500", step.InputJson);
        Assert.Contains("HTTP 500", step.InputJson);
        Assert.Contains("fallback-ok", step.OutputJson);
        Assert.True(outcome.Steps[4].Success);
        Assert.Equal([2], outcome.Citations.Select(c => c.Number));
        Assert.Equal(["primary-500", "fallback-ok"], server.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task StreamAsync_FallbackWithASmallerWindow_GetsThePromptTrimmedToItsWindow()
    {
        var primary = await AddModelAsync("big-window", context: 32_000);
        var fallback = await AddModelAsync("small-fallback", context: 1024);
        await SetConfigAsync(primary, fallback);
        server.Enqueue("big-window", ChatScript.Http(502));
        server.Enqueue("small-fallback", ChatScript.Text("ok"));
        var history = Enumerable.Range(1, 30)
            .Select(i => new ChatTurn(i % 2 == 1 ? ChatTurn.User : ChatTurn.Assistant, $"turn {i} " + string.Join(' ', Enumerable.Repeat("lorem ipsum", 30))))
            .ToList();

        var (_, outcome) = await RunAsync(Engine(Knowledge()), Request("latest", history: history));

        Assert.True(outcome.Success);
        Assert.Equal(32, server.Requests[0].Messages.Count);
        Assert.True(server.Requests[1].Messages.Count < 12, $"{server.Requests[1].Messages.Count}");
        Assert.True(PromptTokens(outcome.PromptJson) + 256 <= 1024);
    }

    [Fact]
    public async Task StreamAsync_PrimaryTooSlowForItsFirstToken_FallsBack()
    {
        var primary = await AddModelAsync("primary-slow");
        var fallback = await AddModelAsync("fallback-fast");
        await SetConfigAsync(primary, fallback);
        server.Enqueue("primary-slow", ChatScript.SlowFirstToken(TimeSpan.FromSeconds(5), "late"));
        server.Enqueue("fallback-fast", ChatScript.Text("fast"));

        var (_, outcome) = await RunAsync(Engine(Knowledge(), new ChatEngineOptions { FirstTokenTimeout = TimeSpan.FromMilliseconds(300) }), Request("hi"));

        Assert.True(outcome.Success);
        Assert.Equal("fast", outcome.Content);
        Assert.Contains("no first token within 300 ms", outcome.Steps.Single(s => s.Kind == TraceStepKinds.Fallback).InputJson);
    }

    [Fact]
    public async Task StreamAsync_UndecryptableApiKey_FallsBack()
    {
        var primary = await AddModelAsync("primary-badkey", protectedKey: "not-a-protected-payload");
        var fallback = await AddModelAsync("fallback-key");
        await SetConfigAsync(primary, fallback);
        server.Enqueue("fallback-key", ChatScript.Text("ok"));

        var (_, outcome) = await RunAsync(Engine(Knowledge()), Request("hi"));

        Assert.True(outcome.Success);
        Assert.Equal("fallback-key", outcome.Model);
        Assert.Contains("cannot be decrypted", outcome.Steps[2].Error);
        Assert.Equal(["fallback-key"], server.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task StreamAsync_PrimaryAndFallbackFail_CompletesUnsuccessfullyWithPhaseAndReadableError()
    {
        var primary = await AddModelAsync("primary-down");
        var fallback = await AddModelAsync("fallback-garbage");
        await SetConfigAsync(primary, fallback);
        server.Enqueue("primary-down", ChatScript.Http(503));
        server.Enqueue("fallback-garbage", ChatScript.Garbage());

        var (events, outcome) = await RunAsync(Engine(Knowledge()), Request("hi"));

        Assert.Empty(events.OfType<ChatDelta>());
        Assert.False(outcome.Success);
        Assert.False(outcome.Cancelled);
        Assert.Equal(ChatErrorPhases.ModelCall, outcome.ErrorPhase);
        Assert.StartsWith("The default model and its fallback both failed. Default: The model provider 'scripted-primary-down", outcome.Error);
        Assert.Contains("HTTP 503", outcome.Error);
        Assert.Contains("Fallback: The model provider 'scripted-fallback-garbage", outcome.Error);
        Assert.Contains("not an OpenAI-compatible event stream", outcome.Error);
        Assert.Equal("", outcome.Content);
        Assert.Empty(outcome.Citations);
        Assert.Null(outcome.FirstTokenMs);
        Assert.Equal(
            [TraceStepKinds.UserMessage, TraceStepKinds.Retrieval, TraceStepKinds.ModelCall, TraceStepKinds.Fallback, TraceStepKinds.ModelCall],
            Kinds(outcome));
        Assert.All(outcome.Steps.Where(s => s.Kind == TraceStepKinds.ModelCall), s => Assert.False(s.Success));
    }

    [Fact]
    public async Task StreamAsync_NoFallbackAndPrimaryFails_CompletesWithTheProviderError()
    {
        var primary = await AddModelAsync("only-500");
        await SetConfigAsync(primary, null);
        server.Enqueue("only-500", ChatScript.Http(500));

        var (_, outcome) = await RunAsync(Engine(Knowledge()), Request("hi"));

        Assert.False(outcome.Success);
        Assert.Equal(ChatErrorPhases.ModelCall, outcome.ErrorPhase);
        Assert.StartsWith("The model provider 'scripted-only-500", outcome.Error);
        Assert.Contains("HTTP 500", outcome.Error);
        Assert.DoesNotContain(TraceStepKinds.Fallback, Kinds(outcome));
    }

    [Fact]
    public async Task StreamAsync_FailureAfterTokens_KeepsThePartialTextAndDoesNotFallBack()
    {
        var primary = await AddModelAsync("primary-cut");
        var fallback = await AddModelAsync("fallback-unused");
        await SetConfigAsync(primary, fallback);
        server.Enqueue("primary-cut", ChatScript.Disconnect(2, "one", " two", " three"));

        var (events, outcome) = await RunAsync(Engine(Knowledge()), Request("count"));

        Assert.Equal("one two", Text(events));
        Assert.Equal("one two", outcome.Content);
        Assert.False(outcome.Success);
        Assert.Equal(ChatErrorPhases.Stream, outcome.ErrorPhase);
        Assert.Contains("broke off", outcome.Error);
        Assert.NotNull(outcome.FirstTokenMs);
        Assert.DoesNotContain(TraceStepKinds.Fallback, Kinds(outcome));
        Assert.Equal(["primary-cut"], server.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task StreamAsync_ToolCallRoundTrip_RunsSearchKnowledgeRecordsTheStepAndCitesItsPassage()
    {
        var id = await AddModelAsync("tool-model");
        await SetConfigAsync(id, null);
        server.Enqueue("tool-model",
            ChatScript.Tool("search_knowledge", """{"query":"浆糊的做法","top_k":2}"""),
            ChatScript.Text("浆糊以小麦淀粉制成 [3]。"));
        var retriever = Knowledge();

        var (events, outcome) = await RunAsync(Engine(retriever), Request("修补时还需要什么？"));

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal(
            [TraceStepKinds.UserMessage, TraceStepKinds.Retrieval, TraceStepKinds.ModelCall, TraceStepKinds.ToolCall, TraceStepKinds.ModelCall],
            Kinds(outcome));
        var tool = outcome.Steps[3];
        Assert.Equal("search_knowledge", tool.Name);
        Assert.Equal("浆糊的做法", JsonDocument.Parse(tool.InputJson!).RootElement.GetProperty("query").GetString());
        Assert.Contains("[3] (source: 浆糊.md", tool.OutputJson);
        Assert.True(tool.Success);
        Assert.Equal(2, retriever.Queries[1].TopK);
        Assert.Equal("浆糊的做法", retriever.Queries[1].Question);

        var toolEvent = Assert.Single(events.OfType<ChatToolEvent>());
        Assert.Equal("search_knowledge", toolEvent.Name);
        Assert.Contains(ChatTestData.PasteText, toolEvent.Result);
        Assert.True(events.IndexOf(toolEvent) < events.FindIndex(e => e is ChatDelta));
        var record = Assert.Single(outcome.ToolCalls);
        Assert.Equal("search_knowledge", record.Name);

        Assert.Equal([3], outcome.Citations.Select(c => c.Number));
        Assert.Equal(Paste.Citation.ChunkId, outcome.Citations[0].ChunkId);

        Assert.Equal(2, server.Requests.Count);
        var second = server.Requests[1];
        Assert.Equal(["system", "user", "assistant", "tool"], second.Messages.Select(m => m.Role));
        Assert.Contains(ChatTestData.PasteText, second.Messages[^1].Content);
        var assistantCall = second.Json.GetProperty("messages")[2].GetProperty("tool_calls")[0];
        var toolMessage = second.Json.GetProperty("messages")[3];
        Assert.Equal(assistantCall.GetProperty("id").GetString(), toolMessage.GetProperty("tool_call_id").GetString());
        Assert.Contains("\"role\":\"tool\"", outcome.PromptJson);
    }

    [Fact]
    public async Task StreamAsync_ToolReturnsTooMuch_ResultIsCutToAQuarterOfTheWindow()
    {
        var id = await AddModelAsync("flood-model", context: 2048);
        await SetConfigAsync(id, null);
        server.Enqueue("flood-model", ChatScript.Tool("flood", "{}"), ChatScript.Text("ok"));

        var (_, outcome) = await RunAsync(Engine(Knowledge(), null, new SkillSource(new FloodTool())), Request("flood me"));

        Assert.True(outcome.Success, outcome.Error);
        var sent = server.Requests[1].Messages[^1].Content;
        Assert.InRange(Cl100kTokenCounter.Instance.Count(sent), 100, 512 + 40);
        Assert.Contains("(cut: the result had ", sent);
    }

    [Fact]
    public async Task ResolveAsync_CachedConfig_IsServedUntilInvalidated()
    {
        var first = await AddModelAsync("cache-a");
        var second = await AddModelAsync("cache-b");
        await SetConfigAsync(first, null);
        var resolver = new ChatModelResolver(protection, Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.FromMinutes(5) }));
        var db = pg.Db(user);

        var a = await resolver.ResolveAsync(db);
        await SetConfigAsync(second, null);
        var cached = await resolver.ResolveAsync(db);
        resolver.Invalidate();
        var fresh = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => resolver.ResolveAsync(db)));

        Assert.Equal("cache-a", a.Primary?.Model.ModelId);
        Assert.Same(a, cached);
        Assert.All(fresh, f => Assert.Equal("cache-b", f.Primary?.Model.ModelId));
        Assert.Equal(8, fresh[0].TopK);
        Assert.Equal("sk-cache-b", fresh[0].Primary?.ApiKey);
    }

    [Fact]
    public async Task StreamAsync_ModelKeepsCallingTools_StopsOfferingToolsAfterMaxRounds()
    {
        var id = await AddModelAsync("tool-loop");
        await SetConfigAsync(id, null);
        server.Enqueue("tool-loop",
            ChatScript.Tool("search_knowledge", """{"query":"a"}"""),
            ChatScript.Tool("no_such_tool", """{"x":1}"""),
            ChatScript.Text("done"));

        var (_, outcome) = await RunAsync(Engine(Knowledge(), new ChatEngineOptions { MaxToolRounds = 2 }), Request("loop"));

        Assert.True(outcome.Success);
        Assert.Equal("done", outcome.Content);
        Assert.Equal(2, outcome.Steps.Count(s => s.Kind == TraceStepKinds.ToolCall));
        var unknown = outcome.Steps.Single(s => s.Name == "no_such_tool");
        Assert.False(unknown.Success);
        Assert.Contains("There is no tool named 'no_such_tool'", unknown.Error);
        Assert.Equal(["search_knowledge"], server.Requests[0].ToolNames);
        Assert.Equal(["search_knowledge"], server.Requests[1].ToolNames);
        Assert.Empty(server.Requests[2].ToolNames);
    }

    [Fact]
    public async Task StreamAsync_CallerCancels_CompletesAsCancelledWithThePartialText()
    {
        var id = await AddModelAsync("slow-stream");
        await SetConfigAsync(id, null);
        server.Enqueue("slow-stream", ChatScript.Text(Enumerable.Range(0, 200).Select(i => $"w{i} ").ToArray()) with { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        using var cts = new CancellationTokenSource();
        var events = new List<ChatEvent>();

        await foreach (var e in Engine(Knowledge()).StreamAsync(Request("long"), cts.Token))
        {
            events.Add(e);
            if (events.OfType<ChatDelta>().Count() == 3 && !cts.IsCancellationRequested)
            {
                await cts.CancelAsync();
            }
        }

        var outcome = Assert.IsType<ChatCompleted>(events[^1]).Outcome;
        Assert.True(outcome.Cancelled);
        Assert.False(outcome.Success);
        Assert.Equal(ChatErrorPhases.Cancelled, outcome.ErrorPhase);
        Assert.StartsWith("w0 w1 w2 ", outcome.Content);
        Assert.Equal(Text(events), outcome.Content);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!server.Requests[0].Aborted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(server.Requests[0].Aborted);
    }

    [Fact]
    public async Task StreamAsync_InactiveDefaultModel_UsesTheOfflineEngine()
    {
        var id = await AddModelAsync("inactive", active: false);
        await SetConfigAsync(id, null);

        var (_, outcome) = await RunAsync(Engine(Knowledge()), Request("修补用什么纸"));

        Assert.True(outcome.Success);
        Assert.Equal(OfflineEngine.Model, outcome.Model);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task StreamAsync_SmallWindow_TrimsHistoryToFit()
    {
        var id = await AddModelAsync("small-window", context: 1024);
        await SetConfigAsync(id, null);
        var history = Enumerable.Range(1, 30)
            .Select(i => new ChatTurn(i % 2 == 1 ? ChatTurn.User : ChatTurn.Assistant, $"turn {i} " + string.Join(' ', Enumerable.Repeat("lorem ipsum", 30))))
            .ToList();

        var (_, outcome) = await RunAsync(Engine(new ScriptedRetriever(_ => [])), Request("latest question", history: history));

        Assert.True(outcome.Success);
        var sent = server.Requests[0].Messages;
        Assert.True(sent.Count < 32);
        Assert.StartsWith("turn 30 ", sent[^2].Content);
        Assert.Equal("latest question", sent[^1].Content);
        Assert.True(PromptTokens(outcome.PromptJson) + 256 <= 1024);
    }

    private static int PromptTokens(string promptJson)
    {
        using var doc = JsonDocument.Parse(promptJson);
        return doc.RootElement.EnumerateArray().Sum(m => 4 + Cl100kTokenCounter.Instance.Count(m.GetProperty("content").GetString())) + 3;
    }
}
