using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Chat.Engine;

/// <summary>The <c>system_configs</c> keys the chat engine reads.</summary>
public static class ChatConfigKeys
{
    /// <summary>JSON: the <c>chat_models.id</c> stars answer with, as a quoted uuid, or <c>null</c> for the offline engine.</summary>
    public const string DefaultModel = "default_chat_model";

    /// <summary>JSON: the <c>chat_models.id</c> tried when the default fails before its first token, or <c>null</c>.</summary>
    public const string FallbackModel = "fallback_chat_model";

    /// <summary><see cref="ChatModel.DefaultParams"/> key: price per 1,000 input tokens (the currency of billing).</summary>
    public const string PriceInPer1K = "price_in_per_1k";

    /// <summary><see cref="ChatModel.DefaultParams"/> key: price per 1,000 output tokens.</summary>
    public const string PriceOutPer1K = "price_out_per_1k";
}

/// <summary>A registered chat model ready to call: where, with which key, at what price, or why it cannot be used.</summary>
/// <param name="BaseUri">The model's <see cref="ChatModel.ServiceUrl"/>, else its provider's base URL; null when invalid.</param>
/// <param name="ApiKey">The plain API key, or null.</param>
/// <param name="Problem">Why the model cannot be called (it then fails like a provider that is down), or null.</param>
public sealed record ResolvedChatModel(
    ChatModel Model,
    LlmProvider Provider,
    Uri? BaseUri,
    string? ApiKey,
    decimal PriceInPer1K,
    decimal PriceOutPer1K,
    string? Problem)
{
    /// <summary>What <paramref name="tokensIn"/> and <paramref name="tokensOut"/> cost with this model.</summary>
    public decimal CostOf(int tokensIn, int tokensOut) =>
        Math.Round((PriceInPer1K * tokensIn + PriceOutPer1K * tokensOut) / 1000m, 6);

    public override string ToString() => $"{Provider.Name}/{Model.ModelId}";
}

/// <summary>The chat configuration of the moment: the default and fallback models (null: not configured) and top-k.</summary>
public sealed record ChatEngineConfig(ResolvedChatModel? Primary, ResolvedChatModel? Fallback, int TopK);

/// <summary>
/// Reads the chat configuration: <c>system_configs</c> (<see cref="ChatConfigKeys"/>, <c>rag_default_top_k</c>) →
/// <c>chat_models</c> → <c>llm_providers</c>. A missing or inactive model or provider counts as not configured;
/// a model whose URL is invalid or whose API key cannot be decrypted is returned with a
/// <see cref="ResolvedChatModel.Problem"/>. API keys are protected with Data Protection
/// (purpose <see cref="ProtectionPurposes.ProviderApiKey"/>). Singleton; the result is cached for
/// <see cref="ChatEngineOptions.ConfigCacheDuration"/>.
/// </summary>
public sealed class ChatModelResolver(IDataProtectionProvider protection, IOptions<ChatEngineOptions>? options = null, TimeProvider? time = null)
{
    /// <summary>The Data Protection purpose of <c>llm_providers.api_key_protected</c>.</summary>
    private readonly IDataProtector protector = protection.CreateProtector(ProtectionPurposes.ProviderApiKey);
    private readonly ChatEngineOptions settings = options?.Value ?? new ChatEngineOptions();
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly Lock gate = new();
    private volatile CacheEntry? cached;
    private Task<ChatEngineConfig>? inflight;
    private long generation;

    /// <summary>Protects a plain API key for <c>llm_providers.api_key_protected</c>.</summary>
    public string ProtectApiKey(string apiKey) => protector.Protect(apiKey);

    /// <summary>
    /// Forgets the cached configuration (the admin service calls it after a change has committed). A read already
    /// under way is not cached when it completes, since it may predate the change.
    /// </summary>
    public void Invalidate()
    {
        lock (gate)
        {
            generation++;
            cached = null;
            inflight = null;
        }
    }

    /// <summary>The configuration, from the cache while it is fresh; concurrent callers share one read when it is not.</summary>
    public async Task<ChatEngineConfig> ResolveAsync(StarStudioDb db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (settings.ConfigCacheDuration <= TimeSpan.Zero)
        {
            return await ReadAsync(db, ct);
        }

        Task<ChatEngineConfig> read;
        lock (gate)
        {
            if (cached is { } c && clock.GetElapsedTime(c.At) < settings.ConfigCacheDuration)
            {
                return c.Config;
            }

            if (inflight is null || inflight.IsCompleted)
            {
                inflight = RefreshAsync(db, generation);
            }

            read = inflight;
        }

        return await read.WaitAsync(ct);
    }

