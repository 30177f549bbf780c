using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Security;
using StarStudio.Data.Admin.Chat;
using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Integration.Admin.Chat;

/// <summary>
/// Admins manage LLM providers, their chat models and the default/fallback selection through the service; nobody else
/// can, neither through the service nor with raw SQL as the application's role. Host names resolve through a fake
/// resolver, never real DNS; imports call a real HTTP server on 127.0.0.1.
/// </summary>
public sealed class ChatModelAdminServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();

    private ChatModelAdminService Service(UserContext user, bool allowPrivate = false) =>
        new(pg.Db(user), new FixedCurrentUser(user), Http, protection,
            new FixedSecurityOptions(new SecurityOptions { AllowPrivateNetworkUrls = allowPrivate }), TimeProvider.System, ResolveAsync);

    // A fake DNS: "*.example.test" resolves to a public address, "*.internal.test" to a private one, the rest to nothing.
    private static Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult<IPAddress[]>(
        host.EndsWith(".internal.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("10.20.30.40")]
        : host.EndsWith(".example.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("93.184.216.34")]
        : []);

    private static string UniqueName(string prefix = "provider") => $"{prefix}-{Guid.NewGuid():N}"[..30];

    private static LlmProviderDraft ProviderDraft(string? name = null, string baseUrl = "https://llm.example.test/v1", string? apiKey = "sk-plain-secret") =>
        new() { Name = name ?? UniqueName(), BaseUrl = baseUrl, ApiKey = apiKey };

    private static T Ok<T>(Result<T> result)
    {
        Assert.True(result.Succeeded, $"{result.Kind}: {string.Join(", ", result.Errors.Select(e => $"{e.Field} {e.Code} {string.Join("|", e.Args)}"))}");
        return result.Value!;
    }

    private static FieldError AssertError<T>(Result<T> result, string field, string code)
    {
        Assert.Equal(ResultKind.Invalid, result.Kind);
        return Assert.Single(result.Errors, e => e.Field == field && e.Code == code);
    }

    private async Task<LlmProvider> StoredProviderAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        return await owner.LlmProviders.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    private async Task<List<ChatModel>> StoredModelsAsync(Guid providerId)
    {
        await using var owner = pg.OwnerContext();
        return await owner.ChatModels.AsNoTracking().Where(m => m.ProviderId == providerId).OrderBy(m => m.ModelId).ToListAsync();
    }

    private async Task<string> StoredConfigAsync(string key)
    {
        await using var owner = pg.OwnerContext();
        return (await owner.SystemConfigs.AsNoTracking().SingleAsync(c => c.Key == key)).Value;
    }

    // A provider with models, inserted as the owning role (arranging must not depend on the code under test).
    private async Task<(Guid ProviderId, Guid[] ModelIds)> ArrangeModelsAsync(int count = 2, bool active = true, bool providerActive = true)
    {
        var now = DateTimeOffset.UtcNow;
        var provider = new LlmProvider { Id = Guid.NewGuid(), Name = UniqueName("arranged"), BaseUrl = "https://llm.example.test", IsActive = providerActive, CreatedAt = now, UpdatedAt = now };
        var models = Enumerable.Range(0, count).Select(i => new ChatModel
        {
            Id = Guid.NewGuid(),
            ProviderId = provider.Id,
            ModelId = $"model-{i}-{Guid.NewGuid():N}"[..20],
            DisplayName = $"模型 {i}",
            IsActive = active,
            MaxContextTokens = 8192,
            DefaultParams = "{}",
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        await using var owner = pg.OwnerContext();
        owner.LlmProviders.Add(provider);
        owner.ChatModels.AddRange(models);
        await owner.SaveChangesAsync();
        return (provider.Id, models.Select(m => m.Id).ToArray());
    }

    private async Task ClearSelectionAsync(UserContext admin)
    {
        var service = Service(admin);
        Ok(await service.SetDefaultModelAsync(null));
        Ok(await service.SetFallbackModelAsync(null));
    }

    // --- providers -----------------------------------------------------------------------------

    [Fact]
    public async Task CreateProviderAsync_Admin_StoresTheKeyProtectedAndNeverReturnsIt()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);

        var view = Ok(await service.CreateProviderAsync(ProviderDraft(apiKey: "  sk-plain-secret  ")));

        Assert.True(view.HasApiKey);
        Assert.True(view.IsActive);
        Assert.Equal("https://llm.example.test", view.BaseUrl);
        var stored = await StoredProviderAsync(view.Id);
        Assert.NotNull(stored.ApiKeyProtected);
        Assert.DoesNotContain("sk-plain-secret", stored.ApiKeyProtected, StringComparison.Ordinal);
        Assert.Equal("sk-plain-secret", protection.CreateProtector("StarStudio.Chat.ProviderApiKey").Unprotect(stored.ApiKeyProtected));
        var listed = JsonSerializer.Serialize(Ok(await service.ListProvidersAsync()));
        Assert.Contains(view.Id.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-plain-secret", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.ApiKeyProtected, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-plain-secret", view.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateProviderAsync_WithoutApiKey_IsCreatedWithoutAKey()
    {
        var admin = await pg.CreateAdminAsync();

        var view = Ok(await Service(admin).CreateProviderAsync(ProviderDraft(baseUrl: "http://ollama.example.test:11434/", apiKey: " ")));

        Assert.False(view.HasApiKey);
        Assert.Equal("http://ollama.example.test:11434", view.BaseUrl);
        Assert.Null((await StoredProviderAsync(view.Id)).ApiKeyProtected);
    }

    [Fact]
    public async Task CreateProviderAsync_NameTaken_ReturnsNameTaken()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var name = UniqueName();
        Ok(await service.CreateProviderAsync(ProviderDraft(name)));

        var result = await service.CreateProviderAsync(ProviderDraft($"  {name} "));

        AssertError(result, nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameTaken);
    }

    [Fact]
    public async Task CreateProviderAsync_EveryFieldWrong_ReturnsEveryFieldError()
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).CreateProviderAsync(new LlmProviderDraft { Name = new string('名', 81), BaseUrl = "https://llm.example.test/v1?x=1", ApiKey = new string('k', 4097) });

        AssertError(result, nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameTooLong);
        AssertError(result, nameof(LlmProviderDraft.BaseUrl), ChatModelAdminRules.BaseUrlQuery);
        AssertError(result, nameof(LlmProviderDraft.ApiKey), ChatModelAdminRules.ApiKeyTooLong);
    }

    [Fact]
    public async Task CreateProviderAsync_Blank_ReturnsRequiredErrors()
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).CreateProviderAsync(new LlmProviderDraft { Name = " ", BaseUrl = "/v1" });

        AssertError(result, nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameRequired);
        AssertError(result, nameof(LlmProviderDraft.BaseUrl), ChatModelAdminRules.BaseUrlRequired);
    }

    [Fact]
    public async Task UpdateProviderAsync_BlankKey_KeepsTheStoredKey()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateProviderAsync(ProviderDraft()));
        var before = (await StoredProviderAsync(view.Id)).ApiKeyProtected;
        var draft = LlmProviderDraft.From(view);
        draft.Name = UniqueName("renamed");
        draft.BaseUrl = "https://other.example.test/V1/";

        var updated = Ok(await service.UpdateProviderAsync(view.Id, draft));

        Assert.Equal(draft.Name, updated.Name);
        Assert.Equal("https://other.example.test", updated.BaseUrl);
        Assert.True(updated.HasApiKey);
        Assert.Equal(before, (await StoredProviderAsync(view.Id)).ApiKeyProtected);
    }

    [Fact]
    public async Task UpdateProviderAsync_NewKeyThenClear_ReplacesThenRemovesTheKey()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateProviderAsync(ProviderDraft()));
        var draft = LlmProviderDraft.From(view);
        draft.ApiKey = "sk-rotated";

        Ok(await service.UpdateProviderAsync(view.Id, draft));

        var stored = (await StoredProviderAsync(view.Id)).ApiKeyProtected!;
        Assert.Equal("sk-rotated", protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.ProviderApiKey).Unprotect(stored));

        var clear = LlmProviderDraft.From(view);
        clear.ClearApiKey = true;
        Assert.False(Ok(await service.UpdateProviderAsync(view.Id, clear)).HasApiKey);
        Assert.Null((await StoredProviderAsync(view.Id)).ApiKeyProtected);
    }

    [Fact]
    public async Task UpdateProviderAsync_RenameToAnotherProvidersName_ReturnsNameTaken()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var first = Ok(await service.CreateProviderAsync(ProviderDraft()));
        var second = Ok(await service.CreateProviderAsync(ProviderDraft()));
        var draft = LlmProviderDraft.From(second);
        draft.Name = first.Name;

        AssertError(await service.UpdateProviderAsync(second.Id, draft), nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameTaken);
    }

    [Fact]
    public async Task UpdateProviderAsync_UnknownId_ReturnsNotFound()
    {
        var admin = await pg.CreateAdminAsync();

        Assert.Equal(ResultKind.NotFound, (await Service(admin).UpdateProviderAsync(Guid.NewGuid(), ProviderDraft())).Kind);
    }

    [Fact]
    public async Task SetProviderActiveAsync_Admin_DeactivatesAndReactivates()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateProviderAsync(ProviderDraft()));

        Assert.False(Ok(await service.SetProviderActiveAsync(view.Id, false)).IsActive);
        Assert.False((await StoredProviderAsync(view.Id)).IsActive);
        Assert.True(Ok(await service.SetProviderActiveAsync(view.Id, true)).IsActive);
        Assert.True((await StoredProviderAsync(view.Id)).IsActive);
    }

    [Fact]
    public async Task DeleteProviderAsync_Admin_DeletesItWithItsModels()
    {
        var admin = await pg.CreateAdminAsync();
        await ClearSelectionAsync(admin);
        var (providerId, _) = await ArrangeModelsAsync();

        Assert.True(Ok(await Service(admin).DeleteProviderAsync(providerId)));

        await using var owner = pg.OwnerContext();
        Assert.False(await owner.LlmProviders.AnyAsync(p => p.Id == providerId));
        Assert.False(await owner.ChatModels.AnyAsync(m => m.ProviderId == providerId));
        Assert.Equal(ResultKind.NotFound, (await Service(admin).DeleteProviderAsync(providerId)).Kind);
    }

    [Fact]
    public async Task DeleteProviderAsync_ProviderOfTheDefaultOrFallback_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        await ClearSelectionAsync(admin);
        var (providerId, modelIds) = await ArrangeModelsAsync();
        Ok(await service.SetFallbackModelAsync(modelIds[1]));

        AssertError(await service.DeleteProviderAsync(providerId), "Provider", ChatModelAdminRules.ProviderDeleteInUse);
        AssertError(await service.SetProviderActiveAsync(providerId, false), nameof(LlmProviderView.IsActive), ChatModelAdminRules.ProviderActiveInUse);

        await using var owner = pg.OwnerContext();
        Assert.True(await owner.LlmProviders.AnyAsync(p => p.Id == providerId && p.IsActive));
        await ClearSelectionAsync(admin);
    }

    // --- SSRF ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://[::1]:8000/v1")]
    [InlineData("http://169.254.169.254")]
    [InlineData("http://vllm.internal.test:8000/v1")]
    public async Task CreateProviderAsync_PrivateBaseUrl_IsRefusedWithUrlPrivateNetwork(string url)
    {
        var admin = await pg.CreateAdminAsync();
        var name = UniqueName();

        var result = await Service(admin).CreateProviderAsync(ProviderDraft(name, url));

        AssertError(result, nameof(LlmProviderDraft.BaseUrl), UrlSafety.PrivateNetworkCode);
        await using var owner = pg.OwnerContext();
        Assert.False(await owner.LlmProviders.AnyAsync(p => p.Name == name));
    }

    [Fact]
    public async Task CreateProviderAsync_LoopbackWhenPrivateNetworksAreAllowed_IsCreated()
    {
        var admin = await pg.CreateAdminAsync();

        var view = Ok(await Service(admin, allowPrivate: true).CreateProviderAsync(ProviderDraft(baseUrl: "http://127.0.0.1:1")));

        Assert.Equal("http://127.0.0.1:1", view.BaseUrl);
    }

    [Theory]
    [InlineData("ftp://llm.example.test", UrlSafety.SchemeCode)]
    [InlineData("http://user:pw@llm.example.test", UrlSafety.InvalidCode)]
    [InlineData("not a url", UrlSafety.InvalidCode)]
    [InlineData("https://nowhere.test/v1", UrlSafety.UnresolvableCode)]
    public async Task CreateProviderAsync_UnusableBaseUrl_ReturnsItsUrlCode(string url, string code)
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin, allowPrivate: true).CreateProviderAsync(ProviderDraft(baseUrl: url));

        AssertError(result, nameof(LlmProviderDraft.BaseUrl), code);
    }

    [Fact]
    public async Task UpdateProviderAsync_BaseUrlToMetadataAddress_IsRefusedAndKeepsTheOldUrl()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateProviderAsync(ProviderDraft()));
        var draft = LlmProviderDraft.From(view);
        draft.BaseUrl = "http://169.254.169.254/latest";

        AssertError(await service.UpdateProviderAsync(view.Id, draft), nameof(LlmProviderDraft.BaseUrl), UrlSafety.PrivateNetworkCode);
        Assert.Equal("https://llm.example.test", (await StoredProviderAsync(view.Id)).BaseUrl);
    }

    [Fact]
    public async Task ImportModelsAsync_PrivateUrlAfterPrivateNetworksWereTurnedOff_IsRefusedWithoutACall()
    {
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(("m", 4096)));
        var admin = await pg.CreateAdminAsync();
        var provider = Ok(await Service(admin, allowPrivate: true).CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));

        var result = await Service(admin, allowPrivate: false).ImportModelsAsync(provider.Id);

        AssertError(result, nameof(LlmProviderDraft.BaseUrl), UrlSafety.PrivateNetworkCode);
        Assert.Empty(server.Requests);
    }

    // --- import --------------------------------------------------------------------------------

    [Fact]
    public async Task ImportModelsAsync_VllmServer_AddsModelsWithTheirContextSize()
    {
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(
            ("Qwen/Qwen2.5-7B-Instruct", 32768), ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 131072), ("tiny-model", null)));
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl + "/v1", apiKey: "sk-vllm-token")));

        var import = Ok(await service.ImportModelsAsync(provider.Id));

        Assert.Equal(3, import.Listed);
        Assert.Equal(3, import.Added);
        Assert.Equal(0, import.Updated);
        Assert.Equal(new[] { "Qwen/Qwen2.5-7B-Instruct", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "tiny-model" }, import.AddedModelIds);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/models", request.Path);
        Assert.Equal("Bearer sk-vllm-token", request.Authorization);

        var stored = (await StoredModelsAsync(provider.Id)).ToDictionary(m => m.ModelId);
        Assert.Equal(32768, stored["Qwen/Qwen2.5-7B-Instruct"].MaxContextTokens);
        Assert.Equal(131072, stored["deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"].MaxContextTokens);
        Assert.Equal(4096, stored["tiny-model"].MaxContextTokens);
        Assert.All(stored.Values, m =>
        {
            Assert.Equal(m.ModelId, m.DisplayName);
            Assert.True(m.IsActive);
            Assert.False(m.HasThinking);
            Assert.Null(m.ServiceUrl);
        });

        var catalog = Ok(await service.ListModelsAsync());
        var listed = Assert.Single(catalog.Models, m => m.ProviderId == provider.Id && m.ModelId == "Qwen/Qwen2.5-7B-Instruct");
        Assert.Equal(provider.Name, listed.ProviderName);
        Assert.Equal(3, Assert.Single(Ok(await service.ListProvidersAsync()), p => p.Id == provider.Id).ModelCount);
    }

    [Fact]
    public async Task ImportModelsAsync_SecondImport_AddsNothingNewAndKeepsAdminSettings()
    {
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(("Qwen/Qwen2.5-7B-Instruct", 32768), ("tiny-model", null)));
        var admin = await pg.CreateAdminAsync();
        await ClearSelectionAsync(admin);
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl, apiKey: null)));
        Ok(await service.ImportModelsAsync(provider.Id));
        var qwen = Ok(await service.ListModelsAsync()).Models.Single(m => m.ProviderId == provider.Id && m.ModelId == "Qwen/Qwen2.5-7B-Instruct");
        var edit = ChatModelDraft.From(qwen);
        edit.DisplayName = "通义千问 7B";
        edit.IsActive = false;
        edit.HasThinking = true;
        Ok(await service.UpdateModelAsync(qwen.Id, edit));

        var again = Ok(await service.ImportModelsAsync(provider.Id));

        Assert.Equal(2, again.Listed);
        Assert.Equal(0, again.Added);
        Assert.Equal(0, again.Updated);
        Assert.Empty(again.AddedModelIds);
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
        var stored = await StoredModelsAsync(provider.Id);
        Assert.Equal(2, stored.Count);
        var kept = stored.Single(m => m.ModelId == "Qwen/Qwen2.5-7B-Instruct");
        Assert.Equal("通义千问 7B", kept.DisplayName);
        Assert.False(kept.IsActive);
        Assert.True(kept.HasThinking);
    }

    [Fact]
    public async Task ImportModelsAsync_ServerReportsANewContextSize_UpdatesOnlyTheContext()
    {
        var context = 8192;
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(("Qwen/Qwen2.5-7B-Instruct", context), ("other", null)));
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));
        Ok(await service.ImportModelsAsync(provider.Id));
        context = 32768;

        var again = Ok(await service.ImportModelsAsync(provider.Id));

        Assert.Equal(0, again.Added);
        Assert.Equal(1, again.Updated);
        Assert.Equal(32768, (await StoredModelsAsync(provider.Id)).Single(m => m.ModelId == "Qwen/Qwen2.5-7B-Instruct").MaxContextTokens);
    }

    [Fact]
    public async Task ImportModelsAsync_OpenRouterStyleContextLength_IsUsedAndClamped()
    {
        await using var server = await ModelListServer.StartAsync(_ => (HttpStatusCode.OK, """
            {"data":[{"id":"openai/gpt-4o","context_length":128000},{"id":"huge","context_length":10000000},{"id":"","context_length":1},{"name":"no id"}]}
            """));
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));

        var import = Ok(await service.ImportModelsAsync(provider.Id));

        Assert.Equal(2, import.Added);
        Assert.Equal(2, import.Skipped);
        var stored = (await StoredModelsAsync(provider.Id)).ToDictionary(m => m.ModelId);
        Assert.Equal(128000, stored["openai/gpt-4o"].MaxContextTokens);
        Assert.Equal(ChatModelAdminRules.ContextMax, stored["huge"].MaxContextTokens);
    }

    [Fact]
    public async Task ImportModelsAsync_ServerReturns500_ReturnsAReadableError()
    {
        await using var server = await ModelListServer.StartAsync(_ => (HttpStatusCode.InternalServerError, """{"error":{"message":"CUDA out of memory","type":"server_error"}}"""));
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));

        var result = await service.ImportModelsAsync(provider.Id);

        var error = AssertError(result, ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed);
        var detail = Assert.IsType<string>(Assert.Single(error.Args));
        Assert.Contains("500", detail, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", detail, StringComparison.Ordinal);
        Assert.Empty(await StoredModelsAsync(provider.Id));
    }

    [Fact]
    public async Task ImportModelsAsync_ServerEchoesTheRefusedKey_TheErrorDoesNotContainIt()
    {
        await using var server = await ModelListServer.StartAsync(r => (HttpStatusCode.Unauthorized,
            JsonSerializer.Serialize(new { error = new { message = $"Incorrect API key provided: {r.Authorization?["Bearer ".Length..]}" } })));
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl, apiKey: "sk-wrong-key-123")));

        var result = await service.ImportModelsAsync(provider.Id);

        var detail = (string)AssertError(result, ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed).Args[0];
        Assert.Contains("401", detail, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-key-123", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportModelsAsync_AnswerIsNotAModelList_ReturnsImportFailed()
    {
        await using var server = await ModelListServer.StartAsync(_ => (HttpStatusCode.OK, "<html>it works</html>"));
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));

        var result = await service.ImportModelsAsync(provider.Id);

        var detail = (string)AssertError(result, ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed).Args[0];
        Assert.Contains("not an OpenAI model list", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportModelsAsync_ServerTooSlow_ReturnsImportTimeout()
    {
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(("late", 4096)));
        server.Delay = TimeSpan.FromSeconds(10);
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));
        var impatient = new ChatModelAdminService(pg.Db(admin), new FixedCurrentUser(admin), Http, protection,
            new FixedSecurityOptions(new SecurityOptions { AllowPrivateNetworkUrls = true }), TimeProvider.System, ResolveAsync)
        {
            ImportTimeout = TimeSpan.FromMilliseconds(300),
        };

        var result = await impatient.ImportModelsAsync(provider.Id);

        var error = AssertError(result, ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportTimeout);
        Assert.Equal(1, error.Args[0]);
        Assert.Empty(await StoredModelsAsync(provider.Id));
        Assert.Equal(TimeSpan.FromSeconds(10), Service(admin).ImportTimeout);
    }

    [Fact]
    public async Task ImportModelsAsync_GuardedHttpClientAsTheAppRegistersIt_RefusesToConnectToLoopback()
    {
        // The registration the app should use: the handler checks the address it actually connects to (DNS rebinding).
        var guarded = new ServiceCollection()
            .AddHttpClient(ChatModelAdminService.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => StarStudio.Data.Security.GuardedHttpHandler.Create(() => false))
            .Services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(("m", 4096)));
        var admin = await pg.CreateAdminAsync();
        var provider = Ok(await Service(admin, allowPrivate: true).CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));
        var service = new ChatModelAdminService(pg.Db(admin), new FixedCurrentUser(admin), guarded, protection,
            new FixedSecurityOptions(new SecurityOptions { AllowPrivateNetworkUrls = true }), TimeProvider.System, ResolveAsync);

        var result = await service.ImportModelsAsync(provider.Id);

        var detail = (string)AssertError(result, ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed).Args[0];
        Assert.Contains("private or reserved", detail, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ImportModelsAsync_NobodyListening_ReturnsImportFailed()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var provider = Ok(await service.CreateProviderAsync(ProviderDraft(baseUrl: $"http://127.0.0.1:{StarStudio.TestSupport.LoopbackPorts.Free()}")));

        var result = await service.ImportModelsAsync(provider.Id);

        var detail = (string)AssertError(result, ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed).Args[0];
        Assert.False(string.IsNullOrWhiteSpace(detail));
    }

    [Fact]
    public async Task ImportModelsAsync_UnknownProvider_ReturnsNotFound()
    {
        var admin = await pg.CreateAdminAsync();

        Assert.Equal(ResultKind.NotFound, (await Service(admin).ImportModelsAsync(Guid.NewGuid())).Kind);
    }

    // --- models --------------------------------------------------------------------------------

    [Fact]
    public async Task UpdateModelAsync_ValidDraft_SavesEveryField()
    {
        var admin = await pg.CreateAdminAsync();
        var (_, modelIds) = await ArrangeModelsAsync(1);
        var draft = new ChatModelDraft
        {
            DisplayName = "  深度求索 R1  ",
            Description = "推理模型",
            MaxContextTokens = 65536,
            HasThinking = true,
            DefaultParams = """{ "temperature": 0.6, "top_p": 0.95, "stop": ["</s>"] }""",
            ServiceUrl = "https://r1.example.test/v1/",
            IsActive = true,
            PriceInPer1K = 0.004m,
            PriceOutPer1K = 0.016m,
        };

        var view = Ok(await Service(admin).UpdateModelAsync(modelIds[0], draft));

        Assert.Equal("深度求索 R1", view.DisplayName);
        Assert.Equal("推理模型", view.Description);
        Assert.Equal(65536, view.MaxContextTokens);
        Assert.True(view.HasThinking);
        Assert.Equal("https://r1.example.test", view.ServiceUrl);
        using var stored = JsonDocument.Parse(view.DefaultParams);
        Assert.Equal(0.6, stored.RootElement.GetProperty("temperature").GetDouble());
        Assert.Equal("</s>", stored.RootElement.GetProperty("stop")[0].GetString());
        Assert.StartsWith("arranged-", view.ProviderName, StringComparison.Ordinal);
        Assert.Equal((0.004m, 0.016m), (view.PriceInPer1K, view.PriceOutPer1K));
    }

    [Fact]
    public async Task UpdateModelAsync_BlankOptionalFields_StoresEmptyParamsAndNoServiceUrl()
    {
        var admin = await pg.CreateAdminAsync();
        var (_, modelIds) = await ArrangeModelsAsync(1);

        var view = Ok(await Service(admin).UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = "x", DefaultParams = " ", ServiceUrl = " ", Description = " " }));

        Assert.Equal("{}", view.DefaultParams);
        Assert.Null(view.ServiceUrl);
        Assert.Null(view.Description);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"temperature\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"temperature\": 0.7,}")]
    [InlineData("{oops")]
    [InlineData("{\"stop\": \"\\u0000\"}")]
    public async Task UpdateModelAsync_DefaultParamsNotAJsonObject_IsRefused(string json)
    {
        var admin = await pg.CreateAdminAsync();
        var (_, modelIds) = await ArrangeModelsAsync(1);

        var result = await Service(admin).UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = "x", DefaultParams = json });

        AssertError(result, nameof(ChatModelDraft.DefaultParams), ChatModelAdminRules.DefaultParamsInvalid);
        await using var owner = pg.OwnerContext();
        Assert.Equal("{}", (await owner.ChatModels.AsNoTracking().SingleAsync(m => m.Id == modelIds[0])).DefaultParams);
    }

    [Theory]
    [InlineData(255)]
    [InlineData(2_000_001)]
    [InlineData(0)]
    public async Task UpdateModelAsync_ContextOutOfRange_IsRefused(int tokens)
    {
        var admin = await pg.CreateAdminAsync();
        var (_, modelIds) = await ArrangeModelsAsync(1);

        var result = await Service(admin).UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = "x", MaxContextTokens = tokens });

        AssertError(result, nameof(ChatModelDraft.MaxContextTokens), ChatModelAdminRules.ContextOutOfRange);
    }

    [Fact]
    public async Task UpdateModelAsync_BlankOrLongDisplayName_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var (_, modelIds) = await ArrangeModelsAsync(1);
        var service = Service(admin);

        AssertError(await service.UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = " " }), nameof(ChatModelDraft.DisplayName), ChatModelAdminRules.DisplayNameRequired);
        AssertError(await service.UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = new string('模', 121) }), nameof(ChatModelDraft.DisplayName), ChatModelAdminRules.DisplayNameTooLong);
    }

    [Fact]
    public async Task UpdateModelAsync_PrivateServiceUrl_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var (_, modelIds) = await ArrangeModelsAsync(1);

        var result = await Service(admin).UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = "x", ServiceUrl = "http://10.0.0.5:8000/v1" });

        AssertError(result, nameof(ChatModelDraft.ServiceUrl), UrlSafety.PrivateNetworkCode);
    }

    [Fact]
    public async Task UpdateModelAsync_DeactivatingTheDefault_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        await ClearSelectionAsync(admin);
        var (_, modelIds) = await ArrangeModelsAsync(1);
        Ok(await service.SetDefaultModelAsync(modelIds[0]));
        var draft = ChatModelDraft.From(Ok(await service.ListModelsAsync()).Models.Single(m => m.Id == modelIds[0]));
        draft.IsActive = false;

        AssertError(await service.UpdateModelAsync(modelIds[0], draft), nameof(ChatModelDraft.IsActive), ChatModelAdminRules.ModelActiveInUse);

        await using var owner = pg.OwnerContext();
        Assert.True((await owner.ChatModels.AsNoTracking().SingleAsync(m => m.Id == modelIds[0])).IsActive);
        await ClearSelectionAsync(admin);
    }

    [Fact]
    public async Task UpdateModelAsync_UnknownId_ReturnsNotFound()
    {
        var admin = await pg.CreateAdminAsync();

        Assert.Equal(ResultKind.NotFound, (await Service(admin).UpdateModelAsync(Guid.NewGuid(), new ChatModelDraft { DisplayName = "x" })).Kind);
    }

    // --- default and fallback ------------------------------------------------------------------

    [Fact]
    public async Task SetDefaultAndFallback_ActiveModels_WriteSystemConfigsAsJsonStrings()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        await ClearSelectionAsync(admin);
        var (_, modelIds) = await ArrangeModelsAsync(2);

        var afterDefault = Ok(await service.SetDefaultModelAsync(modelIds[0]));
        var afterFallback = Ok(await service.SetFallbackModelAsync(modelIds[1]));

        Assert.Equal(new ChatModelSelection(modelIds[0], null), afterDefault);
        Assert.Equal(new ChatModelSelection(modelIds[0], modelIds[1]), afterFallback);
        Assert.Equal(modelIds[0].ToString(), JsonDocument.Parse(await StoredConfigAsync("default_chat_model")).RootElement.GetString());
        Assert.Equal(modelIds[1].ToString(), JsonDocument.Parse(await StoredConfigAsync("fallback_chat_model")).RootElement.GetString());
        var catalog = Ok(await service.ListModelsAsync());
        Assert.Equal(afterFallback, catalog.Selection);
        Assert.True(catalog.Models.Single(m => m.Id == modelIds[0]).IsDefault);
        Assert.True(catalog.Models.Single(m => m.Id == modelIds[1]).IsFallback);
        Assert.Single(catalog.Models, m => m.IsDefault);
        Assert.Single(catalog.Models, m => m.IsFallback);

        Assert.Equal(new ChatModelSelection(null, modelIds[1]), Ok(await service.SetDefaultModelAsync(null)));
        Assert.Equal("null", await StoredConfigAsync("default_chat_model"));
        Ok(await service.SetFallbackModelAsync(null));
        Assert.Equal("null", await StoredConfigAsync("fallback_chat_model"));
    }

    [Fact]
    public async Task SetDefaultModel_WithTheEnginesCachedConfig_TheNextAnswerUsesTheChangeAtOnce()
    {
        var admin = await pg.CreateAdminAsync();
        await ClearSelectionAsync(admin);
        var (_, modelIds) = await ArrangeModelsAsync(2);
        var engineConfig = new ChatModelResolver(protection, Microsoft.Extensions.Options.Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.FromMinutes(5) }));
        var service = new ChatModelAdminService(pg.Db(admin), new FixedCurrentUser(admin), Http, protection,
            new FixedSecurityOptions(new SecurityOptions()), TimeProvider.System, ResolveAsync, engineConfig);
        Ok(await service.SetDefaultModelAsync(modelIds[0]));
        var before = await engineConfig.ResolveAsync(pg.Db(admin));

        Ok(await service.SetDefaultModelAsync(modelIds[1]));
        var after = await engineConfig.ResolveAsync(pg.Db(admin));
        AssertError(await service.SetFallbackModelAsync(modelIds[1]), ChatModelAdminRules.FallbackModelField, ChatModelAdminRules.SelectionSame);
        var afterRefusal = await engineConfig.ResolveAsync(pg.Db(admin));

        Assert.Equal(modelIds[0], before.Primary?.Model.Id);
        Assert.Equal(modelIds[1], after.Primary?.Model.Id);
        Assert.Same(after, afterRefusal);
        await ClearSelectionAsync(admin);
    }

    [Fact]
    public async Task SetDefaultAndFallback_SameModel_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        await ClearSelectionAsync(admin);
        var (_, modelIds) = await ArrangeModelsAsync(2);
        Ok(await service.SetDefaultModelAsync(modelIds[0]));

        AssertError(await service.SetFallbackModelAsync(modelIds[0]), ChatModelAdminRules.FallbackModelField, ChatModelAdminRules.SelectionSame);
        Ok(await service.SetFallbackModelAsync(modelIds[1]));
        AssertError(await service.SetDefaultModelAsync(modelIds[1]), ChatModelAdminRules.DefaultModelField, ChatModelAdminRules.SelectionSame);

        Assert.Equal(modelIds[0].ToString(), JsonDocument.Parse(await StoredConfigAsync("default_chat_model")).RootElement.GetString());
        Assert.Equal(modelIds[1].ToString(), JsonDocument.Parse(await StoredConfigAsync("fallback_chat_model")).RootElement.GetString());
        await ClearSelectionAsync(admin);
    }

    [Fact]
    public async Task SetDefaultAndFallback_InactiveModelOrProvider_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        await ClearSelectionAsync(admin);
        var (_, inactiveModels) = await ArrangeModelsAsync(1, active: false);
        var (_, modelsOfInactiveProvider) = await ArrangeModelsAsync(1, providerActive: false);

        AssertError(await service.SetDefaultModelAsync(inactiveModels[0]), ChatModelAdminRules.DefaultModelField, ChatModelAdminRules.SelectionInactive);
        AssertError(await service.SetFallbackModelAsync(inactiveModels[0]), ChatModelAdminRules.FallbackModelField, ChatModelAdminRules.SelectionInactive);
        AssertError(await service.SetDefaultModelAsync(modelsOfInactiveProvider[0]), ChatModelAdminRules.DefaultModelField, ChatModelAdminRules.SelectionInactive);

        Assert.Equal("null", await StoredConfigAsync("default_chat_model"));
        Assert.Equal("null", await StoredConfigAsync("fallback_chat_model"));
    }

    [Fact]
    public async Task SetDefaultModelAsync_UnknownModel_ReturnsNotFound()
    {
        var admin = await pg.CreateAdminAsync();

        Assert.Equal(ResultKind.NotFound, (await Service(admin).SetDefaultModelAsync(Guid.NewGuid())).Kind);
    }

    // --- who may -------------------------------------------------------------------------------

    [Fact]
    public async Task EveryOperation_NonAdmin_IsForbidden()
    {
        var user = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var service = Service(user, allowPrivate: true);
        var (providerId, modelIds) = await ArrangeModelsAsync(1);

        Assert.Equal(ResultKind.Forbidden, (await service.ListProvidersAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CreateProviderAsync(ProviderDraft())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CreateProviderAsync(new LlmProviderDraft())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateProviderAsync(providerId, ProviderDraft())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetProviderActiveAsync(providerId, false)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.DeleteProviderAsync(providerId)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.ImportModelsAsync(providerId)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.ListModelsAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = "x" })).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetDefaultModelAsync(modelIds[0])).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetFallbackModelAsync(null)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Service(UserContext.Anonymous).ListModelsAsync()).Kind);
    }

    [Fact]
    public async Task EveryWrite_AdminClaimTheDatabaseDoesNotConfirm_IsForbiddenByRls()
    {
        // A user whose session says "admin" but who holds no admin role in user_roles (revoked, or forged).
        var player = await pg.CreateUserAsync();
        var claimsAdmin = UserContext.For(player.UserId!.Value, RoleNames.Admin);
        var admin = await pg.CreateAdminAsync();
        await ClearSelectionAsync(admin);
        var (providerId, modelIds) = await ArrangeModelsAsync(1);
        await using var server = await ModelListServer.StartAsync(_ => ModelListServer.Vllm(("forged-import", 4096)));
        var importable = Ok(await Service(admin, allowPrivate: true).CreateProviderAsync(ProviderDraft(baseUrl: server.BaseUrl)));
        var service = Service(claimsAdmin, allowPrivate: true);
        var name = UniqueName("forged");

        Assert.Equal(ResultKind.Forbidden, (await service.CreateProviderAsync(ProviderDraft(name))).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateProviderAsync(providerId, ProviderDraft(name, "https://evil.example.test"))).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetProviderActiveAsync(providerId, false)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.DeleteProviderAsync(providerId)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateModelAsync(modelIds[0], new ChatModelDraft { DisplayName = "forged", MaxContextTokens = 999 })).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetDefaultModelAsync(modelIds[0])).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.ImportModelsAsync(importable.Id)).Kind);

        await using var owner = pg.OwnerContext();
        Assert.False(await owner.LlmProviders.AnyAsync(p => p.Name == name));
        var provider = await owner.LlmProviders.AsNoTracking().SingleAsync(p => p.Id == providerId);
        Assert.True(provider.IsActive);
        Assert.Equal("https://llm.example.test", provider.BaseUrl);
        Assert.NotEqual(999, (await owner.ChatModels.AsNoTracking().SingleAsync(m => m.Id == modelIds[0])).MaxContextTokens);
        Assert.False(await owner.ChatModels.AnyAsync(m => m.ProviderId == importable.Id));
        Assert.Equal("null", await StoredConfigAsync("default_chat_model"));
    }

    [Fact]
    public async Task RawSql_NonAdmin_CannotInsertProvidersOrModels()
    {
        var user = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var (providerId, _) = await ArrangeModelsAsync(1);
        var name = UniqueName("raw");

        var provider = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO llm_providers (name, base_url, is_active) VALUES ({name}, 'http://169.254.169.254', true)")));
        var model = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO chat_models (provider_id, model_id, display_name, is_active, has_thinking) VALUES ({providerId}, 'raw', 'raw', true, false)")));
        var config = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO system_configs (key, value) VALUES ('default_chat_model', '\"x\"'::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value")));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, provider.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, model.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, config.SqlState);
    }

    [Fact]
    public async Task RawSql_NonAdmin_CannotUpdateOrDeleteButCanRead()
    {
        var user = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var (providerId, modelIds) = await ArrangeModelsAsync(1);
        var db = pg.Db(user);

        var updatedProviders = await db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"UPDATE llm_providers SET base_url = 'http://169.254.169.254' WHERE id = {providerId}"));
        var updatedModels = await db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"UPDATE chat_models SET max_context_tokens = 999 WHERE id = {modelIds[0]}"));
        var updatedConfigs = await db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"UPDATE system_configs SET value = '\"x\"'::jsonb WHERE key = 'default_chat_model'"));
        var deletedModels = await db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"DELETE FROM chat_models"));
        var deletedProviders = await db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"DELETE FROM llm_providers"));
        var seenModels = await db.RunAsync((ctx, _) => ctx.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM chat_models").SingleAsync());

        Assert.Equal(0, updatedProviders);
        Assert.Equal(0, updatedModels);
        Assert.Equal(0, updatedConfigs);
        Assert.Equal(0, deletedModels);
        Assert.Equal(0, deletedProviders);
        Assert.True(seenModels >= 1, "everyone reads the models (the chat engine runs as the player)");
        Assert.Equal("https://llm.example.test", (await StoredProviderAsync(providerId)).BaseUrl);

        var byAdmin = await pg.Db(admin).RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"UPDATE chat_models SET max_context_tokens = 999 WHERE id = {modelIds[0]}"));
        Assert.Equal(1, byAdmin);
    }
}
