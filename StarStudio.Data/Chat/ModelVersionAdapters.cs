using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Chat;

/// <summary>A model version as the chat engine runs it: its name, its prompt adapter (if it has one) and its served model (if any).</summary>
public sealed record ActiveModelVersion(Guid Id, string Name, PromptAdapter? Adapter, ServedModel? Served)
{
    /// <summary>The request answered by this version (null: the base persona, the request as it is).</summary>
    public static ChatRequest Apply(ChatRequest request, ActiveModelVersion? version) =>
        version is null ? request : request with { Adapter = version.Adapter, ModelOverride = version.Served };
}

/// <summary>A version row with what running it needs: where its artifact is, and the model it is served as.</summary>
public sealed record ModelVersionRef(Guid Id, Guid StarId, string Name, string? ArtifactUri, ServedModel? Served);

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

    /// <summary>
    /// The version row and its trainer's serving provider, inside the caller's transaction (RLS applies: the owner sees
    /// their star's versions, anyone the current version of a public active star).
    /// </summary>
    public static Task<ModelVersionRef?> FindAsync(StarStudioDbContext ctx, Guid versionId, CancellationToken ct = default) =>
        (from m in ctx.StarModelVersions.AsNoTracking()
         where m.Id == versionId
         join t in ctx.Trainers.AsNoTracking() on m.TrainerId equals t.Id into trainers
         from t in trainers.DefaultIfEmpty()
         select new ModelVersionRef(m.Id, m.StarId, m.VersionName, m.ArtifactUri,
             m.ServedModelId != null && t != null && t.ServingProviderId != null ? new ServedModel(t.ServingProviderId.Value, m.ServedModelId) : null))
        .FirstOrDefaultAsync(ct);

    /// <summary>The version ready to run: its adapter read (outside any transaction; cached per version).</summary>
    public async Task<ActiveModelVersion> RunnableAsync(ModelVersionRef version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new ActiveModelVersion(version.Id, version.Name, await GetAsync(version.StarId, version.Id, version.ArtifactUri, ct), version.Served);
    }

    /// <summary>Finds the version as the current user and makes it runnable; null for no version (or one the user cannot see).</summary>
    public async Task<ActiveModelVersion?> LoadAsync(StarStudioDb db, Guid? versionId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (versionId is not { } id || await db.RunAsync((ctx, _) => FindAsync(ctx, id, ct), ct) is not { } found)
        {
            return null;
        }

        return await RunnableAsync(found, ct);
    }

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
