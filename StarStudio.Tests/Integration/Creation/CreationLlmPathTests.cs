using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Chat;
using StarStudio.Core.Creation;
using StarStudio.Data.Chat.Engine;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Creation;

/// <summary>The LLM path of drafting against a scripted OpenAI-compatible server on loopback.</summary>
public sealed class CreationLlmPathTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Model = "drafter-7b";
    private readonly CreationHarness harness = new(pg);
    private ScriptedOpenAiServer server = null!;

    private const string Persona = "史官小满是一位幽默风趣的历史讲解员，擅长用故事给小学生讲三国和唐宋的人物与事件，不讨论现实政治。";

    private static string Cards() => System.Text.Json.JsonSerializer.Serialize(new
    {
        persona = Persona,
        greeting = "你好，{{user}}！我是史官小满。",
        example_dialogues = "<START>\n{{user}}: 曹操是坏人吗？\n{{char}}: 这要看你从哪本书里认识他……",
        knowledge_plan = "- [ ] 三国志节选",
    });

    public async Task InitializeAsync()
    {
        server = await ScriptedOpenAiServer.StartAsync();
        var provider = new LlmProvider { Id = Guid.NewGuid(), Name = "creation-" + Guid.NewGuid().ToString("N")[..6], BaseUrl = server.BaseUri.ToString(), IsActive = true };
        var model = new ChatModel { Id = Guid.NewGuid(), ProviderId = provider.Id, ModelId = Model, DisplayName = "drafter", IsActive = true, MaxContextTokens = 8192 };
        await using var db = pg.OwnerContext();
        db.LlmProviders.Add(provider);
        db.ChatModels.Add(model);
        await db.SaveChangesAsync();
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.DefaultModel).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, $"\"{model.Id}\""));
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.FallbackModel).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "null"));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        harness.Dispose();
    }

    private async Task<(ICreationAssistantService Service, Guid Session)> StartedAsync()
    {
        var service = harness.For(await pg.CreateUserAsync());
        var s = (await service.StartAsync("一个给小学生讲三国故事的幽默历史老师")).Value!;
        var a = s.Anchors.Clone();
        a.Boundaries = "不讨论现实政治";
        await service.UpdateAnchorsAsync(s.Id, a);
        return (service, s.Id);
    }

    [Fact]
    public async Task Draft_WithAModel_UsesItsJsonCards_AndAsksForTheSchema()
    {
        var (service, id) = await StartedAsync();
        var json = Cards();
        server.Enqueue(Model, ChatScript.Text(json[..40], json[40..]));

        var drafted = (await service.DraftAsync(id)).Value!;

        Assert.Equal(CreationEngines.Llm, drafted.Engine);
        Assert.False(drafted.DraftedOffline);
        Assert.Equal(Persona, drafted.Drafts.Persona);
        Assert.Equal("- [ ] 三国志节选", drafted.Drafts.KnowledgePlan);
        Assert.Contains("大模型", drafted.LastAssistantReply);
        var request = server.Requests[^1];
        Assert.Equal("json_schema", request.Json.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Contains("\"domain\":\"历史\"", request.Messages[^1].Content);
        Assert.True(drafted.Gate.Open);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("prose")]
    [InlineData("http500")]
    [InlineData("wrongShape")]
    public async Task Draft_ModelFails_FallsBackToOfflineWithAReadableReason(string failure)
    {
        var (service, id) = await StartedAsync();
        server.Enqueue(Model, failure switch
        {
            "garbage" => ChatScript.Garbage(),
            "prose" => ChatScript.Text("好的，我来为你写一个角色：史官小满……"),
            "http500" => ChatScript.Http(500, "{\"error\":{\"message\":\"upstream down\"}}"),
            _ => ChatScript.Text("{\"persona\": 42, \"greeting\": \"hi\", \"example_dialogues\": \"\", \"knowledge_plan\": \"\"}"),
        });

        var drafted = (await service.DraftAsync(id)).Value!;

        Assert.Equal(CreationEngines.Offline, drafted.Engine);
        Assert.True(drafted.DraftedOffline);
        Assert.StartsWith("大模型起草失败（", drafted.LastAssistantReply, StringComparison.Ordinal);
        Assert.Contains("已改用离线模板", drafted.LastAssistantReply);
        Assert.Contains("历史讲解员", drafted.Drafts.Persona);
        Assert.Equal(4, drafted.Cards.Count);
        await using var db = pg.OwnerContext();
        Assert.Equal("offline", (await db.CreationSessions.SingleAsync(s => s.Id == id)).Engine);
    }
}
