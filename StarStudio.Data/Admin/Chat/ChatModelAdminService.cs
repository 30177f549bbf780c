using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Audit;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Data.Audit;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Admin.Chat;

/// <summary>
/// Providers, chat models and the default/fallback selection for admins, over PostgreSQL. The admin role is checked
/// here and enforced again by row-level security (<c>llm_providers_write</c>, <c>chat_models_write</c> and
/// <c>system_configs_write</c> look the role up in <c>user_roles</c>), so a stale or forged role claim still cannot write.
/// Network work (DNS for the SSRF check, the model list) happens outside database transactions.
/// </summary>
public sealed class ChatModelAdminService : IChatModelAdminService
{
    /// <summary>The Data Protection purpose of <c>llm_providers.api_key_protected</c>; the chat engine unprotects with it.</summary>
    /// <summary>The named <see cref="HttpClient"/> imports use (register it with <see cref="StarStudio.Data.Security.GuardedHttpHandler.Create"/>).</summary>
    public const string HttpClientName = "StarStudio.ChatModelAdmin";

    /// <summary>The largest model list an import reads (OpenRouter's is about 1 MB).</summary>
    public const int MaxModelListBytes = 8 * 1024 * 1024;

    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxDetailChars = 500;
    private const string ProviderNameIndex = "ix_llm_providers_name";
    private const string ModelIdIndex = "ix_chat_models_provider_id_model_id";

    /// <summary>How long an import waits for the model list; tests shorten it.</summary>
    internal TimeSpan ImportTimeout { get; init; } = TimeSpan.FromSeconds(ChatModelAdminRules.ImportTimeoutSeconds);

    private readonly StarStudioDb db;
    private readonly ICurrentUser currentUser;
    private readonly IHttpClientFactory httpClients;
    private readonly IDataProtector protector;
    private readonly IOptionsMonitor<SecurityOptions> security;
    private readonly TimeProvider clock;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost;
    private readonly ChatModelResolver? engineConfig;
    private readonly IClientAddress? clientAddress;
    private readonly StarStudio.Core.Configs.ISystemConfigs? configs;

    /// <summary>
    /// The service as the app registers it (host names resolved with DNS). <paramref name="engineConfig"/> is the chat
    /// engine's cached configuration, dropped after every successful change so the next answer uses it.
    /// </summary>
    public ChatModelAdminService(
        StarStudioDb db,
        ICurrentUser currentUser,
        IHttpClientFactory httpClients,
        IDataProtectionProvider protection,
        IOptionsMonitor<SecurityOptions> security,
        TimeProvider clock,
        ChatModelResolver? engineConfig = null,
        IClientAddress? clientAddress = null,
        StarStudio.Core.Configs.ISystemConfigs? configs = null)
        : this(db, currentUser, httpClients, protection, security, clock, resolveHost: null, engineConfig, clientAddress, configs)
    {
    }

    /// <summary>A service with its own host resolver, for tests that must not depend on DNS.</summary>
    internal ChatModelAdminService(
        StarStudioDb db,
        ICurrentUser currentUser,
        IHttpClientFactory httpClients,
        IDataProtectionProvider protection,
        IOptionsMonitor<SecurityOptions> security,
        TimeProvider clock,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost,
        ChatModelResolver? engineConfig = null,
        IClientAddress? clientAddress = null,
        StarStudio.Core.Configs.ISystemConfigs? configs = null)
    {
        ArgumentNullException.ThrowIfNull(protection);
        this.db = db;
        this.currentUser = currentUser;
        this.httpClients = httpClients;
        protector = protection.CreateProtector(ProtectionPurposes.ProviderApiKey);
        this.security = security;
        this.clock = clock;
        this.resolveHost = resolveHost;
        this.engineConfig = engineConfig;
        this.clientAddress = clientAddress;
        this.configs = configs;
    }

    // --- providers ---------------------------------------------------------------------------

