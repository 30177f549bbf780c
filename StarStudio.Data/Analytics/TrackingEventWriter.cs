using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Analytics;

/// <summary>
/// Writes batches of tracking events through <c>tracking_event_append</c> (SECURITY DEFINER; the app role cannot insert into
/// <c>tracking_event</c>): one multi-row <c>INSERT … SELECT FROM unnest(…) ON CONFLICT (event_id) DO NOTHING</c> per batch, so a
/// replayed event id is counted once. Runs as no signed-in user, as the function demands.
/// </summary>
public static class TrackingEventStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Appends <paramref name="batch"/> in its own transaction; returns how many were new.</summary>
    public static async Task<int> AppendAsync(IDbContextFactory<StarStudioDbContext> factory, IReadOnlyList<TrackingEvent> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = batch.Select(e => e.EventId).ToArray();
        var keys = batch.Select(e => e.EventKey).ToArray();
        var kinds = batch.Select(e => ScopeName(e.ScopeKind)).ToArray();
        var scopes = batch.Select(e => e.ScopeId).ToArray();
        var users = batch.Select(e => e.UserId).ToArray();
        var owners = batch.Select(e => e.OwnerUserId).ToArray();
        var modules = batch.Select(e => e.ModuleKey).ToArray();
        var metadata = batch.Select(e => e.Metadata is null ? "{}" : JsonSerializer.Serialize(e.Metadata, Json)).ToArray();
        var at = batch.Select(e => e.OccurredAt.ToUniversalTime()).ToArray();
        return await db.Database.SqlQuery<int>($"""
            SELECT tracking_event_append({ids}, {keys}, {kinds}, {scopes}, {users}, {owners}, {modules}, {metadata}::jsonb[], {at}) AS "Value"
            """).SingleAsync(ct);
    }

    public static string ScopeName(TrackingScope scope) => scope switch
    {
        TrackingScope.Site => "site",
        TrackingScope.Star => "star",
        TrackingScope.Module => "module",
        TrackingScope.User => "user",
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };

    /// <summary>Whether the database would take <paramref name="e"/> (a malformed event would fail its whole batch).</summary>
    public static bool IsAcceptable(TrackingEvent e) =>
        TrackingEvent.IsWellFormedKey(e.EventKey) && Enum.IsDefined(e.ScopeKind)
        && e.ScopeId is { Length: > 0 and <= TrackingEvent.MaxScopeIdLength }
        && (e.ModuleKey is null || e.ModuleKey.Length <= TrackingEvent.MaxKeyLength);
}

/// <summary>
/// <see cref="ITrackingEvents"/> as a bounded in-memory queue drained by a background service: the caller's
/// <see cref="Track"/> is a <c>TryWrite</c> (no I/O, no lock held across an await, no exception), and events reach the
/// database in batches of up to <see cref="AnalyticsOptions.BatchSize"/> every <see cref="AnalyticsOptions.FlushMilliseconds"/>.
/// A full queue drops new events and counts them (<see cref="Dropped"/>); a failed batch is retried once, then dropped and
/// counted. On shutdown the queue is drained. Events queued when the process dies are lost: analytics is best effort
/// (docs/analytics.md), which is why money is rolled up from <c>orders</c> and the ledger, not from events.
/// </summary>
public sealed class TrackingEventWriter : BackgroundService, ITrackingEvents
{
    private readonly Channel<TrackingEvent> queue;
    private readonly IDbContextFactory<StarStudioDbContext> factory;
    private readonly ILogger<TrackingEventWriter> log;
    private readonly AnalyticsOptions options;
    private long dropped;
    private long written;

    public TrackingEventWriter(IDbContextFactory<StarStudioDbContext> factory, IOptions<AnalyticsOptions> options, ILogger<TrackingEventWriter> log)
    {
        this.factory = factory;
        this.log = log;
        this.options = options.Value;
        queue = Channel.CreateBounded<TrackingEvent>(new BoundedChannelOptions(Math.Max(1, this.options.QueueCapacity))
        {
            // Wait, not DropWrite: with Wait, TryWrite (which never waits) returns false on a full queue, so the drop is
            // counted; DropWrite would report success for an event it threw away.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Events dropped (queue full, malformed, or a batch that failed twice).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Events the database took as new.</summary>
    public long Written => Interlocked.Read(ref written);

    public bool Track(TrackingEvent e)
    {
        if (TrackingEventStore.IsAcceptable(e) && queue.Writer.TryWrite(e))
        {
            return true;
        }

        Interlocked.Increment(ref dropped);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TrackingEvent>(options.BatchSize);
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                // Wait a little for the batch to fill: one round trip carries many events under load, and an idle
                // app writes a lone event within FlushMilliseconds.
                var deadline = Stopwatch.StartNew();
                while (batch.Count < options.BatchSize)
                {
                    if (reader.TryRead(out var e))
                    {
                        batch.Add(e);
                        continue;
                    }

                    var left = options.FlushMilliseconds - (int)deadline.ElapsedMilliseconds;
                    if (left <= 0)
                    {
                        break;
                    }

                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    wait.CancelAfter(left);
                    try
                    {
                        if (!await reader.WaitToReadAsync(wait.Token))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                }

                await WriteAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutting down: what is queued still goes out (bounded by the host's shutdown timeout).
        queue.Writer.TryComplete();
        while (reader.TryRead(out var e))
        {
            batch.Add(e);
            if (batch.Count >= options.BatchSize)
            {
                await WriteAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }

        await WriteAsync(batch, CancellationToken.None);
    }

    /// <summary>Writes what is queued now (tests and benchmarks; the service does this on its own).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var batch = new List<TrackingEvent>();
        while (queue.Reader.TryRead(out var e))
        {
            batch.Add(e);
            if (batch.Count >= options.BatchSize)
            {
                await WriteAsync(batch, ct);
                batch.Clear();
            }
        }

        await WriteAsync(batch, ct);
    }

    private async Task WriteAsync(List<TrackingEvent> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var n = await TrackingEventStore.AppendAsync(factory, batch, ct);
                Interlocked.Add(ref written, n);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (attempt >= 2)
                {
                    Interlocked.Add(ref dropped, batch.Count);
                    log.LogWarning(e, "Dropped {Count} tracking events after two failed writes.", batch.Count);
                    return;
                }

                log.LogInformation(e, "Writing {Count} tracking events failed; retrying once.", batch.Count);
                try
                {
                    await Task.Delay(500, ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
}
