namespace StarStudio.Core.Storage;

/// <summary>The object store port (seed 000 §4): MinIO/S3 in the full stack, a local directory on one machine.</summary>
public interface IObjectStore
{
    /// <summary>Creates the buckets of <see cref="Buckets.All"/> that do not exist yet.</summary>
    Task EnsureBucketsAsync(CancellationToken ct = default);

    /// <summary>Writes (or replaces) an object.</summary>
    Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default);

    /// <summary>Opens an object for reading; null if it does not exist. The caller disposes the stream.</summary>
    Task<StoredObject?> GetAsync(string bucket, string key, CancellationToken ct = default);

    Task<bool> ExistsAsync(string bucket, string key, CancellationToken ct = default);

    /// <summary>Removes an object; removing a missing object is not an error.</summary>
    Task DeleteAsync(string bucket, string key, CancellationToken ct = default);

    /// <summary>Keys under a prefix, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string bucket, string prefix, CancellationToken ct = default);

    /// <summary>Whether the store answers; used by <c>/healthz</c>.</summary>
    Task<bool> PingAsync(CancellationToken ct = default);
}

/// <summary>An object read from the store.</summary>
public sealed record StoredObject(Stream Content, string ContentType, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>The buckets of seed 000 §4, plus <c>avatars</c> and <c>feedback-evidence</c> (help-and-feedback images).</summary>
public static class Buckets
{
    public const string KnowledgeRaw = "knowledge-raw";
    public const string ModelArtifacts = "model-artifacts";
    public const string TrialResponses = "trial-responses";
    public const string Exports = "exports";
    public const string Avatars = "avatars";
    public const string FeedbackEvidence = "feedback-evidence";

    public static readonly IReadOnlyList<string> All = [KnowledgeRaw, ModelArtifacts, TrialResponses, Exports, Avatars, FeedbackEvidence];
}

/// <summary>Rules every adapter applies to object keys, so a key can never escape its bucket.</summary>
public static class ObjectKeys
{
    public static void Validate(string bucket, string key)
    {
        if (!Buckets.All.Contains(bucket))
        {
            throw new ArgumentException($"Unknown bucket '{bucket}'.", nameof(bucket));
        }

        if (string.IsNullOrWhiteSpace(key) || key.Length > 512 || key.StartsWith('/') || key.EndsWith('/')
            || key.Contains('\\') || key.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"Invalid object key '{key}'.", nameof(key));
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                throw new ArgumentException($"Invalid character in object key '{key}'.", nameof(key));
            }
        }
    }
}