    private async Task<ChatEngineConfig> RefreshAsync(StarStudioDb db, long startedIn)
    {
        var at = clock.GetTimestamp();
        // Not cancelled by one caller: others may be waiting for the same read (the tables are readable by everyone).
        var config = await ReadAsync(db, CancellationToken.None);
        lock (gate)
        {
            if (startedIn == generation)
            {
                cached = new CacheEntry(config, at);
            }
        }

        return config;
    }

    private sealed record CacheEntry(ChatEngineConfig Config, long At);

    private async Task<ChatEngineConfig> ReadAsync(StarStudioDb db, CancellationToken ct)
    {
        string[] keys = [ChatConfigKeys.DefaultModel, ChatConfigKeys.FallbackModel, KnowledgeConfigKeys.TopK];
        var (values, rows) = await db.RunAsync(async (ctx, _) =>
        {
            var configs = await ctx.SystemConfigs.AsNoTracking()
                .Where(c => keys.Contains(c.Key))
                .Select(c => new { c.Key, c.Value })
                .ToDictionaryAsync(c => c.Key, c => c.Value, ct);
            var ids = new[] { ParseId(configs.GetValueOrDefault(ChatConfigKeys.DefaultModel)), ParseId(configs.GetValueOrDefault(ChatConfigKeys.FallbackModel)) }
                .OfType<Guid>()
                .Distinct()
                .ToArray();
            var models = ids.Length == 0
                ? []
                : await (from m in ctx.ChatModels.AsNoTracking()
                         join p in ctx.LlmProviders.AsNoTracking() on m.ProviderId equals p.Id
                         where ids.Contains(m.Id)
                         select new { Model = m, Provider = p }).ToListAsync(ct);
            return (configs, models.ToDictionary(x => x.Model.Id, x => (x.Model, x.Provider)));
        }, ct);

        ResolvedChatModel? Pick(string key) =>
            ParseId(values.GetValueOrDefault(key)) is { } id && rows.TryGetValue(id, out var row) && row.Model.IsActive && row.Provider.IsActive
                ? Resolve(row.Model, row.Provider)
                : null;

        var primary = Pick(ChatConfigKeys.DefaultModel);
        var fallback = Pick(ChatConfigKeys.FallbackModel);
        if (primary is null && fallback is not null)
        {
            // Only a fallback configured: it is the model.
            (primary, fallback) = (fallback, null);
        }

        if (fallback is not null && primary is not null && fallback.Model.Id == primary.Model.Id)
        {
            fallback = null;
        }

        var topK = values.GetValueOrDefault(KnowledgeConfigKeys.TopK) is { } k && int.TryParse(k.Trim().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : settings.DefaultTopK;
        return new ChatEngineConfig(primary, fallback, topK);
    }

    /// <summary>
    /// The configuration for an answer by a model version that an external trainer serves (docs/training.md): the served
    /// model on its provider first, the platform's default model as its fallback. The served model is not a
    /// <c>chat_models</c> row: it takes the default model's window, parameters and prices (the platform charges a trained
    /// version like its default model). A missing or inactive provider leaves the configuration as it was.
    /// </summary>
    public async Task<ChatEngineConfig> WithServedModelAsync(StarStudioDb db, ChatEngineConfig config, ServedModel served, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(served);
        var provider = await db.RunAsync((ctx, _) => ctx.LlmProviders.AsNoTracking().FirstOrDefaultAsync(p => p.Id == served.ProviderId && p.IsActive, ct), ct);
        if (provider is null || string.IsNullOrWhiteSpace(served.ModelId))
        {
            return config;
        }

        var template = config.Primary?.Model;
        var model = new ChatModel
        {
            Id = Guid.Empty,
            ProviderId = provider.Id,
            ModelId = served.ModelId,
            DisplayName = served.ModelId,
            MaxContextTokens = template?.MaxContextTokens ?? 4096,
            HasThinking = template?.HasThinking ?? false,
            DefaultParams = template?.DefaultParams ?? "{}",
            PriceInPer1K = config.Primary?.PriceInPer1K ?? 0,
            PriceOutPer1K = config.Primary?.PriceOutPer1K ?? 0,
        };
        return config with { Primary = Resolve(model, provider), Fallback = config.Primary ?? config.Fallback };
    }

    /// <summary>A model of a provider, ready to call (or with the problem that prevents it).</summary>
    public ResolvedChatModel Resolve(ChatModel model, LlmProvider provider)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provider);
        var (priceIn, priceOut) = EffectivePrices(model.PriceInPer1K, model.PriceOutPer1K, model.DefaultParams);
        var url = string.IsNullOrWhiteSpace(model.ServiceUrl) ? provider.BaseUrl : model.ServiceUrl;
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            return new ResolvedChatModel(model, provider, null, null, priceIn, priceOut,
                $"The chat model '{model.DisplayName}' has no valid http(s) URL ('{url}'); an admin must fix it under Admin → Models.");
        }

        string? key = null;
        if (!string.IsNullOrEmpty(provider.ApiKeyProtected))
        {
            try
            {
                key = protector.Unprotect(provider.ApiKeyProtected);
            }
            catch (CryptographicException)
            {
                return new ResolvedChatModel(model, provider, baseUri, null, priceIn, priceOut,
                    $"The API key of provider '{provider.Name}' cannot be decrypted (the Data Protection keys changed); an admin must enter it again.");
            }
        }

        return new ResolvedChatModel(model, provider, baseUri, key, priceIn, priceOut, null);
    }

    /// <summary>The id in a <c>system_configs</c> value: a quoted uuid (or a bare one); null for <c>null</c> or anything else.</summary>
    public static Guid? ParseId(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        var text = json.Trim();
        if (text.StartsWith('"'))
        {
            try
            {
                text = JsonSerializer.Deserialize<string>(text) ?? "";
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return Guid.TryParse(text, out var id) && id != Guid.Empty ? id : null;
    }

    /// <summary>
    /// A model's prices: its price columns (set in the admin form) when either is set, else the older
    /// <see cref="ChatConfigKeys.PriceInPer1K"/> keys of its default parameters. Usage billing prices with the same rule.
    /// </summary>
    public static (decimal In, decimal Out) EffectivePrices(decimal columnIn, decimal columnOut, string? defaultParams) =>
        columnIn > 0 || columnOut > 0 ? (Math.Max(columnIn, 0), Math.Max(columnOut, 0)) : Prices(defaultParams);

    /// <summary>The prices in <see cref="ChatModel.DefaultParams"/> (<see cref="ChatConfigKeys.PriceInPer1K"/>, <see cref="ChatConfigKeys.PriceOutPer1K"/>), 0 when absent.</summary>
    public static (decimal In, decimal Out) Prices(string? defaultParams)
    {
        if (string.IsNullOrWhiteSpace(defaultParams))
        {
            return (0m, 0m);
        }

        try
        {
            using var doc = JsonDocument.Parse(defaultParams);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (0m, 0m);
            }

            return (Price(doc.RootElement, ChatConfigKeys.PriceInPer1K), Price(doc.RootElement, ChatConfigKeys.PriceOutPer1K));
        }
        catch (JsonException)
        {
            return (0m, 0m);
        }

        static decimal Price(JsonElement root, string key) =>
            !root.TryGetProperty(key, out var v) ? 0m
            : v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) && d >= 0 ? d
            : v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var s) && s >= 0 ? s
            : 0m;
    }
}

/// <summary>Makes the <see cref="IChatClient"/> of a resolved model.</summary>
public interface IChatModelClientFactory
{
    IChatClient Create(ResolvedChatModel model);
}

/// <summary>An <see cref="OpenAiCompatibleChatClient"/> over the <see cref="OpenAiCompatibleChatClient.HttpClientName"/> client, with the engine's timeouts.</summary>
public sealed class ChatModelClientFactory(IHttpClientFactory httpClients, IOptions<ChatEngineOptions>? options = null) : IChatModelClientFactory
{
    private readonly ChatEngineOptions settings = options?.Value ?? new ChatEngineOptions();

    public IChatClient Create(ResolvedChatModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.BaseUri is null)
        {
            throw new ArgumentException(model.Problem ?? $"The chat model '{model.Model.DisplayName}' has no URL.", nameof(model));
        }

        return new OpenAiCompatibleChatClient(
            httpClients.CreateClient(OpenAiCompatibleChatClient.HttpClientName),
            model.BaseUri,
            model.Model.ModelId,
            model.ApiKey,
            settings.ClientOptions(model.Provider.Name, model.Model.DefaultParams));
    }
}
