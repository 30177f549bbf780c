using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Knowledge.Embeddings;

/// <summary>
/// Turns a registered embedding model (<c>embeddings_models</c>) into a generator: the built-in
/// <see cref="LocalHashingEmbedder"/> for <c>local</c>, an <see cref="OpenAiCompatibleEmbedder"/> for
/// <c>openai</c> (its API key unprotected with Data Protection). Singleton; generators are cheap and
/// the local ones are cached, and so is the default model for <see cref="DefaultModelCacheDuration"/>.
/// </summary>
/// <param name="clock">The clock of the default model's cache (the system clock when null).</param>
public sealed class EmbeddingModelResolver(IHttpClientFactory httpClients, IDataProtectionProvider protection, TimeProvider? clock = null)
{
    /// <summary>The Data Protection purpose of <c>embeddings_models.api_key_protected</c>.</summary>
    /// <summary>
    /// How long <see cref="GetDefaultAsync"/> answers from memory. Every search asks for the default model; the admin
    /// service clears the cache when it changes a model (<see cref="InvalidateDefault"/>), so this bounds only how late
    /// another app instance, or a change made outside the service, is noticed.
    /// </summary>
    public static readonly TimeSpan DefaultModelCacheDuration = TimeSpan.FromSeconds(30);

    private readonly IDataProtector protector = protection.CreateProtector(ProtectionPurposes.EmbeddingModelApiKey);
    private readonly ConcurrentDictionary<(string Name, int Dimension), LocalHashingEmbedder> locals = new();
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private readonly Lock cacheLock = new();
    private CachedModel? cachedDefault;
    private long cacheGeneration;

    private sealed record CachedModel(EmbeddingModel Model, DateTimeOffset Expires, long Generation);

    /// <summary>The generator for <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The model's dimension has no index, or an openai model lacks a base URL.</exception>
    /// <exception cref="NotSupportedException">The provider is neither <c>local</c> nor <c>openai</c>.</exception>
    /// <exception cref="InvalidOperationException">The stored API key cannot be unprotected (the key ring changed).</exception>
    public IEmbeddingGenerator<string, Embedding<float>> Create(EmbeddingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!EmbeddingModel.SupportedDimensions.Contains(model.Dimension))
        {
            throw new ArgumentException(
                $"Embedding model '{model.Name}' has {model.Dimension} dimensions; supported are {string.Join(", ", EmbeddingModel.SupportedDimensions)}.",
                nameof(model));
        }

        return model.Provider switch
        {
            EmbeddingProviders.Local => locals.GetOrAdd((model.Name, model.Dimension), static key => new LocalHashingEmbedder(key.Name, key.Dimension)),
            EmbeddingProviders.OpenAi => new OpenAiCompatibleEmbedder(
                httpClients.CreateClient(OpenAiCompatibleEmbedder.HttpClientName), model, UnprotectApiKey(model)),
            _ => throw new NotSupportedException($"Embedding model '{model.Name}' has the unknown provider '{model.Provider}'."),
        };
    }

    /// <summary>Protects a plain API key for <c>embeddings_models.api_key_protected</c>.</summary>
    public string ProtectApiKey(string apiKey) => protector.Protect(apiKey);

    /// <summary>
    /// The model new knowledge is embedded with and questions are asked in: the active default, else the oldest
    /// active model (an admin may have switched the default off), else an error.
    /// </summary>
    /// <remarks>
    /// Read from <c>embeddings_models</c> at most once per <see cref="DefaultModelCacheDuration"/> (the registry is
    /// readable by everyone, so one answer serves every user); each caller gets its own copy. "No model is active" is
    /// not cached.
    /// </remarks>
    public async Task<EmbeddingModel> GetDefaultAsync(StarStudioDb db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        long generation;
        lock (cacheLock)
        {
            if (cachedDefault is { } cached && cached.Generation == cacheGeneration && time.GetUtcNow() < cached.Expires)
            {
                return Copy(cached.Model);
            }

            generation = cacheGeneration;
        }

        var model = await db.RunAsync((ctx, _) => ctx.EmbeddingModels.AsNoTracking()
            .Where(m => m.IsActive)
            .OrderByDescending(m => m.IsDefault)
            .ThenBy(m => m.CreatedAt)
            .ThenBy(m => m.Name)
            .FirstOrDefaultAsync(ct), ct)
            ?? throw new InvalidOperationException("No embedding model is active: an admin must activate one under Admin → Embedding models.");

        lock (cacheLock)
        {
            // A change invalidated during the read may not be in what was read: then it is not kept.
            if (generation == cacheGeneration)
            {
                cachedDefault = new CachedModel(Copy(model), time.GetUtcNow() + DefaultModelCacheDuration, generation);
            }
        }

        return model;
    }

    /// <summary>
    /// Forgets the cached default model, so the next <see cref="GetDefaultAsync"/> reads the registry. Call it after a
    /// change to <c>embeddings_models</c> has committed; a read already under way when it is called is not cached.
    /// </summary>
    public void InvalidateDefault()
    {
        lock (cacheLock)
        {
            cacheGeneration++;
            cachedDefault = null;
        }
    }

    private static EmbeddingModel Copy(EmbeddingModel m) => new()
    {
        Id = m.Id,
        Name = m.Name,
        Provider = m.Provider,
        Dimension = m.Dimension,
        MaxInputTokens = m.MaxInputTokens,
        BaseUrl = m.BaseUrl,
        ApiKeyProtected = m.ApiKeyProtected,
        IsActive = m.IsActive,
        IsDefault = m.IsDefault,
        CreatedAt = m.CreatedAt,
    };

    /// <summary>The registered model called <paramref name="name"/> (vectors record their model by name), or null.</summary>
    public Task<EmbeddingModel?> FindByNameAsync(StarStudioDb db, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.RunAsync((ctx, _) => ctx.EmbeddingModels.AsNoTracking().FirstOrDefaultAsync(m => m.Name == name, ct), ct);
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> in batches of <paramref name="batchSize"/>, in order, reporting the number
    /// embedded so far after each batch.
    /// </summary>
    public static async Task<IReadOnlyList<Embedding<float>>> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize = OpenAiCompatibleEmbedder.DefaultBatchSize,
        IProgress<int>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var result = new List<Embedding<float>>(texts.Count);
        for (var start = 0; start < texts.Count; start += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, texts.Count - start);
            var batch = new string[count];
            for (var i = 0; i < count; i++)
            {
                batch[i] = texts[start + i];
            }

            var embeddings = await generator.GenerateAsync(batch, options: null, ct);
            if (embeddings.Count != count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {count} texts.");
            }

            result.AddRange(embeddings);
            progress?.Report(result.Count);
        }

        return result;
    }

    private string? UnprotectApiKey(EmbeddingModel model)
    {
        if (string.IsNullOrEmpty(model.ApiKeyProtected))
        {
            return null;
        }

        try
        {
            return protector.Unprotect(model.ApiKeyProtected);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"The API key of embedding model '{model.Name}' cannot be decrypted (the Data Protection keys changed); an admin must enter it again.", e);
        }
    }
}
