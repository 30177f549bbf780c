using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Entries;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Arena.Entries;
using StarStudio.Data.Chat;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Storage;
using StarStudio.Tests.Integration.Storage;
using StarStudio.Tests.TestData;
using StarStudio.Tests.Unit.Chat.Engine;

namespace StarStudio.Tests.Integration.Arena.Entries;

/// <summary>
/// Entering trials against PostgreSQL (as the app role, RLS applies), the S3 server (answers in trial-responses) and the
/// real chat engine: offline when no model is configured, else the scripted OpenAI-compatible server.
/// </summary>
public sealed class TrialEntryServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Schema = """
        {
          "type": "object",
          "required": ["title", "steps", "note"],
          "additionalProperties": false,
          "properties": {
            "title": { "type": "string", "minLength": 2, "maxLength": 60 },
            "steps": { "type": "array", "minItems": 2, "items": { "type": "string", "minLength": 1 } },
            "confidence": { "type": "number", "minimum": 0, "maximum": 1 },
            "note": { "type": "string" }
          }
        }
        """;

    private readonly ServiceProvider services = BuildServices();
    private readonly EphemeralDataProtectionProvider protection = new();
    private readonly ChatRateLimiter limiter = new();
    private readonly CountingGrowth growth = new();
    private ScriptedOpenAiServer server = null!;
    private MinioObjectStore store = null!;

    private static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        return services.BuildServiceProvider();
    }

    public async Task InitializeAsync()
    {
        server = await ScriptedOpenAiServer.StartAsync();
        store = new MinioObjectStore(MinioObjectStore.CreateClient(TestS3.Options()));
        await store.EnsureBucketsAsync();
        await SetDefaultModelAsync(null);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        store.Dispose();
        limiter.Dispose();
        await services.DisposeAsync();
    }

    private sealed class CountingGrowth : IGrowthEvents
    {
        public List<string> Events { get; } = [];

        public Task RecordAsync(string eventKey, CancellationToken ct = default)
        {
            lock (Events)
            {
                Events.Add(eventKey);
            }

            return Task.CompletedTask;
        }

        public Task<bool> RewardRegistrationAsync(CancellationToken ct = default) => Task.FromResult(false);
    }

    /// <summary>Every star knows the same two passages.</summary>
    private sealed class FixedRetriever : IKnowledgeRetriever
    {
        public Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken ct = default) =>
            Task.FromResult(new RetrievalResult([ChatTestData.Passage(ChatTestData.PaperText), ChatTestData.Passage(ChatTestData.TissueText, "Conservation Handbook.pdf", 4)], QueryAnalysis.Empty));
    }

    private (ITrialEntryService Service, ConversationService Chat) ServiceFor(UserContext user, FlakyStore? flaky = null)
    {
        var db = pg.Db(user);
        var options = Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero });
        var retriever = new FixedRetriever();
        var engine = new StarChatEngine(db, retriever, new ChatModelResolver(protection, options),
            new ChatModelClientFactory(services.GetRequiredService<IHttpClientFactory>(), options), [], Cl100kTokenCounter.Instance, options);
        var chat = new ConversationService(db, new PostgresConversationMessageStore(db), engine, limiter, Cl100kTokenCounter.Instance, TimeProvider.System,
            NullLogger<ConversationService>.Instance, growth);
        return (new TrialEntryService(db, chat, flaky ?? (IObjectStore)store, TimeProvider.System, NullLogger<TrialEntryService>.Instance, growth), chat);
    }

    private ITrialEntryService For(UserContext user) => ServiceFor(user).Service;

    /// <summary>The S3 store, failing while <see cref="Down"/> is set.</summary>
    private sealed class FlakyStore(IObjectStore inner) : IObjectStore
    {
        public bool Down { get; set; }

        private void Check()
        {
            if (Down)
            {
                throw new IOException("object store unreachable");
            }
        }

        public Task EnsureBucketsAsync(CancellationToken ct = default) => inner.EnsureBucketsAsync(ct);

        public Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default)
        {
            Check();
            return inner.PutAsync(bucket, key, content, contentType, ct);
        }

        public Task<StoredObject?> GetAsync(string bucket, string key, CancellationToken ct = default)
        {
            Check();
            return inner.GetAsync(bucket, key, ct);
        }

        public Task<bool> ExistsAsync(string bucket, string key, CancellationToken ct = default) => inner.ExistsAsync(bucket, key, ct);

        public Task DeleteAsync(string bucket, string key, CancellationToken ct = default) => inner.DeleteAsync(bucket, key, ct);

        public IAsyncEnumerable<string> ListAsync(string bucket, string prefix, CancellationToken ct = default) => inner.ListAsync(bucket, prefix, ct);

        public Task<bool> PingAsync(CancellationToken ct = default) => inner.PingAsync(ct);
    }

    private async Task SetDefaultModelAsync(Guid? model)
    {
        await using var db = pg.OwnerContext();
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.DefaultModel)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, model is null ? "null" : $"\"{model}\""));
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.FallbackModel).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "null"));
    }

    private async Task<string> UseScriptedModelAsync()
    {
        var modelId = "trial-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = pg.OwnerContext())
        {
            var provider = new LlmProvider
            {
                Id = Guid.NewGuid(),
                Name = "scripted-" + modelId,
                BaseUrl = server.BaseUri.ToString(),
                ApiKeyProtected = protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.ProviderApiKey).Protect("sk-test"),
                IsActive = true,
            };
            var model = new ChatModel { Id = Guid.NewGuid(), ProviderId = provider.Id, ModelId = modelId, DisplayName = modelId, IsActive = true, MaxContextTokens = 8192, DefaultParams = "{}" };
            db.LlmProviders.Add(provider);
            db.ChatModels.Add(model);
            await db.SaveChangesAsync();
            await SetDefaultModelAsync(model.Id);
        }

        return modelId;
    }

    private async Task<Guid> StarAsync(UserContext owner, StarStatus status = StarStatus.Active, string name = "墨痕")
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = name, Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = false, Status = status, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }

    private async Task<Guid> TrialAsync(TimeSpan? opensIn = null, TimeSpan? submitFor = null, int maxEntries = 1, int maxRegenerations = 2, TrialStatus status = TrialStatus.Ongoing, string schema = Schema)
    {
        var admin = await pg.CreateAdminAsync();
        var now = DateTimeOffset.UtcNow;
        var opens = now + (opensIn ?? TimeSpan.FromHours(-1));
        var trial = new StarTrial
        {
            Id = Guid.NewGuid(),
            Title = "修复方案",
            Prompt = "请给出修复一册虫蛀宋版书的方案。",
            AnswerSchema = schema,
            Status = status,
            CreatedBy = admin.UserId!.Value,
            CreatedAt = now,
            UpdatedAt = now,
            OpensAt = opens,
            SubmitUntil = opens + (submitFor ?? TimeSpan.FromHours(2)),
            EndsAt = opens + (submitFor ?? TimeSpan.FromHours(2)) + TimeSpan.FromHours(2),
            MaxEntriesPerOwner = maxEntries,
            MaxRegenerations = maxRegenerations,
        };
        await using var db = pg.OwnerContext();
        db.StarTrials.Add(trial);
        await db.SaveChangesAsync();

        // The EF model gives max_regenerations a database default of 3, so EF does not send a 0 (its sentinel): set it.
        await db.StarTrials.Where(t => t.Id == trial.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.MaxRegenerations, maxRegenerations));
        return trial.Id;
    }

    private static FieldError Refusal<T>(Result<T> result)
    {
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    private async Task<string?> StoredAsync(string responseUri)
    {
        await using var stored = await store.GetAsync(Buckets.TrialResponses, TrialResponseKeys.Parse(responseUri)!);
        return stored is null ? null : await new StreamReader(stored.Content, Encoding.UTF8).ReadToEndAsync();
    }

    [Fact]
    public async Task Generate_Offline_WritesASchemaValidAnswerFromKnowledge_StoredWithItsOwnTrialConversationAndTrace()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync();

        var result = await For(owner).GenerateAsync(trial, star);

        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)));
        var view = result.Value!;
        Assert.True(view.Draft.SchemaValid, view.Answer);
        Assert.Empty(view.Errors);
        Assert.Equal(1, view.Draft.Attempt);
        Assert.Equal((OfflineEngine.Provider, OfflineEngine.Model), (view.Draft.Provider, view.Draft.Model));
        using var answer = JsonDocument.Parse(view.Answer);
        Assert.StartsWith("（离线引擎）", answer.RootElement.GetProperty("note").GetString());
        Assert.Contains(answer.RootElement.GetProperty("steps").EnumerateArray(), s => s.GetString()!.Contains("补纸", StringComparison.Ordinal));

        await using var db = pg.OwnerContext();
        var draft = await db.TrialEntryDrafts.SingleAsync(d => d.Id == view.Draft.Id);
        Assert.Equal($"trial-responses/trials/{trial}/drafts/{draft.Id}.json", draft.ResponseUri);
        Assert.Equal(view.Answer, await StoredAsync(draft.ResponseUri));
        Assert.Equal("[]", draft.Errors);
        var conversation = await db.Conversations.SingleAsync(c => c.Id == draft.ConversationId);
        Assert.Equal(ConversationChannel.Trial, conversation.Channel);
        Assert.Equal(owner.UserId, conversation.UserId);
        var trace = await db.ChatTraces.SingleAsync(t => t.ConversationId == conversation.Id);
        Assert.True(trace.Success);
        Assert.Contains("JSON Schema", trace.Prompt);
        Assert.DoesNotContain(GrowthEventKeys.ChatMessage, growth.Events); // a trial answer is not the owner's chat
    }

    [Fact]
    public async Task Generate_ModelPath_AsksForJsonSchemaAndStripsFences()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync();
        var model = await UseScriptedModelAsync();
        server.Enqueue(model, ChatScript.Text("```json\n{\"title\":\"补虫洞\",", "\"steps\":[\"除尘\",\"补纸\"],\"note\":\"以皮纸修补\"}\n```"));

        var result = await For(owner).GenerateAsync(trial, star);

        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)));
        Assert.True(result.Value!.Draft.SchemaValid);
        Assert.Equal("{\"title\":\"补虫洞\",\"steps\":[\"除尘\",\"补纸\"],\"note\":\"以皮纸修补\"}", result.Value.Answer);
        Assert.Equal(model, result.Value.Draft.Model);
        var request = Assert.Single(server.Requests, r => r.Model == model);
        var format = request.Json.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("object", format.GetProperty("json_schema").GetProperty("schema").GetProperty("type").GetString());
        Assert.Contains("exactly one JSON value", request.Messages[0].Content);
        Assert.Equal("请给出修复一册虫蛀宋版书的方案。", request.Messages[^1].Content);
    }

    [Fact]
    public async Task Generate_ModelAnswersProseOrDuplicateKeysOrBreaksTheSchema_DraftKeptWithTheReason_OnlyJsonMaySubmit()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync(maxRegenerations: 3);
        var model = await UseScriptedModelAsync();
        server.Enqueue(model,
            ChatScript.Text("Here is my answer: {\"title\": \"x\"}"),
            ChatScript.Text("{\"title\":\"补洞\",\"title\":\"补纸\",\"steps\":[\"a\",\"b\"],\"note\":\"n\"}"),
            ChatScript.Text("{\"title\":\"补洞\",\"steps\":[\"a\"],\"confidence\":2,\"extra\":1}"));
        var entries = For(owner);

        var prose = (await entries.GenerateAsync(trial, star)).Value!;
        var duplicate = (await entries.GenerateAsync(trial, star)).Value!;
        var invalid = (await entries.GenerateAsync(trial, star)).Value!;

        Assert.False(prose.Draft.SchemaValid);
        Assert.Equal(AnswerSchemas.AnswerNotJsonCode, Assert.Single(prose.Errors).Keyword);
        Assert.Equal("Here is my answer: {\"title\": \"x\"}", prose.Answer);
        Assert.Equal(AnswerSchemas.AnswerDuplicateKeyCode, Assert.Single(duplicate.Errors).Keyword);
        Assert.False(invalid.Draft.SchemaValid);
        Assert.Contains(invalid.Errors, e => e.Pointer == "" && e.Keyword == "required");
        Assert.Contains(invalid.Errors, e => e.Pointer == "/confidence" && e.Keyword == "maximum");
        Assert.Contains(invalid.Errors, e => e.Pointer == "/steps" && e.Keyword == "minItems");
        Assert.Contains(invalid.Errors, e => e.Keyword == "additionalProperties");
        Assert.Equal(invalid.Errors, (await entries.GetDraftAsync(invalid.Draft.Id)).Value!.Errors);
        Assert.Equal([1, 2, 3], (await entries.ListDraftsAsync(trial, star)).Value!.Select(d => d.Attempt));

        Assert.Equal(TrialEntryRules.DraftNotJsonCode, Refusal(await entries.SubmitAsync(prose.Draft.Id)).Code);
        Assert.Equal(TrialEntryRules.DraftNotJsonCode, Refusal(await entries.SubmitAsync(duplicate.Draft.Id)).Code);
        var entered = await entries.SubmitAsync(invalid.Draft.Id);
        Assert.True(entered.Succeeded);
        Assert.False(entered.Value!.SchemaValid); // decided: a schema-breaking answer may enter and scores 0 for validity
    }

    [Fact]
    public async Task Generate_ModelFails_NoDraftAndNoAttemptUsed()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync(maxRegenerations: 0);
        var model = await UseScriptedModelAsync();
        server.Enqueue(model, ChatScript.Http(500));
        var entries = For(owner);

        Assert.Equal(TrialEntryRules.AnswerFailedCode, Refusal(await entries.GenerateAsync(trial, star)).Code);

        server.Enqueue(model, ChatScript.Text("{\"title\":\"补洞\",\"steps\":[\"a\",\"b\"],\"note\":\"n\"}"));
        Assert.True((await entries.GenerateAsync(trial, star)).Succeeded);
    }

    [Fact]
    public async Task Generate_OnlyInTheSubmissionWindow()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var upcoming = await TrialAsync(opensIn: TimeSpan.FromHours(1));
        var judging = await TrialAsync(opensIn: TimeSpan.FromHours(-3), submitFor: TimeSpan.FromHours(1));
        var draft = await TrialAsync(status: TrialStatus.Draft);
        var finished = await TrialAsync(status: TrialStatus.Finished);
        var entries = For(owner);

        Assert.Equal(TrialEntryRules.NotOpenCode, Refusal(await entries.GenerateAsync(upcoming, star)).Code);
        Assert.Equal(TrialEntryRules.NotOpenCode, Refusal(await entries.GenerateAsync(judging, star)).Code);
        Assert.Equal(TrialEntryRules.NotOpenCode, Refusal(await entries.GenerateAsync(finished, star)).Code);
        Assert.Equal(ResultKind.NotFound, (await entries.GenerateAsync(draft, star)).Kind); // a draft trial is invisible
        await using var db = pg.OwnerContext();
        Assert.False(await db.TrialEntryDrafts.AnyAsync(d => d.StarId == star));
        Assert.False(await db.Conversations.AnyAsync(c => c.StarId == star));
    }

    [Fact]
    public async Task Generate_OnlyTheOwnerOfAStarThatIsNotArchived()
    {
        var owner = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var archived = await StarAsync(owner, StarStatus.Archived);
        await using (var db = pg.OwnerContext())
        {
            await db.Stars.Where(s => s.Id == star).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsPublic, true));
        }

        var trial = await TrialAsync();

        Assert.Equal(ResultKind.NotFound, (await For(other).GenerateAsync(trial, star)).Kind);
        Assert.Equal(TrialEntryRules.StarArchivedCode, Refusal(await For(owner).GenerateAsync(trial, archived)).Code);
        var mine = (await For(owner).GenerateAsync(trial, star)).Value!;
        Assert.Equal(ResultKind.NotFound, (await For(other).GetDraftAsync(mine.Draft.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await For(other).SubmitAsync(mine.Draft.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await For(other).ListDraftsAsync(trial, star)).Kind);
    }

    [Fact]
    public async Task Generate_AtMostOnePlusMaxRegenerationsDrafts_ThePanelCountsDown()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync(maxRegenerations: 1);
        var entries = For(owner);

        Assert.Equal(2, (await entries.GetPanelAsync(trial)).Value!.Stars.Single().DraftsLeft);
        Assert.True((await entries.GenerateAsync(trial, star)).Succeeded);
        Assert.Equal(1, (await entries.GetPanelAsync(trial)).Value!.Stars.Single().DraftsLeft);
        Assert.True((await entries.GenerateAsync(trial, star)).Succeeded);
        var third = await entries.GenerateAsync(trial, star);

        Assert.Equal(TrialEntryRules.DraftsUsedCode, Refusal(third).Code);
        var panel = (await entries.GetPanelAsync(trial)).Value!;
        Assert.Equal((2, 0), (panel.Stars.Single().Drafts, panel.Stars.Single().DraftsLeft));
        Assert.Equal(TrialPhase.Submissions, panel.Phase);
    }

    [Fact]
    public async Task Submit_EntersOnceWithTheDraftsAnswer_GrowthEventOnce_NeverAgain()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner, name: "墨痕");
        var trial = await TrialAsync(maxEntries: 2);
        var entries = For(owner);
        var first = (await entries.GenerateAsync(trial, star)).Value!;
        var second = (await entries.GenerateAsync(trial, star)).Value!;

        var entered = await entries.SubmitAsync(first.Draft.Id);
        var again = await entries.SubmitAsync(first.Draft.Id);
        var other = await entries.SubmitAsync(second.Draft.Id);
        var regenerate = await entries.GenerateAsync(trial, star);

        Assert.True(entered.Succeeded);
        Assert.Equal(TrialEntryRules.AlreadyEnteredCode, Refusal(again).Code);
        Assert.Equal(TrialEntryRules.AlreadyEnteredCode, Refusal(other).Code);
        Assert.Equal(TrialEntryRules.AlreadyEnteredCode, Refusal(regenerate).Code);
        Assert.Equal([GrowthEventKeys.EnterTrial], growth.Events.Where(e => e == GrowthEventKeys.EnterTrial));

        await using var db = pg.OwnerContext();
        var row = await db.TrialEntries.SingleAsync(e => e.TrialId == trial);
        Assert.Equal((owner.UserId!.Value, "墨痕", first.Draft.Id, true), (row.OwnerId, row.StarName, row.DraftId!.Value, row.SchemaValid));
        Assert.Equal($"trial-responses/trials/{trial}/drafts/{first.Draft.Id}.json", row.ResponseUri);
        using var answer = JsonDocument.Parse(first.Answer);
        Assert.Equal(TrialScoring.Style(answer.RootElement), new AnswerStyle(row.StyleLength, row.StyleHeaders, row.StyleListItems));
        Assert.True(row.StyleLength > 0);
        Assert.Null(row.Score);

        var mine = Assert.Single(await entries.ListMyEntriesAsync());
        Assert.Equal((row.Id, "修复方案", TrialPhase.Submissions), (mine.EntryId, mine.TrialTitle, mine.Phase));
        var panel = (await entries.GetPanelAsync(trial)).Value!;
        Assert.Equal((1, row.Id, first.Draft.Id, 0), (panel.Entered, panel.Stars.Single().EntryId!.Value, panel.Stars.Single().EnteredDraftId!.Value, panel.Stars.Single().DraftsLeft));
    }

    [Fact]
    public async Task Submit_AfterTheWindow_IsRefused()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync();
        var entries = For(owner);
        var draft = (await entries.GenerateAsync(trial, star)).Value!;
        await using (var db = pg.OwnerContext())
        {
            var past = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.StarTrials.Where(t => t.Id == trial).ExecuteUpdateAsync(s => s.SetProperty(t => t.SubmitUntil, past));
        }

        Assert.Equal(TrialEntryRules.NotOpenCode, Refusal(await entries.SubmitAsync(draft.Draft.Id)).Code);
        await using var check = pg.OwnerContext();
        Assert.False(await check.TrialEntries.AnyAsync(e => e.TrialId == trial));
        Assert.DoesNotContain(GrowthEventKeys.EnterTrial, growth.Events);
    }

    [Fact]
    public async Task Submit_BeyondTheOwnersLimit_IsRefused_AndGenerateForAnotherStarToo()
    {
        var owner = await pg.CreateUserAsync();
        var a = await StarAsync(owner, name: "甲");
        var b = await StarAsync(owner, name: "乙");
        var c = await StarAsync(owner, name: "丙");
        var trial = await TrialAsync(maxEntries: 1);
        var entries = For(owner);
        var draftA = (await entries.GenerateAsync(trial, a)).Value!;
        var draftB = (await entries.GenerateAsync(trial, b)).Value!;

        Assert.True((await entries.SubmitAsync(draftA.Draft.Id)).Succeeded);
        Assert.Equal(TrialEntryRules.LimitCode, Refusal(await entries.SubmitAsync(draftB.Draft.Id)).Code);
        Assert.Equal(TrialEntryRules.LimitCode, Refusal(await entries.GenerateAsync(trial, c)).Code);
    }

    [Fact]
    public async Task Submit_TwoStarsAtOnceWithRoomForOne_ExactlyOneEnters()
    {
        var owner = await pg.CreateUserAsync();
        var a = await StarAsync(owner, name: "甲");
        var b = await StarAsync(owner, name: "乙");
        var trial = await TrialAsync(maxEntries: 1);
        var draftA = (await For(owner).GenerateAsync(trial, a)).Value!;
        var draftB = (await For(owner).GenerateAsync(trial, b)).Value!;

        var results = await Task.WhenAll(For(owner).SubmitAsync(draftA.Draft.Id), For(owner).SubmitAsync(draftB.Draft.Id),
            For(owner).SubmitAsync(draftA.Draft.Id), For(owner).SubmitAsync(draftB.Draft.Id));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(Assert.Single(r.Errors).Code, new[] { TrialEntryRules.LimitCode, TrialEntryRules.AlreadyEnteredCode }));

        await using var db = pg.OwnerContext();
        Assert.Equal(1, await db.TrialEntries.CountAsync(e => e.TrialId == trial));
        Assert.Single(growth.Events, e => e == GrowthEventKeys.EnterTrial);
    }

    [Fact]
    public async Task Generate_TwoAtOnceWithOneDraftLeft_OneDraftIsKept()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync(maxRegenerations: 0);

        var results = await Task.WhenAll(For(owner).GenerateAsync(trial, star), For(owner).GenerateAsync(trial, star));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(TrialEntryRules.DraftsUsedCode, Refusal(results.Single(r => !r.Succeeded)).Code);
        await using var db = pg.OwnerContext();
        var draft = await db.TrialEntryDrafts.SingleAsync(d => d.TrialId == trial);
        Assert.Equal(1, draft.Attempt);
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(Buckets.TrialResponses, $"trials/{trial}/drafts/"))
        {
            keys.Add(key);
        }

        Assert.Equal([TrialResponseKeys.Draft(trial, draft.Id)], keys); // the losing answer's object was removed
    }

    [Fact]
    public async Task ObjectStoreDown_GenerateAndSubmitRefuseReadably_NoDraftNoEntryNoAttemptUsed()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var trial = await TrialAsync(maxRegenerations: 0);
        var flaky = new FlakyStore(store) { Down = true };
        var entries = ServiceFor(owner, flaky).Service;

        Assert.Equal(TrialEntryRules.StorageFailedCode, Refusal(await entries.GenerateAsync(trial, star)).Code);
        flaky.Down = false;
        var draft = (await entries.GenerateAsync(trial, star)).Value!; // the failed try used no attempt
        flaky.Down = true;

        Assert.Equal(TrialEntryRules.StorageFailedCode, Refusal(await entries.GetDraftAsync(draft.Draft.Id)).Code);
        Assert.Equal(TrialEntryRules.StorageFailedCode, Refusal(await entries.SubmitAsync(draft.Draft.Id)).Code);
        await using var db = pg.OwnerContext();
        Assert.Equal(1, await db.TrialEntryDrafts.CountAsync(d => d.TrialId == trial));
        Assert.False(await db.TrialEntries.AnyAsync(e => e.TrialId == trial));
    }
}
