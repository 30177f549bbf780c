using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;

namespace StarStudio.Data.Chat;

/// <summary>
/// Reads a model version's prompt adapter (<c>adapter.json</c> in <c>model-artifacts</c>) for the chat, once per version:
/// versions are immutable, so an adapter read is kept for the life of the process (at most <see cref="MaxCached"/>
/// versions; the cache starts over past that). Only an artifact inside the star's own folder is read
/// (<see cref="ModelArtifacts.KeyOf"/>); anything else, a missing object or one that is not an adapter gives null, and the
/// answer goes on with the star's base persona (logged).
/// </summary>
public sealed class ModelVersionAdapters(IObjectStore store, ILogger<ModelVersionAdapters> log)
{
    public const int MaxCached = 2048;

    /// <summary>Largest adapter file read (an adapter is a few KB; limits in <see cref="PromptAdapter"/>).</summary>
    public const int MaxBytes = 256 * 1024;

    private readonly ConcurrentDictionary<Guid, Lazy<Task<PromptAdapter?>>> cache = new();

    public async Task<PromptAdapter?> GetAsync(Guid starId, Guid versionId, string? artifactUri, CancellationToken ct = default)
    {
        if (ModelArtifacts.KeyOf(artifactUri, starId) is not { } key || !key.EndsWith("/adapter.json", StringComparison.Ordinal))
        {
            return null;
        }

        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }

        var entry = cache.GetOrAdd(versionId, _ => new Lazy<Task<PromptAdapter?>>(() => ReadAsync(key)));
        var adapter = await entry.Value.WaitAsync(ct);
        if (adapter is null)
        {
            // Not cached as missing: an object store that was down comes back.
            cache.TryRemove(new KeyValuePair<Guid, Lazy<Task<PromptAdapter?>>>(versionId, entry));
        }

        return adapter;
    }

    private async Task<PromptAdapter?> ReadAsync(string key)
    {
        try
        {
            // Not cancelled by one caller: others may wait for the same read.
            await using var stored = await store.GetAsync(Buckets.ModelArtifacts, key, CancellationToken.None);
            if (stored is null)
            {
                log.LogWarning("The adapter {Key} of a model version is missing; answering with the base persona", key);
                return null;
            }

            var buffer = new byte[MaxBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stored.Content.ReadAsync(buffer.AsMemory(read), CancellationToken.None)) > 0)
            {
                read += n;
            }

            if (read > MaxBytes)
            {
                log.LogWarning("The adapter {Key} is larger than {Max} bytes; answering with the base persona", key, MaxBytes);
                return null;
            }

            var adapter = PromptAdapter.Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, read));
            if (adapter is null)
            {
                log.LogWarning("The adapter {Key} is not an adapter; answering with the base persona", key);
            }

            return adapter;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or Minio.Exceptions.MinioException)
        {
            log.LogWarning(e, "Reading the adapter {Key} failed; answering with the base persona", key);
            return null;
        }
    }
}
