using System.Diagnostics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace StarStudio.Web.Scaling;

/// <summary>Configuration of <see cref="CircuitMemoryTrimmer"/> (section <c>StarStudio:Memory</c>).</summary>
public sealed class MemoryTrimOptions
{
    /// <summary>Whether memory is trimmed after circuits close; on by default.</summary>
    public bool Enabled { get; set; } = true;

    public int MinClosedCircuits { get; set; } = MemoryTrimPolicy.Default.MinClosed;

    public double MinClosedShare { get; set; } = MemoryTrimPolicy.Default.MinShare;

    public TimeSpan MinInterval { get; set; } = MemoryTrimPolicy.Default.MinInterval;

    /// <summary>How often the circuit count is looked at.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(15);

    internal MemoryTrimPolicy Policy => new(MinClosedCircuits, MinClosedShare, MinInterval);
}

/// <summary>The number of open circuits in this process (any page, signed in or not).</summary>
public sealed class CircuitCounter
{
    private int open;
    private int peak;

    public int Open => Volatile.Read(ref open);

    /// <summary>The most circuits open at once since <see cref="ResetPeak"/>.</summary>
    public int Peak => Volatile.Read(ref peak);

    internal void Opened()
    {
        var now = Interlocked.Increment(ref open);
        int seen;
        while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
        {
        }
    }

    internal void Closed() => Interlocked.Decrement(ref open);

    internal void ResetPeak() => Volatile.Write(ref peak, Open);
}

/// <summary>Counts circuits as they open and close (registered as one more circuit handler).</summary>
internal sealed class CircuitCountHandler(CircuitCounter counter) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Gives memory back after users leave: when <see cref="MemoryTrimPolicy"/> says enough circuits have closed, one
/// blocking, compacting, aggressive gen-2 collection (which also decommits the free space). Measured in
/// docs/performance.md ("Circuits"); the pause is logged.
/// </summary>
internal sealed class CircuitMemoryTrimmer(CircuitCounter counter, IOptions<MemoryTrimOptions> options, TimeProvider time, ILogger<CircuitMemoryTrimmer> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var policy = settings.Policy;
        var lastTrim = time.GetTimestamp();
        using var timer = new PeriodicTimer(settings.CheckEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (TryTrim(policy, time.GetElapsedTime(lastTrim)))
            {
                lastTrim = time.GetTimestamp();
            }
        }
    }

    /// <summary>Trims if the policy says so, and starts a new peak; whether it trimmed.</summary>
    internal bool TryTrim(MemoryTrimPolicy policy, TimeSpan sinceLastTrim)
    {
        int peak = counter.Peak, open = counter.Open;
        if (!policy.ShouldTrim(peak, open, sinceLastTrim))
        {
            return false;
        }

        var before = Environment.WorkingSet;
        var watch = Stopwatch.StartNew();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        log.LogInformation(
            "Trimmed memory after {Closed} of {Peak} circuits closed: working set {Before} → {After} MB, {Pause} ms",
            peak - open, peak, before / 1048576, Environment.WorkingSet / 1048576, watch.ElapsedMilliseconds);
        counter.ResetPeak();
        return true;
    }
}
