using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Admin;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Data.Admin;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Tests.Unit.Knowledge.Embeddings;

namespace StarStudio.Tests.Integration.Admin;

/// <summary>
/// Admins manage the embedding model registry through the service; nobody else can, neither through the service
/// nor with raw SQL as the application's role. Host names resolve through a fake resolver, never real DNS.
/// </summary>
public sealed class EmbeddingModelAdminServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    private static readonly Guid SeededLocalId = Guid.Parse("6f1c2a10-0000-4000-8000-0000000000e1");

    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();
    private readonly OpenAiCompatibleEmbedderTests.EmbeddingServer server = new();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private EmbeddingModelAdminService Service(UserContext user, bool allowPrivate = false) =>
        new(pg.Db(user), new FixedCurrentUser(user), new EmbeddingModelResolver(Http, protection),
            new FixedOptions(new SecurityOptions { AllowPrivateNetworkUrls = allowPrivate }), ResolveAsync);

    // A fake DNS: public names resolve to a public address, "*.internal.test" to a private one.
    private static Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult<IPAddress[]>(
        host.EndsWith(".internal.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("10.20.30.40")]
        : host.EndsWith(".example.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("93.184.216.34")]
        : []);

    private static string UniqueName(string prefix = "model") => $"{prefix}-{Guid.NewGuid():N}"[..30];

    private static EmbeddingModelDraft OpenAiDraft(string? name = null, string baseUrl = "https://api.example.test/v1", string? apiKey = "sk-plain-secret", int dimension = 1536) => new()
    {
        Name = name ?? UniqueName(),
        Provider = EmbeddingProviders.OpenAi,
        Dimension = dimension,
        MaxInputTokens = 8191,
        BaseUrl = baseUrl,
        ApiKey = apiKey,
    };

    private static EmbeddingModelDraft LocalDraft(string? name = null, int dimension = 768) => new()
    {
        Name = name ?? UniqueName("local"),
        Provider = EmbeddingProviders.Local,
        Dimension = dimension,
        MaxInputTokens = 4096,
    };

    private async Task<EmbeddingModel> StoredAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        return await owner.EmbeddingModels.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private static EmbeddingModelView Ok(Result<EmbeddingModelView> result)
    {
        Assert.True(result.Succeeded, $"{result.Kind}: {string.Join(", ", result.Errors.Select(e => e.Field + " " + e.Code))}");
        return result.Value!;
    }

    private static void AssertError(Result<EmbeddingModelView> result, string field, string code)
    {
        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }

    // --- listing -----------------------------------------------------------------------------

    [Fact]
    public async Task ListAsync_Admin_SeesTheSeededLocalModelWithoutAKey()
    {
        var admin = await pg.CreateAdminAsync();

        var list = await Service(admin).ListAsync();

        Assert.True(list.Succeeded);
        var local = Assert.Single(list.Value!, m => m.Id == SeededLocalId);
        Assert.Equal("local-hash-384", local.Name);
        Assert.Equal(384, local.Dimension);
        Assert.False(local.HasApiKey);
        Assert.Single(list.Value!, m => m.IsDefault);
    }

    // --- create ------------------------------------------------------------------------------

    [Fact]
    public async Task CreateAsync_Admin_OpenAiModel_StoresTheKeyProtectedAndNeverReturnsIt()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);

        var view = Ok(await service.CreateAsync(OpenAiDraft(apiKey: "  sk-plain-secret  ")));

        Assert.True(view.HasApiKey);
        Assert.True(view.IsActive);
        Assert.False(view.IsDefault);
        Assert.Equal("https://api.example.test/v1", view.BaseUrl);
        var stored = await StoredAsync(view.Id);
        Assert.NotNull(stored.ApiKeyProtected);
        Assert.DoesNotContain("sk-plain-secret", stored.ApiKeyProtected, StringComparison.Ordinal);
        Assert.Equal("sk-plain-secret", protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.EmbeddingModelApiKey).Unprotect(stored.ApiKeyProtected));
        var listed = JsonSerializer.Serialize((await service.ListAsync()).Value);
        Assert.DoesNotContain("sk-plain-secret", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.ApiKeyProtected, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-plain-secret", view.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_LocalModel_NeedsNeitherUrlNorKeyAndKeepsNone()
    {
        var admin = await pg.CreateAdminAsync();
        var draft = LocalDraft();
        draft.BaseUrl = "http://127.0.0.1:9";
        draft.ApiKey = "ignored";

        var view = Ok(await Service(admin).CreateAsync(draft));

        Assert.Equal(EmbeddingProviders.Local, view.Provider);
        Assert.Null(view.BaseUrl);
        Assert.False(view.HasApiKey);
        Assert.Null((await StoredAsync(view.Id)).ApiKeyProtected);
    }

    [Fact]
    public async Task CreateAsync_NameTaken_ReturnsNameTaken()
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).CreateAsync(LocalDraft(" local-hash-384 ", 384));

        AssertError(result, nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameTaken);
    }

    [Fact]
    public async Task CreateAsync_EveryFieldWrong_ReturnsEveryFieldError()
    {
        var admin = await pg.CreateAdminAsync();
        var draft = new EmbeddingModelDraft { Name = " ", Provider = EmbeddingProviders.OpenAi, Dimension = 512, MaxInputTokens = 0, BaseUrl = "", ApiKey = "" };

        var result = await Service(admin).CreateAsync(draft);

        AssertError(result, nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameRequired);
        AssertError(result, nameof(EmbeddingModelDraft.Dimension), EmbeddingModelRules.DimensionUnsupported);
        AssertError(result, nameof(EmbeddingModelDraft.MaxInputTokens), EmbeddingModelRules.MaxInputTokensOutOfRange);
        AssertError(result, nameof(EmbeddingModelDraft.BaseUrl), EmbeddingModelRules.BaseUrlRequired);
        AssertError(result, nameof(EmbeddingModelDraft.ApiKey), EmbeddingModelRules.ApiKeyRequired);
    }

    [Fact]
    public async Task CreateAsync_UnknownProvider_ReturnsProviderInvalid()
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).CreateAsync(new EmbeddingModelDraft { Name = UniqueName(), Provider = "cohere", Dimension = 1024, MaxInputTokens = 512 });

        AssertError(result, nameof(EmbeddingModelDraft.Provider), EmbeddingModelRules.ProviderInvalid);
    }

    // --- SSRF --------------------------------------------------------------------------------

    [Theory]
    [InlineData("http://127.0.0.1:9")]
    [InlineData("http://[::1]:9/v1")]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://[::ffff:10.0.0.1]")]
    [InlineData("https://vllm.internal.test/v1")]
    public async Task CreateAsync_PrivateBaseUrl_IsRefusedWithUrlPrivateNetwork(string url)
    {
        var admin = await pg.CreateAdminAsync();
        var name = UniqueName();

        var result = await Service(admin).CreateAsync(OpenAiDraft(name, url));

        AssertError(result, nameof(EmbeddingModelDraft.BaseUrl), UrlSafety.PrivateNetworkCode);
        await using var owner = pg.OwnerContext();
        Assert.False(await owner.EmbeddingModels.AnyAsync(m => m.Name == name));
    }

    [Fact]
    public async Task CreateAsync_PrivateBaseUrlWhenPrivateNetworksAreAllowed_IsCreated()
    {
        var admin = await pg.CreateAdminAsync();

        var view = Ok(await Service(admin, allowPrivate: true).CreateAsync(OpenAiDraft(baseUrl: "http://127.0.0.1:9")));

        Assert.Equal("http://127.0.0.1:9", view.BaseUrl);
    }

    [Theory]
    [InlineData("ftp://api.example.test", UrlSafety.SchemeCode)]
    [InlineData("http://user:pw@api.example.test", UrlSafety.InvalidCode)]
    [InlineData("https://nowhere.test/v1", UrlSafety.UnresolvableCode)]
    public async Task CreateAsync_UnusableBaseUrl_ReturnsItsUrlCode(string url, string code)
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin, allowPrivate: true).CreateAsync(OpenAiDraft(baseUrl: url));

        AssertError(result, nameof(EmbeddingModelDraft.BaseUrl), code);
    }

    [Fact]
    public async Task UpdateAsync_BaseUrlToAPrivateAddress_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(OpenAiDraft()));
        var draft = EmbeddingModelDraft.From(view);
        draft.BaseUrl = "http://169.254.169.254";

        var result = await service.UpdateAsync(view.Id, draft);

        AssertError(result, nameof(EmbeddingModelDraft.BaseUrl), UrlSafety.PrivateNetworkCode);
        Assert.Equal("https://api.example.test/v1", (await StoredAsync(view.Id)).BaseUrl);
    }

    // --- update ------------------------------------------------------------------------------

    [Fact]
    public async Task UpdateAsync_BlankKey_KeepsTheStoredKey()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(OpenAiDraft()));
        var before = (await StoredAsync(view.Id)).ApiKeyProtected;
        var draft = EmbeddingModelDraft.From(view);
        draft.MaxInputTokens = 2048;
        draft.ApiKey = "  ";

        var updated = Ok(await service.UpdateAsync(view.Id, draft));

        Assert.Equal(2048, updated.MaxInputTokens);
        Assert.True(updated.HasApiKey);
        Assert.Equal(before, (await StoredAsync(view.Id)).ApiKeyProtected);
    }

    [Fact]
    public async Task UpdateAsync_NewKey_ReplacesTheStoredKey()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(OpenAiDraft()));
        var draft = EmbeddingModelDraft.From(view);
        draft.ApiKey = "sk-rotated";

        Ok(await service.UpdateAsync(view.Id, draft));

        var stored = (await StoredAsync(view.Id)).ApiKeyProtected!;
        Assert.Equal("sk-rotated", protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.EmbeddingModelApiKey).Unprotect(stored));
    }

    [Fact]
    public async Task UpdateAsync_LocalModelBecomingOpenAiWithoutKey_ReturnsApiKeyRequired()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(LocalDraft()));
        var draft = EmbeddingModelDraft.From(view);
        draft.Provider = EmbeddingProviders.OpenAi;
        draft.BaseUrl = "https://api.example.test";

        var result = await service.UpdateAsync(view.Id, draft);

        AssertError(result, nameof(EmbeddingModelDraft.ApiKey), EmbeddingModelRules.ApiKeyRequired);
    }

    [Fact]
    public async Task UpdateAsync_RenameToAnotherModelsName_ReturnsNameTaken()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(LocalDraft()));
        var draft = EmbeddingModelDraft.From(view);
        draft.Name = "local-hash-384";

        AssertError(await service.UpdateAsync(view.Id, draft), nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameTaken);
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_ReturnsNotFound()
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).UpdateAsync(Guid.NewGuid(), LocalDraft());

        Assert.Equal(ResultKind.NotFound, result.Kind);
    }

    [Fact]
    public async Task UpdateAsync_ModelWithVectors_KeepsItsNameAndDimension()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(LocalDraft(dimension: 384)));
        await AddVectorAsync(view.Name, 384);
        var draft = EmbeddingModelDraft.From(view);
        draft.Name = UniqueName("renamed");
        draft.Dimension = 768;

        var result = await service.UpdateAsync(view.Id, draft);

        AssertError(result, nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameInUse);
        AssertError(result, nameof(EmbeddingModelDraft.Dimension), EmbeddingModelRules.DimensionInUse);
        var unchanged = EmbeddingModelDraft.From(view);
        unchanged.MaxInputTokens = 1000;
        Assert.Equal(1000, Ok(await service.UpdateAsync(view.Id, unchanged)).MaxInputTokens);
    }

    // --- default and active ------------------------------------------------------------------

    [Fact]
    public async Task SetDefaultAsync_ActiveModel_BecomesTheOnlyDefault()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(LocalDraft()));

        var result = Ok(await service.SetDefaultAsync(view.Id));

        Assert.True(result.IsDefault);
        await using var owner = pg.OwnerContext();
        Assert.Equal(view.Id, (await owner.EmbeddingModels.SingleAsync(m => m.IsDefault)).Id);

        // Back to the seeded default, so the registry is as the other tests expect it.
        Ok(await service.SetDefaultAsync(SeededLocalId));
        Assert.Equal(SeededLocalId, (await owner.EmbeddingModels.AsNoTracking().SingleAsync(m => m.IsDefault)).Id);
    }

    [Fact]
    public async Task SetDefaultAsync_TwoAdminsAtOnce_LeaveExactlyOneDefault()
    {
        var admin = await pg.CreateAdminAsync();
        var a = Ok(await Service(admin).CreateAsync(LocalDraft()));
        var b = Ok(await Service(admin).CreateAsync(LocalDraft()));

        var results = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => Service(admin).SetDefaultAsync(i % 2 == 0 ? a.Id : b.Id)));

        Assert.All(results, r => Assert.True(r.Succeeded));
        await using var owner = pg.OwnerContext();
        Assert.Single(await owner.EmbeddingModels.Where(m => m.IsDefault).ToListAsync());
        Ok(await Service(admin).SetDefaultAsync(SeededLocalId));
    }

    [Fact]
    public async Task SetDefaultAsync_InactiveModel_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(LocalDraft()));
        Ok(await service.SetActiveAsync(view.Id, false));

        var result = await service.SetDefaultAsync(view.Id);

        AssertError(result, "IsDefault", EmbeddingModelRules.DefaultInactive);
        Assert.False((await StoredAsync(view.Id)).IsDefault);
    }

    [Fact]
    public async Task SetActiveAsync_NonDefaultModel_DeactivatesAndReactivates()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var view = Ok(await service.CreateAsync(LocalDraft()));

        Assert.False(Ok(await service.SetActiveAsync(view.Id, false)).IsActive);
        Assert.False((await StoredAsync(view.Id)).IsActive);
        Assert.True(Ok(await service.SetActiveAsync(view.Id, true)).IsActive);
        Assert.True((await StoredAsync(view.Id)).IsActive);
    }

    [Fact]
    public async Task SetActiveAsync_TheDefault_CannotBeDeactivated()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin);
        var defaultId = (await service.ListAsync()).Value!.Single(m => m.IsDefault).Id;

        var result = await service.SetActiveAsync(defaultId, false);

        AssertError(result, "IsActive", EmbeddingModelRules.ActiveIsDefault);
        Assert.True((await StoredAsync(defaultId)).IsActive);
    }

    // --- test --------------------------------------------------------------------------------

    [Fact]
    public async Task TestAsync_SeededLocalModel_Succeeds384()
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).TestAsync(SeededLocalId);

        Assert.True(result.Succeeded);
        Assert.True(result.Value!.Succeeded, result.Value.Detail);
        Assert.Equal(384, result.Value.Dimension);
        Assert.True(result.Value.Latency >= TimeSpan.Zero);
        Assert.Null(result.Value.ErrorCode);
    }

    [Fact]
    public async Task TestAsync_OpenAiModel_CallsTheServerWithTheKeyAndReportsTheDimension()
    {
        server.Respond = request => OpenAiCompatibleEmbedderTests.EmbeddingServer.Vectors(request, 768);
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var view = Ok(await service.CreateAsync(OpenAiDraft(baseUrl: server.BaseUrl, apiKey: "sk-for-test", dimension: 768)));

        var result = (await service.TestAsync(view.Id)).Value!;

        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal(768, result.Dimension);
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer sk-for-test", request.Authorization);
        Assert.Contains("测试 test", JsonDocument.Parse(request.Body).RootElement.GetProperty("input")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_ServerRefusesTheKey_ReportsAReadableErrorWithoutTheKey()
    {
        server.Respond = _ => (HttpStatusCode.Unauthorized, """{"error":{"message":"Incorrect API key provided"}}""");
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var view = Ok(await service.CreateAsync(OpenAiDraft(baseUrl: server.BaseUrl, apiKey: "sk-wrong-key")));

        var result = (await service.TestAsync(view.Id)).Value!;

        Assert.False(result.Succeeded);
        Assert.Equal(EmbeddingModelTestResult.FailedCode, result.ErrorCode);
        Assert.Contains("Incorrect API key provided", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-key", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_WrongDimension_ReportsTheMismatch()
    {
        server.Respond = request => OpenAiCompatibleEmbedderTests.EmbeddingServer.Vectors(request, 1024);
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var view = Ok(await service.CreateAsync(OpenAiDraft(baseUrl: server.BaseUrl, dimension: 1536)));

        var result = (await service.TestAsync(view.Id)).Value!;

        Assert.False(result.Succeeded);
        Assert.Contains("1024", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_PrivateUrlAfterPrivateNetworksWereTurnedOff_IsRefusedWithoutACall()
    {
        server.Respond = request => OpenAiCompatibleEmbedderTests.EmbeddingServer.Vectors(request, 1536);
        var admin = await pg.CreateAdminAsync();
        var view = Ok(await Service(admin, allowPrivate: true).CreateAsync(OpenAiDraft(baseUrl: server.BaseUrl)));

        var result = (await Service(admin, allowPrivate: false).TestAsync(view.Id)).Value!;

        Assert.False(result.Succeeded);
        Assert.Equal(UrlSafety.PrivateNetworkCode, result.ErrorCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task TestAsync_NobodyListening_ReportsFailed()
    {
        var admin = await pg.CreateAdminAsync();
        var service = Service(admin, allowPrivate: true);
        var port = StarStudio.TestSupport.LoopbackPorts.Free();
        var view = Ok(await service.CreateAsync(OpenAiDraft(baseUrl: $"http://127.0.0.1:{port}")));

        var result = (await service.TestAsync(view.Id)).Value!;

        Assert.False(result.Succeeded);
        Assert.Equal(EmbeddingModelTestResult.FailedCode, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    // --- who may ------------------------------------------------------------------------------

    [Fact]
    public async Task EveryOperation_NonAdmin_IsForbidden()
    {
        var user = await pg.CreateUserAsync(null, Core.Identity.RoleNames.StarOwner);
        var service = Service(user, allowPrivate: true);

        Assert.Equal(ResultKind.Forbidden, (await service.ListAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CreateAsync(LocalDraft())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CreateAsync(new EmbeddingModelDraft())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateAsync(SeededLocalId, LocalDraft("local-hash-384", 384))).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetDefaultAsync(SeededLocalId)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetActiveAsync(SeededLocalId, false)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.TestAsync(SeededLocalId)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Service(UserContext.Anonymous).ListAsync()).Kind);
    }

    [Fact]
    public async Task EveryWrite_AdminClaimTheDatabaseDoesNotConfirm_IsForbiddenByRls()
    {
        // A user whose session says "admin" but who holds no admin role in user_roles (revoked, or forged).
        var player = await pg.CreateUserAsync();
        var claimsAdmin = UserContext.For(player.UserId!.Value, Core.Identity.RoleNames.Admin);
        var admin = await pg.CreateAdminAsync();
        var target = Ok(await Service(admin).CreateAsync(LocalDraft()));
        var service = Service(claimsAdmin);
        var name = UniqueName("forged");

        Assert.Equal(ResultKind.Forbidden, (await service.CreateAsync(LocalDraft(name))).Kind);
        var rename = EmbeddingModelDraft.From(target);
        rename.MaxInputTokens = 7;
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateAsync(target.Id, rename)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetActiveAsync(target.Id, false)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.SetDefaultAsync(target.Id)).Kind);

        var stored = await StoredAsync(target.Id);
        Assert.True(stored.IsActive);
        Assert.False(stored.IsDefault);
        Assert.NotEqual(7, stored.MaxInputTokens);
        await using var owner = pg.OwnerContext();
        Assert.False(await owner.EmbeddingModels.AnyAsync(m => m.Name == name));
    }

    [Fact]
    public async Task RawSql_NonAdmin_CannotInsertEmbeddingModels()
    {
        var user = await pg.CreateUserAsync(null, Core.Identity.RoleNames.StarOwner);
        var name = UniqueName("raw");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO embeddings_models (name, provider, dimension, max_input_tokens, is_active, is_default) VALUES ({name}, 'openai', 1536, 8191, true, false)")));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task RawSql_NonAdmin_CannotUpdateOrDeleteEmbeddingModels()
    {
        var user = await pg.CreateUserAsync();

        var updated = await pg.Db(user).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"UPDATE embeddings_models SET base_url = 'http://169.254.169.254', provider = 'openai' WHERE id = {SeededLocalId}"));
        var deleted = await pg.Db(user).RunAsync((db, _) => db.Database.ExecuteSqlAsync($"DELETE FROM embeddings_models"));
        var seen = await pg.Db(user).RunAsync((db, _) => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM embeddings_models").SingleAsync());

        Assert.Equal(0, updated);
        Assert.Equal(0, deleted);
        Assert.True(seen >= 1, "everyone reads the registry (the pipeline runs as a star owner)");
        var stored = await StoredAsync(SeededLocalId);
        Assert.Equal(EmbeddingProviders.Local, stored.Provider);
        Assert.Null(stored.BaseUrl);
    }

    [Fact]
    public async Task RawSql_Admin_CanUpdateEmbeddingModels()
    {
        var admin = await pg.CreateAdminAsync();
        var view = Ok(await Service(admin).CreateAsync(LocalDraft()));

        var updated = await pg.Db(admin).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"UPDATE embeddings_models SET max_input_tokens = 100 WHERE id = {view.Id}"));

        Assert.Equal(1, updated);
    }

    // A vector made by the named model, on a star of its own, inserted as the owning role.
    private async Task AddVectorAsync(string modelName, int dimension)
    {
        var owner = await pg.CreateUserAsync();
        var starId = Guid.NewGuid();
        var taskId = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = starId, OwnerId = owner.UserId!.Value, Name = "向量", Domain = "测试", Persona = "p", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        db.KnowledgeTasks.Add(new KnowledgeTask { Id = taskId, StarId = starId, SourceType = KnowledgeSourceType.Note, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        var vector = "[" + string.Join(",", Enumerable.Repeat("0.1", dimension)) + "]";
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO star_embeddings (star_id, chunk_id, task_id, seq, embedding, dimensions, embedding_model, content, search_text)
            VALUES ({starId}, {Guid.NewGuid()}, {taskId}, 0, {vector}::vector, {(short)dimension}, {modelName}, 'x', 'x')
            """);
    }

    private sealed class FixedOptions(SecurityOptions value) : IOptionsMonitor<SecurityOptions>
    {
        public SecurityOptions CurrentValue => value;

        public SecurityOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SecurityOptions, string?> listener) => null;
    }
}
