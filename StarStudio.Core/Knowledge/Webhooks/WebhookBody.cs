namespace StarStudio.Core.Knowledge.Webhooks;

/// <summary>
/// Reads an inbound webhook body with a hard limit. Memory grows with the bytes that actually arrive, never
/// with what the sender declares (<c>Content-Length</c> is a claim, and chunked bodies declare nothing).
/// </summary>
public static class WebhookBody
{
    /// <summary>Reads <paramref name="body"/> to its end.</summary>
    /// <returns>The bytes, or null as soon as more than <paramref name="limit"/> bytes have arrived.</returns>
    public static Task<byte[]?> ReadAsync(Stream body, long limit, CancellationToken ct = default) =>
        Storage.BoundedRead.ReadAtMostAsync(body, limit, ct);
}
