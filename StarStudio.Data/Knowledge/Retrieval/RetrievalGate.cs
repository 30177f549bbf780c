using Microsoft.Extensions.Options;

namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>
/// Bounds how many knowledge searches hold a database transaction at once (<see cref="RetrievalOptions.MaxConcurrentSearches"/>).
/// </summary>
/// <remarks>
/// When many questions arrive together (the chat benchmark's 200 at once), letting every one open its own connection
/// puts ~100 PostgreSQL backends on two cores: each search's few milliseconds of CPU are spread thin, new connections
/// pay for their authentication, and every search finishes late together. Admitting a few at a time (first come,
/// first served) finishes each one quickly and keeps the queue in the app, where it costs nothing. Measured in
/// docs/performance.md ("Concurrent questions").
/// </remarks>
public sealed class RetrievalGate : IDisposable
{
    private readonly SemaphoreSlim slots;

    public RetrievalGate(IOptions<RetrievalOptions>? options = null)
    {
        Capacity = (options?.Value ?? new RetrievalOptions()).EffectiveMaxConcurrentSearches;
        slots = new SemaphoreSlim(Capacity, Capacity);
    }

    /// <summary>How many searches may be inside at once.</summary>
    public int Capacity { get; }

    /// <summary>Runs <paramref name="work"/> once a slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await slots.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            slots.Release();
        }
    }

    public void Dispose() => slots.Dispose();
}