    public Task<Result<IReadOnlyList<LlmProviderView>>> ListProvidersAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<LlmProviderView>>.Forbidden();
            }

            var list = await ctx.LlmProviders.AsNoTracking()
                .OrderBy(p => p.Name)
                .Select(p => new LlmProviderView(
                    p.Id, p.Name, p.BaseUrl, p.ApiKeyProtected != null && p.ApiKeyProtected != "", p.IsActive,
                    ctx.ChatModels.Count(m => m.ProviderId == p.Id), p.CreatedAt, p.UpdatedAt))
                .ToListAsync(ct);
            return Result<IReadOnlyList<LlmProviderView>>.Ok(list);
        }, ct);

    public async Task<Result<LlmProviderView>> CreateProviderAsync(LlmProviderDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!await IsAdminAsync(ct))
        {
            return Result<LlmProviderView>.Forbidden();
        }

        // The host is resolved before the transaction, so a slow DNS answer holds no connection.
        var urlError = await CheckUrlAsync(nameof(LlmProviderDraft.BaseUrl), draft.BaseUrl, ct);
        return await WriteAsync<LlmProviderView>(async (ctx, user) =>
        {
            var errors = ChatModelAdminRules.ValidateProvider(draft).ToList();
            AddIfAny(errors, urlError);
            var name = draft.Name?.Trim() ?? "";
            if (!HasError(errors, nameof(LlmProviderDraft.Name)) && await ctx.LlmProviders.AnyAsync(p => p.Name == name, ct))
            {
                errors.Add(new FieldError(nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameTaken));
            }

            if (errors.Count > 0)
            {
                return Result<LlmProviderView>.Invalid(errors);
            }

            var now = clock.GetUtcNow();
            var provider = new LlmProvider { Id = Guid.CreateVersion7(), IsActive = true, CreatedAt = now };
            Apply(provider, draft, now);
            ctx.LlmProviders.Add(provider);
            await ctx.SaveChangesAsync(ct);
            await AuditProviderAsync(ctx, provider, before: null, ProviderState(provider), ct);
            await AuditKeyAsync(ctx, provider, hadKey: false, draft, ct);
            return Result<LlmProviderView>.Ok(View(provider, modelCount: 0));
        }, ct);
    }

    public async Task<Result<LlmProviderView>> UpdateProviderAsync(Guid id, LlmProviderDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!await IsAdminAsync(ct))
        {
            return Result<LlmProviderView>.Forbidden();
        }

        var urlError = await CheckUrlAsync(nameof(LlmProviderDraft.BaseUrl), draft.BaseUrl, ct);
        return await WriteAsync<LlmProviderView>(async (ctx, user) =>
        {
            var provider = await ctx.LlmProviders.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (provider is null)
            {
                return Result<LlmProviderView>.NotFound();
            }

            var errors = ChatModelAdminRules.ValidateProvider(draft).ToList();
            AddIfAny(errors, urlError);
            var name = draft.Name?.Trim() ?? "";
            if (!HasError(errors, nameof(LlmProviderDraft.Name)) && name != provider.Name
                && await ctx.LlmProviders.AnyAsync(p => p.Name == name && p.Id != id, ct))
            {
                errors.Add(new FieldError(nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameTaken));
            }

            if (errors.Count > 0)
            {
                return Result<LlmProviderView>.Invalid(errors);
            }

            var before = ProviderState(provider);
            var hadKey = !string.IsNullOrEmpty(provider.ApiKeyProtected);
            Apply(provider, draft, clock.GetUtcNow());
            await ctx.SaveChangesAsync(ct);
            var after = ProviderState(provider);
            if (before != after)
            {
                await AuditProviderAsync(ctx, provider, before, after, ct);
            }

            await AuditKeyAsync(ctx, provider, hadKey, draft, ct);
            return Result<LlmProviderView>.Ok(View(provider, await ctx.ChatModels.CountAsync(m => m.ProviderId == id, ct)));
        }, ct);
    }

    public Task<Result<LlmProviderView>> SetProviderActiveAsync(Guid id, bool active, CancellationToken ct = default) =>
        WriteAsync<LlmProviderView>(async (ctx, user) =>
        {
            if (!active)
            {
                await LockSelectionAsync(ctx, ct);
            }

            var provider = await ctx.LlmProviders.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (provider is null)
            {
                return Result<LlmProviderView>.NotFound();
            }

            if (!active && await ProviderIsSelectedAsync(ctx, id, ct))
            {
                return Result<LlmProviderView>.Invalid(nameof(LlmProviderView.IsActive), ChatModelAdminRules.ProviderActiveInUse);
            }

            if (provider.IsActive != active)
            {
                var before = ProviderState(provider);
                provider.IsActive = active;
                provider.UpdatedAt = clock.GetUtcNow();
                await ctx.SaveChangesAsync(ct);
                await AuditProviderAsync(ctx, provider, before, ProviderState(provider), ct);
            }

            return Result<LlmProviderView>.Ok(View(provider, await ctx.ChatModels.CountAsync(m => m.ProviderId == id, ct)));
        }, ct);

    public Task<Result<bool>> DeleteProviderAsync(Guid id, CancellationToken ct = default) =>
        WriteAsync<bool>(async (ctx, user) =>
        {
            await LockSelectionAsync(ctx, ct);
            var provider = await ctx.LlmProviders.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (provider is null)
            {
                return Result<bool>.NotFound();
            }

            if (await ProviderIsSelectedAsync(ctx, id, ct))
            {
                return Result<bool>.Invalid("Provider", ChatModelAdminRules.ProviderDeleteInUse);
            }

            // Its models go with it (ON DELETE CASCADE); conversations and traces name models by text, not by key.
            var before = ProviderState(provider);
            ctx.LlmProviders.Remove(provider);
            await ctx.SaveChangesAsync(ct);
            await AuditProviderAsync(ctx, provider, before, after: null, ct);
            return Result<bool>.Ok(true);
        }, ct);

    // --- import ------------------------------------------------------------------------------

    public async Task<Result<ModelImportResult>> ImportModelsAsync(Guid providerId, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(ct))
        {
            return Result<ModelImportResult>.Forbidden();
        }

        var found = await db.RunAsync((ctx, _) => ctx.LlmProviders.AsNoTracking().FirstOrDefaultAsync(p => p.Id == providerId, ct), ct);
        if (found is null)
        {
            return Result<ModelImportResult>.NotFound();
        }

        // The URL was checked when it was saved; check again, since DNS and the settings may have changed since.
        var baseUrl = ChatModelAdminRules.NormalizeBaseUrl(found.BaseUrl);
        var check = await UrlSafety.CheckAsync(baseUrl, security.CurrentValue.AllowPrivateNetworkUrls, resolveHost, ct);
        if (!check.Ok)
        {
            return Result<ModelImportResult>.Invalid(nameof(LlmProviderDraft.BaseUrl), check.Code!);
        }

        string? apiKey;
        try
        {
            apiKey = string.IsNullOrEmpty(found.ApiKeyProtected) ? null : protector.Unprotect(found.ApiKeyProtected);
        }
        catch (CryptographicException)
        {
            return ImportError("The stored API key cannot be decrypted (the Data Protection keys changed); enter it again.");
        }

        var fetched = await FetchModelListAsync(baseUrl, apiKey, ct);
        if (fetched.Error is { } error)
        {
            return Result<ModelImportResult>.Invalid([error]);
        }

        IReadOnlyList<ListedModel> listed;
        int skipped;
        try
        {
            (listed, skipped) = OpenAiModelList.Parse(fetched.Body!);
        }
        catch (FormatException e)
        {
            return ImportError(Redact("The server's answer is not an OpenAI model list. " + e.Message, apiKey));
        }

        try
        {
            return await WriteAsync<ModelImportResult>((ctx, _) => UpsertModelsAsync(ctx, providerId, listed, skipped, ct), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ModelIdIndex })
        {
            return ImportError("Another import of this provider ran at the same time; import again.");
        }
    }

    private async Task<Result<ModelImportResult>> UpsertModelsAsync(
        StarStudioDbContext ctx, Guid providerId, IReadOnlyList<ListedModel> listed, int skipped, CancellationToken ct)
    {
        // Imports of one provider take turns (the unique index would refuse the second one's inserts otherwise). A row
        // the caller may not update is skipped by FOR UPDATE, which tells a forged admin claim from a deleted provider.
        var locked = await ctx.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM llm_providers WHERE id = {providerId} FOR UPDATE")
            .ToListAsync(ct);
        if (locked.Count == 0)
        {
            return await ctx.LlmProviders.AnyAsync(p => p.Id == providerId, ct)
                ? Result<ModelImportResult>.Forbidden()
                : Result<ModelImportResult>.NotFound();
        }

        var existing = await ctx.ChatModels.Where(m => m.ProviderId == providerId).ToDictionaryAsync(m => m.ModelId, StringComparer.Ordinal, ct);
        var now = clock.GetUtcNow();
        var added = new List<string>();
        var updated = 0;
        foreach (var model in listed)
        {
            if (existing.TryGetValue(model.Id, out var known))
            {
                // Everything an admin set stays; only the context size follows what the server reports.
                if (model.ContextTokens is { } tokens && tokens != known.MaxContextTokens)
                {
                    known.MaxContextTokens = tokens;
                    known.UpdatedAt = now;
                    updated++;
                }

                continue;
            }

            ctx.ChatModels.Add(new ChatModel
            {
                Id = Guid.CreateVersion7(),
                ProviderId = providerId,
                ModelId = model.Id,
                DisplayName = Truncate(model.Id, ChatModelAdminRules.DisplayNameMax),
                IsActive = true,
                MaxContextTokens = model.ContextTokens ?? ChatModelAdminRules.ContextDefault,
                HasThinking = false,
                DefaultParams = "{}",
                CreatedAt = now,
                UpdatedAt = now,
            });
            added.Add(model.Id);
        }

        await ctx.SaveChangesAsync(ct);
        return Result<ModelImportResult>.Ok(new ModelImportResult(listed.Count, added.Count, updated, skipped, added));
    }

    private async Task<(string? Body, FieldError? Error)> FetchModelListAsync(string baseUrl, string? apiKey, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ImportTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl + "/v1/models"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (!string.IsNullOrEmpty(apiKey))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadLimitedAsync(response.Content, MaxErrorBodyBytes, truncate: true, timeout.Token);
                var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase;
                var message = ErrorMessageOf(body);
                var detail = $"HTTP {(int)response.StatusCode} {reason}" + (message is null ? "" : ": " + message);
                return (null, ImportFailure(Redact(detail, apiKey)));
            }

            return (await ReadLimitedAsync(response.Content, MaxModelListBytes, truncate: false, timeout.Token), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, new FieldError(ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportTimeout, (int)Math.Ceiling(ImportTimeout.TotalSeconds)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An unreachable host, a refused connection, a TLS failure, an oversized answer: the admin needs to see it.
            var message = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{e.Message} ({inner.Message})"
                : e.Message;
            return (null, ImportFailure(Redact(message, apiKey)));
        }
    }

    private static async Task<string> ReadLimitedAsync(HttpContent content, int maxBytes, bool truncate, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            var room = maxBytes - (int)buffer.Length;
            if (read > room)
            {
                if (!truncate)
                {
                    throw new InvalidDataException($"The model list is larger than {maxBytes / 1024 / 1024} MB.");
                }

                buffer.Write(chunk, 0, room);
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // The message of an OpenAI-style error ({"error":{"message":…}}, {"error":"…"}, {"detail":"…"}, {"message":"…"}),
    // else the start of the body as text.
    private static string? ErrorMessageOf(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(error.GetString());
                    }

                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(m.GetString());
                    }
                }

                foreach (var field in new[] { "detail", "message" })
                {
                    if (root.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(text.GetString());
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: an HTML error page or plain text.
        }

        return Shorten(body);
    }

    private static string? Shorten(string? text)
    {
        var collapsed = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? null : collapsed.Length <= MaxDetailChars ? collapsed : collapsed[..MaxDetailChars] + "…";
    }

    // Servers sometimes echo the key they refused; the admin's screen and the logs must not show it.
    private static string Redact(string text, string? apiKey) =>
        string.IsNullOrEmpty(apiKey) || apiKey.Length < 4 ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);

    private static FieldError ImportFailure(string detail) => new(ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed, detail);

    private static Result<ModelImportResult> ImportError(string detail) => Result<ModelImportResult>.Invalid([ImportFailure(detail)]);

    // --- models ------------------------------------------------------------------------------

    public Task<Result<ChatModelCatalog>> ListModelsAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<ChatModelCatalog>.Forbidden();
            }

            var selection = await ReadSelectionAsync(ctx, ct);
            var models = await ModelViews(ctx, selection).ToListAsync(ct);
            return Result<ChatModelCatalog>.Ok(new ChatModelCatalog(models, selection));
        }, ct);

    public async Task<Result<ChatModelAdminView>> UpdateModelAsync(Guid id, ChatModelDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!await IsAdminAsync(ct))
        {
            return Result<ChatModelAdminView>.Forbidden();
        }

        var urlError = await CheckUrlAsync(nameof(ChatModelDraft.ServiceUrl), draft.ServiceUrl, ct);
        return await WriteAsync<ChatModelAdminView>(async (ctx, user) =>
        {
            if (!draft.IsActive)
            {
                await LockSelectionAsync(ctx, ct);
            }

            var model = await ctx.ChatModels.FirstOrDefaultAsync(m => m.Id == id, ct);
            if (model is null)
            {
                return Result<ChatModelAdminView>.NotFound();
            }

            var errors = ChatModelAdminRules.ValidateModel(draft).ToList();
            AddIfAny(errors, urlError);
            if (!draft.IsActive && model.IsActive)
            {
                var selection = await ReadSelectionAsync(ctx, ct);
                if (selection.DefaultModelId == id || selection.FallbackModelId == id)
                {
                    errors.Add(new FieldError(nameof(ChatModelDraft.IsActive), ChatModelAdminRules.ModelActiveInUse));
                }
            }

            if (errors.Count > 0)
            {
                return Result<ChatModelAdminView>.Invalid(errors);
            }

            var modelBefore = ModelState(model);
            model.DisplayName = draft.DisplayName.Trim();
            model.Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim();
            model.MaxContextTokens = draft.MaxContextTokens;
            model.HasThinking = draft.HasThinking;
            model.DefaultParams = ChatModelAdminRules.NormalizeDefaultParams(draft.DefaultParams)!;
            var serviceUrl = ChatModelAdminRules.NormalizeBaseUrl(draft.ServiceUrl);
            model.ServiceUrl = serviceUrl.Length == 0 ? null : serviceUrl;
            model.IsActive = draft.IsActive;
            model.PriceInPer1K = draft.PriceInPer1K;
            model.PriceOutPer1K = draft.PriceOutPer1K;
            model.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            var modelAfter = ModelState(model);
            if (modelBefore != modelAfter)
            {
                await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.ProviderChanged, StarStudio.Core.Configs.ConfigAuditTargets.ChatModel,
                    model.Id.ToString(), model.ModelId, modelBefore, modelAfter), clientAddress?.Get(), ct);
            }

            var view = await ModelViews(ctx, await ReadSelectionAsync(ctx, ct), id).FirstAsync(ct);
            return Result<ChatModelAdminView>.Ok(view);
        }, ct);
    }

    public Task<Result<ChatModelSelection>> SetDefaultModelAsync(Guid? modelId, CancellationToken ct = default) =>
        SetSelectionAsync(ChatModelConfigKeys.DefaultChatModel, modelId, ct);

    public Task<Result<ChatModelSelection>> SetFallbackModelAsync(Guid? modelId, CancellationToken ct = default) =>
        SetSelectionAsync(ChatModelConfigKeys.FallbackChatModel, modelId, ct);

    private Task<Result<ChatModelSelection>> SetSelectionAsync(string key, Guid? modelId, CancellationToken ct) =>
        WriteAsync<ChatModelSelection>(async (ctx, user) =>
        {
            var isDefault = key == ChatModelConfigKeys.DefaultChatModel;
            var field = isDefault ? ChatModelAdminRules.DefaultModelField : ChatModelAdminRules.FallbackModelField;
            await LockSelectionAsync(ctx, ct);
            var current = await ReadSelectionAsync(ctx, ct);
            if (modelId is { } id)
            {
                var model = await ctx.ChatModels.AsNoTracking()
                    .Where(m => m.Id == id)
                    .Select(m => new { m.IsActive, ProviderIsActive = ctx.LlmProviders.Any(p => p.Id == m.ProviderId && p.IsActive) })
                    .FirstOrDefaultAsync(ct);
                if (model is null)
                {
                    return Result<ChatModelSelection>.NotFound();
                }

                if (!model.IsActive || !model.ProviderIsActive)
                {
                    return Result<ChatModelSelection>.Invalid(field, ChatModelAdminRules.SelectionInactive);
                }

                if ((isDefault ? current.FallbackModelId : current.DefaultModelId) == id)
                {
                    return Result<ChatModelSelection>.Invalid(field, ChatModelAdminRules.SelectionSame);
                }
            }

            var json = ChatModelConfigKeys.ToJson(modelId);
            var description = isDefault
                ? "Id of the chat model stars answer with (null: the offline engine)"
                : "Id of the chat model used when the default fails";
            await ctx.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO system_configs (key, value, description, updated_at) VALUES ({key}, {json}::jsonb, {description}, now())
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, ct);
            var previous = isDefault ? current.DefaultModelId : current.FallbackModelId;
            if (previous != modelId)
            {
                await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.ConfigChanged, AuditTargets.Config, key, key,
                    Before: new { value = previous }, After: new { value = modelId }), clientAddress?.Get(), ct);
            }
            return Result<ChatModelSelection>.Ok(isDefault ? current with { DefaultModelId = modelId } : current with { FallbackModelId = modelId });
        }, ct);

    // --- helpers -----------------------------------------------------------------------------

    private static IQueryable<ChatModelAdminView> ModelViews(StarStudioDbContext ctx, ChatModelSelection selection, Guid? onlyId = null)
    {
        var defaultId = selection.DefaultModelId;
        var fallbackId = selection.FallbackModelId;
        var models = onlyId is { } only ? ctx.ChatModels.AsNoTracking().Where(m => m.Id == only) : ctx.ChatModels.AsNoTracking();
        return from m in models
               join p in ctx.LlmProviders.AsNoTracking() on m.ProviderId equals p.Id
               orderby p.Name, m.DisplayName, m.ModelId
               select new ChatModelAdminView(
                   m.Id, m.ProviderId, p.Name, p.IsActive, m.ModelId, m.DisplayName, m.Description, m.MaxContextTokens, m.HasThinking,
                   m.DefaultParams, m.ServiceUrl, m.IsActive, m.Id == defaultId, m.Id == fallbackId, m.UpdatedAt, m.PriceInPer1K, m.PriceOutPer1K);
    }

    private static async Task<ChatModelSelection> ReadSelectionAsync(StarStudioDbContext ctx, CancellationToken ct)
    {
        var rows = await ctx.SystemConfigs.AsNoTracking()
            .Where(c => c.Key == ChatModelConfigKeys.DefaultChatModel || c.Key == ChatModelConfigKeys.FallbackChatModel)
            .Select(c => new { c.Key, c.Value })
            .ToListAsync(ct);
        return new ChatModelSelection(
            ChatModelConfigKeys.ParseJson(rows.Find(r => r.Key == ChatModelConfigKeys.DefaultChatModel)?.Value),
            ChatModelConfigKeys.ParseJson(rows.Find(r => r.Key == ChatModelConfigKeys.FallbackChatModel)?.Value));
    }

    // Changes to the selection, and deactivations or deletions that could strand it, take turns on the two config rows.
    private static Task LockSelectionAsync(StarStudioDbContext ctx, CancellationToken ct) =>
        ctx.Database.ExecuteSqlAsync(
            $"SELECT key FROM system_configs WHERE key IN ({ChatModelConfigKeys.DefaultChatModel}, {ChatModelConfigKeys.FallbackChatModel}) ORDER BY key FOR UPDATE",
            ct);

    private static async Task<bool> ProviderIsSelectedAsync(StarStudioDbContext ctx, Guid providerId, CancellationToken ct)
    {
        var selection = await ReadSelectionAsync(ctx, ct);
        var ids = new[] { selection.DefaultModelId, selection.FallbackModelId }.OfType<Guid>().ToList();
        return ids.Count > 0 && await ctx.ChatModels.AnyAsync(m => m.ProviderId == providerId && ids.Contains(m.Id), ct);
    }

    // Runs a write for an admin (anyone else gets Forbidden without it running), turning what the database refuses into
    // results: a provider name taken by a concurrent create, and writes that row-level security rejects (a role claim the database does not confirm). Once it has committed,
    // the chat engine's cached configuration is dropped.
    private async Task<Result<T>> WriteAsync<T>(Func<StarStudioDbContext, UserContext, Task<Result<T>>> work, CancellationToken ct)
    {
        try
        {
            var result = await db.RunAsync((ctx, user) => user.IsAdmin ? work(ctx, user) : Task.FromResult(Result<T>.Forbidden()), ct);
            if (result.Succeeded)
            {
                engineConfig?.Invalidate();
                configs?.Invalidate();
            }

            return result;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<T>.Forbidden();
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ProviderNameIndex })
        {
            return Result<T>.Invalid(nameof(LlmProviderDraft.Name), ChatModelAdminRules.NameTaken);
        }
        catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege }
            || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege })
        {
            return Result<T>.Forbidden();
        }
    }

    private async Task<bool> IsAdminAsync(CancellationToken ct) => (await currentUser.GetAsync(ct)).IsAdmin;

    // Whether a URL that passes the syntax rules has a public host (or private networks are allowed); the rules report
    // the others, so only those are resolved.
    private async Task<FieldError?> CheckUrlAsync(string field, string? url, CancellationToken ct)
    {
        var normalized = ChatModelAdminRules.NormalizeBaseUrl(url);
        if (normalized.Length is 0 or > ChatModelAdminRules.UrlMax || !UrlSafety.CheckSyntax(normalized).Ok)
        {
            return null;
        }

        var check = await UrlSafety.CheckAsync(normalized, security.CurrentValue.AllowPrivateNetworkUrls, resolveHost, ct);
        return check.Ok ? null : new FieldError(field, check.Code!);
    }

    private void Apply(LlmProvider provider, LlmProviderDraft draft, DateTimeOffset now)
    {
        provider.Name = draft.Name.Trim();
        provider.BaseUrl = ChatModelAdminRules.NormalizeBaseUrl(draft.BaseUrl);
        if (!string.IsNullOrWhiteSpace(draft.ApiKey))
        {
            provider.ApiKeyProtected = protector.Protect(draft.ApiKey.Trim());
        }
        else if (draft.ClearApiKey)
        {
            provider.ApiKeyProtected = null;
        }

        provider.UpdatedAt = now;
    }

    // What the audit log records of a provider: never its key (only whether one is set; docs/audit.md).
    private sealed record ProviderSnapshot(string Name, string BaseUrl, bool IsActive);

    private sealed record ModelSnapshot(
        string DisplayName, string? Description, int MaxContextTokens, bool HasThinking, string DefaultParams, string? ServiceUrl, bool IsActive,
        decimal? PriceInPer1K, decimal? PriceOutPer1K);

    private static ProviderSnapshot ProviderState(LlmProvider p) => new(p.Name, p.BaseUrl, p.IsActive);

    private static ModelSnapshot ModelState(ChatModel m) =>
        new(m.DisplayName, m.Description, m.MaxContextTokens, m.HasThinking, m.DefaultParams, m.ServiceUrl, m.IsActive, m.PriceInPer1K, m.PriceOutPer1K);

    private Task AuditProviderAsync(StarStudioDbContext ctx, LlmProvider provider, ProviderSnapshot? before, ProviderSnapshot? after, CancellationToken ct) =>
        AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.ProviderChanged, AuditTargets.Provider, provider.Id.ToString(), provider.Name,
            before, after), clientAddress?.Get(), ct);

    /// <summary>
    /// Records a key change as "set", "replaced" or "removed" only: not the key, not a hash or fingerprint of it (a short
    /// key's hash could be brute-forced), not even its length.
    /// </summary>
    private async Task AuditKeyAsync(StarStudioDbContext ctx, LlmProvider provider, bool hadKey, LlmProviderDraft draft, CancellationToken ct)
    {
        var change = !string.IsNullOrWhiteSpace(draft.ApiKey) ? (hadKey ? "replaced" : "set")
            : draft.ClearApiKey && hadKey ? "removed"
            : null;
        if (change is not null)
        {
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.ProviderKeyChanged, AuditTargets.Provider, provider.Id.ToString(), provider.Name,
                Before: new { apiKey = hadKey ? "set" : "unset" }, After: new { apiKey = change }), clientAddress?.Get(), ct);
        }
    }

    private static LlmProviderView View(LlmProvider p, int modelCount) =>
        new(p.Id, p.Name, p.BaseUrl, !string.IsNullOrEmpty(p.ApiKeyProtected), p.IsActive, modelCount, p.CreatedAt, p.UpdatedAt);

    private static bool HasError(List<FieldError> errors, string field) => errors.Exists(e => e.Field == field);

    private static void AddIfAny(List<FieldError> errors, FieldError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut];
    }
}
