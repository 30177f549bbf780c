namespace StarStudio.Web.Scaling;

/// <summary>
/// When the app gives memory back to the operating system after users leave (docs/scaling.md, "Memory after users
/// leave"). A closed circuit's objects are garbage, but an idle server allocates too little for the GC to run, and the
/// Server GC keeps the heap it has: measured, RSS stayed at its peak minutes after 1,000 circuits closed. So once
/// enough circuits have closed since the last trim, one aggressive full collection finds them and returns the memory.
/// </summary>
/// <param name="MinClosed">Circuits that must have closed since the peak before a trim is worth a blocking collection.</param>
/// <param name="MinShare">The share of the peak that must have closed (a box at 10,000 circuits does not trim for 100).</param>
/// <param name="MinInterval">At most one trim in this time, however many circuits close.</param>
public sealed record MemoryTrimPolicy(int MinClosed, double MinShare, TimeSpan MinInterval)
{
    public static MemoryTrimPolicy Default { get; } = new(MinClosed: 100, MinShare: 0.25, MinInterval: TimeSpan.FromMinutes(1));

    /// <summary>Whether to trim now.</summary>
    /// <param name="peak">The most circuits open at once since the last trim.</param>
    /// <param name="open">Circuits open now.</param>
    /// <param name="sinceLastTrim">Time since the last trim (or since the app started).</param>
    public bool ShouldTrim(int peak, int open, TimeSpan sinceLastTrim)
    {
        var closed = peak - open;
        return sinceLastTrim >= MinInterval && closed >= MinClosed && closed >= peak * MinShare;
    }
}
