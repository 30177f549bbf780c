using Microsoft.Extensions.Options;

namespace StarStudio.Data.Chat.Engine;

/// <summary>
/// Bounds how many answers are starting at once in this process (<see cref="ChatEngineOptions.MaxStartingAnswers"/>):
/// a question takes a slot before its conversation is read and gives it back at the engine's first event, so the
/// database work in front of a first token (about ten short queries, the retrieval, the trace's first rows) runs a few
/// at a time and the rest wait in the app, first come first served.
/// </summary>
/// <remarks>
/// Without it, 500 questions sent at once each rented pooled connections for those queries together: on two cores the
/// pool's 100 connections stayed busy past Npgsql's 15 s wait, the sends that waited longest failed with "The connection
/// pool has been exhausted", and each failure ended its player's circuit (488 of 500 in one burst; docs/performance.md
/// "500 players"). A question that cannot get a slot within <see cref="ChatEngineOptions.StartQueueTimeout"/> is refused
/// as busy, before anything is stored.
/// </remarks>
public sealed class AnswerGate : IDisposable
{
    private readonly SemaphoreSlim slots;
    private readonly TimeSpan queueTimeout;
    private int waiting;

    public AnswerGate(IOptions<ChatEngineOptions>? options = null)
    {
        var o = options?.Value ?? new ChatEngineOptions();
        Capacity = o.EffectiveMaxStartingAnswers;
        queueTimeout = o.StartQueueTimeout;
        slots = new SemaphoreSlim(Capacity, Capacity);
    }

    /// <summary>How many answers may be starting at once.</summary>
    public int Capacity { get; }

    /// <summary>How many questions are waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>
    /// Waits for a slot: a lease to dispose (or <see cref="Lease.Release"/> early) once the answer has started, or null
    /// when none was free within the queue timeout. Cancelling <paramref name="ct"/> throws, as any wait does.
    /// </summary>
    public async Task<Lease?> EnterAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            return await slots.WaitAsync(queueTimeout, ct) ? new Lease(slots) : null;
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    public void Dispose() => slots.Dispose();

    /// <summary>One slot; released once, by <see cref="Release"/> or <see cref="Dispose"/>, whichever comes first.</summary>
    public sealed class Lease : IDisposable
    {
        /// <summary>A lease that holds no slot, for a service built without a gate.</summary>
        public static readonly Lease Unbounded = new(null);

        private SemaphoreSlim? slots;

        internal Lease(SemaphoreSlim? slots) => this.slots = slots;

        public void Release() => Interlocked.Exchange(ref slots, null)?.Release();

        public void Dispose() => Release();
    }
}
