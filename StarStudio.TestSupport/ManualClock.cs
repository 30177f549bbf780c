namespace StarStudio.TestSupport;

/// <summary>A clock the test sets and moves (Beijing days, cycles, expiries).</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
