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
    /// The answer's text, or null when the key is unusable, the object is missing or too large, or the store fails: by
    /// then a vote has been committed, so a storage failure must show "answer unavailable", not lose the reply.
    /// </summary>
    public static async Task<string?> ReadAsync(IObjectStore store, string? responseUri, ILogger logger, CancellationToken ct)
    {
        if (TrialResponseKeys.Parse(responseUri) is not { } key)
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
