using System.Text;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Arena;
using StarStudio.Core.Storage;

namespace StarStudio.Data.Arena.Battles;

/// <summary>Reads an entry's answer (its JSON text) from bucket <c>trial-responses</c> at the entry's <c>response_uri</c>.</summary>
internal static class TrialAnswers
{
    /// <summary>Larger than any answer <see cref="AnswerSchemas.Validate"/> accepts (512 KB), so a valid answer is never cut.</summary>
    private const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// The object key of a <c>response_uri</c>: the key itself (<c>trials/{trialId}/drafts/{draftId}.json</c>, as the
    /// knowledge feature stores payload keys), also accepted with a leading <c>trial-responses/</c> or
    /// <c>s3://trial-responses/</c>. Null when it is not a key of that bucket.
    /// </summary>
    public static string? KeyOf(string? responseUri)
    {
        if (string.IsNullOrWhiteSpace(responseUri))
        {
            return null;
        }

        var key = responseUri.Trim();
        foreach (var prefix in (string[])["s3://" + Buckets.TrialResponses + "/", Buckets.TrialResponses + "/"])
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                key = key[prefix.Length..];
                break;
            }
        }

        try
        {
            ObjectKeys.Validate(Buckets.TrialResponses, key);
            return key;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The answer's text, or null when the key is unusable, the object is missing or too large, or the store fails: by
    /// then a vote has been committed, so a storage failure must show "answer unavailable", not lose the reply.
    /// </summary>
    public static async Task<string?> ReadAsync(IObjectStore store, string? responseUri, ILogger logger, CancellationToken ct)
    {
        if (KeyOf(responseUri) is not { } key)
        {
            return null;
        }

        try
        {
            return await ReadKeyAsync(store, key, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Trial answer {Key} could not be read", key);
            return null;
        }
    }

    private static async Task<string?> ReadKeyAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await using var stored = await store.GetAsync(Buckets.TrialResponses, key, ct);
        if (stored is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stored.Content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
