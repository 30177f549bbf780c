namespace StarStudio.Core.Knowledge.Webhooks;

/// <summary>
/// Reads an inbound webhook body with a hard limit. Memory grows with the bytes that actually arrive, never
/// with what the sender declares (<c>Content-Length</c> is a claim, and chunked bodies declare nothing).
/// </summary>
public static class WebhookBody
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Reads <paramref name="body"/> to its end.</summary>
    /// <returns>The bytes, or null as soon as more than <paramref name="limit"/> bytes have arrived.</returns>
    public static async Task<byte[]?> ReadAsync(Stream body, long limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
