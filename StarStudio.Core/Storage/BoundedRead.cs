namespace StarStudio.Core.Storage;

/// <summary>
/// Reads an untrusted stream (an upload, an inbound webhook body) with a hard limit. Memory grows with the bytes that
/// actually arrive, never with what the sender declares (a declared size or <c>Content-Length</c> is a claim).
/// </summary>
public static class BoundedRead
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Reads <paramref name="content"/> to its end.</summary>
    /// <returns>The bytes, or null as soon as more than <paramref name="limit"/> bytes have arrived.</returns>
    public static async Task<byte[]?> ReadAtMostAsync(Stream content, long limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
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
