using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Chat;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Storage;
using StarStudio.Tests.TestData;
using StarStudio.Tests.Unit.Chat.Engine;

namespace StarStudio.Tests.Integration.Chat;

/// <summary>
/// The chat side of model versions (docs/training.md): the active version's adapter shapes the answer (offline: its
/// exemplars), every answer records the version that wrote it, a version served by an external trainer's model answers
/// with that model, and a star can only run its own versions.
/// </summary>
public sealed class ModelVersionChatTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly ServiceProvider services = BuildServices();
    private readonly EphemeralDataProtectionProvider protection = new();
    private readonly string root = Directory.CreateTempSubdirectory("starstudio-versions-").FullName;
    private readonly ChatRateLimiter limiter = new();
    private LocalObjectStore store = null!;
    private ScriptedOpenAiServer server = null!;

    private static readonly RetrievedPassage Paper = ChatTestData.Passage(ChatTestData.PaperText, "古籍修复手册.pdf", 12, 0.9);

    private static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        return services.BuildServiceProvider();
    }

    public async Task InitializeAsync()
    {
        store = new LocalObjectStore(root);
        await store.EnsureBucketsAsync();
        server = await ScriptedOpenAiServer.StartAsync();
        await SetDefaultModelAsync(null);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await services.DisposeAsync();
        limiter.Dispose();
        Directory.Delete(root, recursive: true);
    }

    private sealed class OnePassage : IKnowledgeRetriever
    {
        public Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken ct = default) =>
            Task.FromResult(new RetrievalResult([Paper], QueryAnalysis.Empty));
    }

    private IConversationService Chat(UserContext user)
    {
        var db = pg.Db(user);
        var o = Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero });
        var retriever = new OnePassage();
        var engine = new StarChatEngine(db, retriever, new ChatModelResolver(protection, o),
            new ChatModelClientFactory(services.GetRequiredService<IHttpClientFactory>(), o),
            [new BuiltInChatToolSource(retriever, o)], Cl100kTokenCounter.Instance, o);
        return new ConversationService(db, new PostgresConversationMessageStore(db), engine, limiter, Cl100kTokenCounter.Instance,
            TimeProvider.System, NullLogger<ConversationService>.Instance, null, new ModelVersionAdapters(store, NullLogger<ModelVersionAdapters>.Instance));
    }

    private async Task<(UserContext Owner, Guid Star)> StarAsync()
    {
        var owner = await pg.CreateUserAsync();
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return (owner, id);
    }

    private async Task<Guid> VersionAsync(Guid star, string name, PromptAdapter? adapter, string? artifactUri = null, Guid? trainer = null, string? served = null)
    {
        var id = Guid.NewGuid();
        if (adapter is not null)
        {
            var key = ModelArtifacts.VersionFolder(star, id) + "adapter.json";
            await store.PutAsync(Buckets.ModelArtifacts, key, new MemoryStream(Encoding.UTF8.GetBytes(adapter.ToJson())), "application/json");
            artifactUri ??= ModelArtifacts.UriOf(key);
        }

        await using var db = pg.OwnerContext();
        db.StarModelVersions.Add(new StarModelVersion
        {
            Id = id, StarId = star, VersionName = name, ArtifactUri = artifactUri, TrainingMethod = TrainingMethod.Sft,
            TrainerId = trainer, ServedModelId = served, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    private async Task ActivateAsync(Guid star, Guid? version)
    {
        await using var db = pg.OwnerContext();
        await db.Stars.Where(s => s.Id == star).ExecuteUpdateAsync(s => s.SetProperty(x => x.CurrentModelVersion, version));
    }

    private async Task SetDefaultModelAsync(Guid? model)
    {
        await using var db = pg.OwnerContext();
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.DefaultModel)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, model is null ? "null" : $"\"{model}\""));
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.FallbackModel).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "null"));
    }

    private static async Task<ConversationMessageDocument> AskAsync(IConversationService chat, Guid star, string question)
    {
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        ChatAnswered? answered = null;
        await foreach (var update in chat.SendAsync(conversation.Id, question))
        {
            answered = update as ChatAnswered ?? answered;
        }

        Assert.NotNull(answered);
        Assert.Null(answered!.Error);
        return answered.Message;
    }

    private static readonly PromptAdapter Learned = new("先给结论。", [new PromptExemplar("宣纸发黄怎么处理？", "先用温水淋洗去除酸性物质，再平放阴干。")]);

    [Fact]
    public async Task ActiveVersion_ItsExemplarAnswersAPlayersRewordedQuestion_AndTheAnswerAndTraceRecordTheVersion()
    {
        var (_, star) = await StarAsync();
        var v1 = await VersionAsync(star, "v1", Learned);
        await ActivateAsync(star, v1);

        var answer = await AskAsync(Chat(await pg.CreateUserAsync()), star, "宣纸发黄应该怎么处理？");

        Assert.Contains("我的训练版本（v1）学过一个相近的问题", answer.Content);
        Assert.Contains("先用温水淋洗去除酸性物质", answer.Content);
        Assert.Equal((v1, "v1"), (answer.ModelVersionId, answer.ModelVersion));
        await using var db = pg.OwnerContext();
        var trace = await db.ChatTraces.SingleAsync(t => t.MessageId == answer.Id);
        Assert.Equal(v1, trace.ModelVersionId);
        Assert.Equal(1, trace.CitationCount); // the offline answer quotes the passage as [1]
        Assert.NotNull(trace.CopiedShare);
        Assert.InRange(trace.CopiedShare!.Value, 0.05f, 0.95f); // quotes the passage, and adds its own words
    }

    [Fact]
    public async Task RollbackToTheBase_TheNextAnswerIsTheBasePersonasAgain()
    {
        var (owner, star) = await StarAsync();
        var v1 = await VersionAsync(star, "v1", Learned);
        await ActivateAsync(star, v1);
        var chat = Chat(owner);
        Assert.Contains("先用温水淋洗", (await AskAsync(chat, star, "宣纸发黄应该怎么处理？")).Content);

        await ActivateAsync(star, null);
        var after = await AskAsync(chat, star, "宣纸发黄应该怎么处理？");

        Assert.DoesNotContain("先用温水淋洗", after.Content);
        Assert.Null(after.ModelVersionId);
        await using var db = pg.OwnerContext();
        Assert.Null((await db.ChatTraces.SingleAsync(t => t.MessageId == after.Id)).ModelVersionId);
    }

    [Fact]
    public async Task AnArtifactOutsideTheStarsFolder_IsNotRead_AndTheStarAnswersWithItsBasePersona()
    {
        var (_, other) = await StarAsync();
        var (owner, star) = await StarAsync();
        var foreignKey = ModelArtifacts.VersionFolder(other, Guid.NewGuid()) + "adapter.json";
        await store.PutAsync(Buckets.ModelArtifacts, foreignKey, new MemoryStream(Encoding.UTF8.GetBytes(Learned.ToJson())), "application/json");
        var sneaky = await VersionAsync(star, "v1", null, ModelArtifacts.UriOf(foreignKey));
        await ActivateAsync(star, sneaky);

        var answer = await AskAsync(Chat(owner), star, "宣纸发黄应该怎么处理？");

        Assert.DoesNotContain("先用温水淋洗", answer.Content);
        Assert.Equal(sneaky, answer.ModelVersionId); // the version still answered: with no adapter, as the base persona
    }

    [Fact]
    public async Task ActivatingAnotherStarsVersion_IsRefusedByTheDatabase_AndTheActiveVersionStays()
    {
        var (_, other) = await StarAsync();
        var foreign = await VersionAsync(other, "v1", Learned);
        var (owner, star) = await StarAsync();
        var own = await VersionAsync(star, "v1", Learned);
        await ActivateAsync(star, own);

        // The owner's own connection (RLS applies): the other star's version is not theirs to run.
        var attempt = await Record.ExceptionAsync(() => pg.Db(owner).RunAsync(async (ctx, _) =>
            await ctx.Stars.Where(s => s.Id == star).ExecuteUpdateAsync(s => s.SetProperty(x => x.CurrentModelVersion, foreign))));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, Assert.IsType<PostgresException>(attempt).SqlState);
        await using var db = pg.OwnerContext();
        Assert.Equal(own, await db.Stars.Where(s => s.Id == star).Select(s => s.CurrentModelVersion).SingleAsync());
    }

    [Fact]
    public async Task AVersionServedByATrainersModel_AnswersWithThatModel_AndFallsBackToTheDefaultWhenItFails()
    {
        var provider = new LlmProvider { Id = Guid.NewGuid(), Name = "serving-" + Guid.NewGuid().ToString("N")[..6], BaseUrl = server.BaseUri.ToString(), IsActive = true };
        var baseModel = new ChatModel { Id = Guid.NewGuid(), ProviderId = provider.Id, ModelId = "base-7b", DisplayName = "base", IsActive = true, MaxContextTokens = 8192 };
        var trainer = new Trainer { Id = Guid.NewGuid(), Name = "trainer-" + Guid.NewGuid().ToString("N")[..6], BaseUrl = server.BaseUri.ToString(), BaseModel = "base-7b", Methods = [TrainingMethod.Sft], ServingProviderId = provider.Id };
        await using (var db = pg.OwnerContext())
        {
            db.LlmProviders.Add(provider);
            db.ChatModels.Add(baseModel);
            db.Trainers.Add(trainer);
            await db.SaveChangesAsync();
        }

        await SetDefaultModelAsync(baseModel.Id);
        try
        {
            var (owner, star) = await StarAsync();
            var v2 = await VersionAsync(star, "v2", null, trainer: trainer.Id, served: "ft:base-7b:star-v2");
            await ActivateAsync(star, v2);
            server.Enqueue("ft:base-7b:star-v2", ChatScript.Text("微调版本的回答"), ChatScript.Http(500, "down"));
            server.Enqueue("base-7b", ChatScript.Text("基础模型的回答"));
            var chat = Chat(owner);

            var served = await AskAsync(chat, star, "宣纸怎么保存？");
            var fellBack = await AskAsync(chat, star, "宣纸怎么保存？");

            Assert.Equal(("微调版本的回答", "ft:base-7b:star-v2", v2), (served.Content, served.Model, served.ModelVersionId));
            Assert.Equal(("基础模型的回答", "base-7b"), (fellBack.Content, fellBack.Model));
            Assert.Contains("Model version: v2", server.Requests.First(r => r.Model == "ft:base-7b:star-v2").Messages[0].Content);
        }
        finally
        {
            await SetDefaultModelAsync(null);
        }
    }
}
