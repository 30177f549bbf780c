using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Billing;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Stars;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Market.Calls;

/// <summary>
/// Skills in chat against real PostgreSQL (as the app role) and a scripted endpoint on loopback: which subscriptions are
/// offered, one record and one charge per request id, no charge for failures, the owner pays when a player chats, and the
/// engine (scripted model, and offline by the example rule) reaches the skill.
/// </summary>
public sealed class SkillCallsTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly MarketTestData data = new(pg);
    private ScriptedSkillServer server = null!;
    private ServiceProvider services = null!;
    private UserContext maker = null!;
    private UserContext owner = null!;

    public async Task InitializeAsync()
    {
        server = await ScriptedSkillServer.StartAsync();
        services = MarketTestData.Services(timeout: TimeSpan.FromMilliseconds(800));
        maker = await pg.CreateUserAsync(null, "skill_maker");
        owner = await pg.CreateUserAsync(null, "star_owner");
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    private static ChatRequest Request(Guid starId, UserContext user, string message = "上海天气") =>
        new(new StarPersona(starId, "墨香", "天气", "", "", null), [], message, Guid.NewGuid(), user.UserId!.Value, Guid.NewGuid());

    private static JsonElement Args(string city = "上海") => JsonDocument.Parse($$"""{"city":"{{city}}"}""").RootElement.Clone();

    private async Task<IReadOnlyList<IChatTool>> ToolsAsync(Guid starId, UserContext user) =>
        await data.Source(services, user).GetToolsAsync(Request(starId, user), CancellationToken.None);

    private static Task<ChatToolResult> InvokeAsync(IChatTool tool, ChatRequest request, string callId = "call_1", JsonElement? args = null) =>
        tool.InvokeAsync(args ?? Args(), new ChatToolContext(request, _ => 0, callId), CancellationToken.None);

    /// <summary>A star of the owner subscribed to a skill at <paramref name="path"/>.</summary>
    private async Task<(Guid StarId, Guid SkillId)> SubscribedAsync(string path, SkillPricingType pricing = SkillPricingType.Usage, decimal price = 0.5m, bool isPublic = false)
    {
        var starId = await data.StarAsync(owner, isPublic);
        var (skillId, _) = await data.SkillAsync(maker, server.Url(path), pricing, price);
        var plan = pricing switch { SkillPricingType.Usage => SkillPlans.PerCall, SkillPricingType.Subscription => SkillPlans.Monthly, _ => SkillPlans.Free };
        await data.SubscribeAsync(services, owner, skillId, starId, plan);
        return (starId, skillId);
    }

    [Fact]
    public async Task MeteredCall_Success_DebitsTheOwnerCreditsTheMakerAndRecordsOneRow()
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        var tool = Assert.Single(await ToolsAsync(starId, owner));
        var request = Request(starId, owner);

        var result = await InvokeAsync(tool, request);

        Assert.True(result.Success, result.Error);
        Assert.Equal("skill_weather_now", tool.Name);
        Assert.Contains("21.5", result.Content);
        var rid = $"{request.RequestId}:call_1";
        Assert.Equal([($"skill-call:{rid}:settle", -0.5m, LedgerSource.SkillUsage, skillId.ToString())], await data.LedgerAsync(owner.UserId!.Value));
        Assert.Equal([($"skill-call:{rid}:maker", 0.4m, LedgerSource.SkillRevenue, skillId.ToString())], await data.LedgerAsync(maker.UserId!.Value));
        Assert.Equal(9.5m, await data.BalanceAsync(owner.UserId!.Value));
        Assert.Equal(0m, await data.FrozenAsync(owner.UserId!.Value));
        var call = Assert.Single(await data.CallsAsync(skillId));
        Assert.Equal((rid, true, 0.5m, 0.4m, 200), (call.RequestId, call.Success, call.Price, call.MakerShare, call.HttpStatus));
        Assert.Equal((owner.UserId, maker.UserId), ((Guid?)call.PayerId, (Guid?)call.MakerId));
        var trace = JsonDocument.Parse(result.Trace!).RootElement;
        Assert.Equal("1.0.0", trace.GetProperty("version").GetString());
        Assert.Equal(0.5m, trace.GetProperty("charged").GetDecimal());
        Assert.True(trace.GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("/hang", SkillCallCodes.Timeout)]
    [InlineData("/huge", SkillCallCodes.TooLarge)]
    [InlineData("/html", SkillCallCodes.NotJson)]
    [InlineData("/badjson", SkillCallCodes.NotJson)]
    [InlineData("/violates", SkillCallCodes.SchemaViolation)]
    [InlineData("/500", SkillCallCodes.HttpError)]
    [InlineData("/redirect", SkillCallCodes.Redirect)]
    public async Task MeteredCall_EndpointFails_IsAToolErrorRecordedWithItsCodeAndCostsNothing(string path, string code)
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync(path);
        var tool = Assert.Single(await ToolsAsync(starId, owner));

        var result = await InvokeAsync(tool, Request(starId, owner));

        Assert.False(result.Success);
        Assert.StartsWith("Error: ", result.Content);
        Assert.Contains("Nothing was charged", result.Error);
        Assert.Equal(code, JsonDocument.Parse(result.Trace!).RootElement.GetProperty("error_code").GetString());
        var call = Assert.Single(await data.CallsAsync(skillId));
        Assert.Equal((false, code, 0m, 0m), (call.Success, call.ErrorCode, call.Price, call.MakerShare));
        Assert.Empty(await data.LedgerAsync(owner.UserId!.Value));
        Assert.Empty(await data.LedgerAsync(maker.UserId!.Value));
        Assert.Equal((10m, 0m), (await data.BalanceAsync(owner.UserId!.Value), await data.FrozenAsync(owner.UserId!.Value)));
    }

    [Fact]
    public async Task MeteredCall_ReplayedRequestId_IsNeitherSentNorChargedAgain()
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        var tool = Assert.Single(await ToolsAsync(starId, owner));
        var request = Request(starId, owner);

        var first = await InvokeAsync(tool, request);
        var second = await InvokeAsync(tool, request);

        Assert.True(first.Success);
        Assert.False(second.Success);
        Assert.Equal(SkillCallCodes.Replayed, JsonDocument.Parse(second.Trace!).RootElement.GetProperty("error_code").GetString());
        Assert.Single(server.Calls);
        Assert.Single(await data.CallsAsync(skillId));
        Assert.Single(await data.LedgerAsync(owner.UserId!.Value));
        Assert.Equal(9.5m, await data.BalanceAsync(owner.UserId!.Value));
    }

    [Fact]
    public async Task MeteredCall_BalanceShort_IsRefusedBeforeCallingAndRecordsNothing()
    {
        await data.FundAsync(owner, 0.1m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        var tool = Assert.Single(await ToolsAsync(starId, owner));

        var result = await InvokeAsync(tool, Request(starId, owner));

        Assert.False(result.Success);
        Assert.Contains("balance is short", result.Error);
        Assert.Empty(server.Calls);
        Assert.Empty(await data.CallsAsync(skillId));
        Assert.Equal((0.1m, 0m), (await data.BalanceAsync(owner.UserId!.Value), await data.FrozenAsync(owner.UserId!.Value)));
    }

    [Fact]
    public async Task Call_ArgumentsAgainstTheInputSchema_AreRefusedWithoutSending()
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        var tool = Assert.Single(await ToolsAsync(starId, owner));

        var result = await InvokeAsync(tool, Request(starId, owner), args: JsonDocument.Parse("""{"town":"上海"}""").RootElement);

        Assert.False(result.Success);
        Assert.Contains("input schema", result.Error);
        Assert.Empty(server.Calls);
        Assert.Empty(await data.CallsAsync(skillId));
    }

    [Fact]
    public async Task SubscriptionCall_IsFreePerCall_AndRecorded()
    {
        await data.FundAsync(owner, 100m);
        var (starId, skillId) = await SubscribedAsync("/ok", SkillPricingType.Subscription, 9.9m);
        var tool = Assert.Single(await ToolsAsync(starId, owner));

        var result = await InvokeAsync(tool, Request(starId, owner));

        Assert.True(result.Success, result.Error);
        var call = Assert.Single(await data.CallsAsync(skillId));
        Assert.Equal((true, 0m), (call.Success, call.Price));
        Assert.Equal(90.1m, await data.BalanceAsync(owner.UserId!.Value)); // the first period only
    }

    [Fact]
    public async Task ExpiredSubscription_IsNotOffered_AndACallRacingTheExpiryIsAToolError()
    {
        await data.FundAsync(owner, 100m);
        var (starId, skillId) = await SubscribedAsync("/ok", SkillPricingType.Subscription, 9.9m);
        var tool = Assert.Single(await ToolsAsync(starId, owner));
        var sub = (await data.Subscriptions(services, owner).ListMineAsync(starId)).Single();
        await data.EndPeriodAsync(sub.Id, TimeSpan.FromMinutes(1));

        var offered = await ToolsAsync(starId, owner);
        var result = await InvokeAsync(tool, Request(starId, owner));

        Assert.Empty(offered);
        Assert.False(result.Success);
        Assert.Equal(SkillCallCodes.NotCallable, JsonDocument.Parse(result.Trace!).RootElement.GetProperty("error_code").GetString());
        Assert.Empty(server.Calls);
        Assert.Empty(await data.CallsAsync(skillId));
    }

    [Fact]
    public async Task SuspendedSkill_IsNotOffered_AndNotCalled()
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        var tool = Assert.Single(await ToolsAsync(starId, owner));
        await data.SetSkillStatusAsync(skillId, SkillStatus.Suspended);

        Assert.Empty(await ToolsAsync(starId, owner));
        var result = await InvokeAsync(tool, Request(starId, owner));
        Assert.Equal(SkillCallCodes.NotCallable, JsonDocument.Parse(result.Trace!).RootElement.GetProperty("error_code").GetString());
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task CancelledUsageSubscription_StopsAtOnce()
    {
        await data.FundAsync(owner, 10m);
        var (starId, _) = await SubscribedAsync("/ok");
        var sub = (await data.Subscriptions(services, owner).ListMineAsync(starId)).Single();

        var cancelled = await data.Subscriptions(services, owner).CancelAsync(sub.Id);

        Assert.True(cancelled.Succeeded);
        Assert.Empty(await ToolsAsync(starId, owner));
    }

    [Fact]
    public async Task PlayerOnAPublicStar_CallsTheOwnersSkill_AndTheOwnerPays()
    {
        await data.FundAsync(owner, 10m);
        var player = await pg.CreateUserAsync();
        await data.FundAsync(player, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok", isPublic: true);
        var tool = Assert.Single(await ToolsAsync(starId, player));

        var result = await InvokeAsync(tool, Request(starId, player));

        Assert.True(result.Success, result.Error);
        Assert.Equal(9.5m, await data.BalanceAsync(owner.UserId!.Value));
        Assert.Equal(10m, await data.BalanceAsync(player.UserId!.Value));
        Assert.Empty(await data.LedgerAsync(player.UserId!.Value));
        Assert.Equal(owner.UserId, (await data.CallsAsync(skillId)).Single().PayerId);
        // The player reads neither the subscription nor the owner's wallet nor the call row.
        await pg.Db(player).RunAsync(async (db, _) =>
        {
            Assert.Empty(await db.SkillSubscriptions.Where(s => s.StarId == starId).ToListAsync());
            Assert.Empty(await db.UserBalances.Where(b => b.UserId == owner.UserId).ToListAsync());
            Assert.Empty(await db.SkillCalls.Where(c => c.SkillId == skillId).ToListAsync());
        });
    }

    [Fact]
    public async Task PlayerOnAPrivateStar_GetsNoSkills_AndCannotRecordCalls()
    {
        await data.FundAsync(owner, 10m);
        var player = await pg.CreateUserAsync();
        var (starId, _) = await SubscribedAsync("/ok", isPublic: false);
        var sub = (await data.Subscriptions(services, owner).ListMineAsync(starId)).Single();

        Assert.Empty(await ToolsAsync(starId, player));
        var begin = await pg.Db(player).RunAsync((db, _) => db.Database
            .SqlQuery<string>($"SELECT outcome AS \"Value\" FROM skill_call_begin('x:1', {sub.Id})").SingleAsync());
        Assert.Equal("not_callable", begin);
        Assert.Equal(0m, await data.FrozenAsync(owner.UserId!.Value));
    }

    [Fact]
    public async Task ArchivedStar_OffersNoSkills()
    {
        await data.FundAsync(owner, 10m);
        var (starId, _) = await SubscribedAsync("/ok");
        await using (var db = pg.OwnerContext())
        {
            await db.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StarStatus.Archived));
        }

        Assert.Empty(await ToolsAsync(starId, owner));
    }

    /// <summary>A retriever with nothing in it.</summary>
    private sealed class EmptyRetriever : IKnowledgeRetriever
    {
        public Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken ct = default) =>
            Task.FromResult(new RetrievalResult([], QueryAnalysis.Empty));
    }

    private StarChatEngine Engine(UserContext user, IHttpClientFactory http)
    {
        var o = Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero });
        var protection = new EphemeralDataProtectionProvider();
        var retriever = new EmptyRetriever();
        return new StarChatEngine(
            pg.Db(user), retriever, new ChatModelResolver(protection, o), new ChatModelClientFactory(http, o),
            [new BuiltInChatToolSource(retriever, o), data.Source(services, user)], Cl100kTokenCounter.Instance, o);
    }

    private static async Task<ChatOutcome> RunAsync(IStarChatEngine engine, ChatRequest request)
    {
        ChatOutcome? outcome = null;
        await foreach (var e in engine.StreamAsync(request))
        {
            if (e is ChatCompleted done)
            {
                outcome = done.Outcome;
            }
        }

        return outcome!;
    }

    private async Task SetModelAsync(Guid? modelId)
    {
        await using var db = pg.OwnerContext();
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.DefaultModel)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, modelId is null ? "null" : $"\"{modelId}\""));
        await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.FallbackModel).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "null"));
    }

    [Fact]
    public async Task Engine_ModelCallsTheSkill_TheCallReachesTheEndpointAndIsTraced()
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        await using var model = await ScriptedOpenAiServer.StartAsync();
        var protection = new EphemeralDataProtectionProvider();
        await using (var db = pg.OwnerContext())
        {
            var provider = new LlmProvider
            {
                Id = Guid.NewGuid(), Name = "scripted-skills", BaseUrl = model.BaseUri.ToString(), IsActive = true,
                ApiKeyProtected = protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.ProviderApiKey).Protect("sk-test"),
            };
            var chatModel = new ChatModel { Id = Guid.NewGuid(), ProviderId = provider.Id, ModelId = "skill-model", DisplayName = "skill-model", IsActive = true, MaxContextTokens = 8192, DefaultParams = "{}" };
            db.LlmProviders.Add(provider);
            db.ChatModels.Add(chatModel);
            await db.SaveChangesAsync();
            await SetModelAsync(chatModel.Id);
        }

        try
        {
            model.Enqueue("skill-model", ChatScript.Tool("skill_weather_now", """{"city":"上海"}"""), ChatScript.Text("上海 21.5 度，晴。"));
            await using var http = new ServiceCollection().AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).Services.BuildServiceProvider();
            var engine = new StarChatEngine(
                pg.Db(owner), new EmptyRetriever(), new ChatModelResolver(protection, Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero })),
                new ChatModelClientFactory(http.GetRequiredService<IHttpClientFactory>()),
                [new BuiltInChatToolSource(new EmptyRetriever()), data.Source(services, owner)], Cl100kTokenCounter.Instance,
                Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero }));

            var outcome = await RunAsync(engine, Request(starId, owner, "上海天气如何"));

            Assert.True(outcome.Success, outcome.Error);
            Assert.Equal(["search_knowledge", "skill_weather_now"], model.Requests[0].ToolNames);
            var call = Assert.Single(server.Calls);
            Assert.Equal("上海", JsonDocument.Parse(call.Body).RootElement.GetProperty("arguments").GetProperty("city").GetString());
            var step = outcome.Steps.Single(s => s.Kind == TraceStepKinds.ToolCall);
            Assert.True(step.Success);
            var traced = JsonDocument.Parse(step.OutputJson!).RootElement.GetProperty("call");
            Assert.Equal(("1.0.0", 0.5m, "usage"), (traced.GetProperty("version").GetString(), traced.GetProperty("charged").GetDecimal(), traced.GetProperty("pricing").GetString()));
            Assert.True(traced.GetProperty("latency_ms").GetInt32() >= 0);
            Assert.Contains("21.5", model.Requests[1].Messages[^1].Content);
            Assert.Single(await data.CallsAsync(skillId));
        }
        finally
        {
            await SetModelAsync(null);
        }
    }

    [Fact]
    public async Task Engine_Offline_QuestionMatchingAnExample_CallsTheSkillAndShowsItsResult()
    {
        await data.FundAsync(owner, 10m);
        var (starId, skillId) = await SubscribedAsync("/ok");
        await SetModelAsync(null);
        await using var http = new ServiceCollection().AddHttpClient().BuildServiceProvider();

        var outcome = await RunAsync(Engine(owner, http.GetRequiredService<IHttpClientFactory>()), Request(starId, owner, "上海今天天气怎么样？"));

        Assert.True(outcome.Success, outcome.Error);
        Assert.Contains("我调用了技能「Weather Now」", outcome.Content);
        Assert.Contains("21.5", outcome.Content);
        var call = Assert.Single(server.Calls);
        Assert.Equal("上海", JsonDocument.Parse(call.Body).RootElement.GetProperty("arguments").GetProperty("city").GetString());
        var step = outcome.Steps.Single(s => s.Kind == TraceStepKinds.ToolCall);
        Assert.Equal("skill_weather_now", step.Name);
        Assert.Equal(0.5m, JsonDocument.Parse(step.OutputJson!).RootElement.GetProperty("call").GetProperty("charged").GetDecimal());
        Assert.Equal(9.5m, await data.BalanceAsync(owner.UserId!.Value));
        Assert.Single(await data.CallsAsync(skillId));
    }

    [Fact]
    public async Task Engine_Offline_UnrelatedQuestion_CallsNoSkill()
    {
        await data.FundAsync(owner, 10m);
        var (starId, _) = await SubscribedAsync("/ok");
        await SetModelAsync(null);
        await using var http = new ServiceCollection().AddHttpClient().BuildServiceProvider();

        var outcome = await RunAsync(Engine(owner, http.GetRequiredService<IHttpClientFactory>()), Request(starId, owner, "修补古籍用什么纸"));

        Assert.True(outcome.Success);
        Assert.Empty(server.Calls);
        Assert.DoesNotContain(outcome.Steps, s => s.Kind == TraceStepKinds.ToolCall);
    }
}
