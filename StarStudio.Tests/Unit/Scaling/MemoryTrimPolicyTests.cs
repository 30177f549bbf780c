using StarStudio.Web.Scaling;

namespace StarStudio.Tests.Unit.Scaling;

public sealed class MemoryTrimPolicyTests
{
    private static readonly MemoryTrimPolicy Policy = MemoryTrimPolicy.Default;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(1000, 0, true)] // everyone left
    [InlineData(1000, 700, true)] // 300 closed: both the count and the share
    [InlineData(1000, 800, false)] // 200 closed, but a fifth of the peak
    [InlineData(10000, 8000, false)] // 2,000 closed of 10,000: a fifth
    [InlineData(10000, 7000, true)]
    [InlineData(120, 0, true)]
    [InlineData(99, 0, false)] // a small box never pays a blocking collection for a handful of circuits
    [InlineData(0, 0, false)]
    public void Trims_WhenEnoughCircuitsClosed(int peak, int open, bool trim) =>
        Assert.Equal(trim, Policy.ShouldTrim(peak, open, Long));

    [Fact]
    public void Trims_AtMostOncePerInterval()
    {
        Assert.False(Policy.ShouldTrim(1000, 0, TimeSpan.FromSeconds(59)));
        Assert.True(Policy.ShouldTrim(1000, 0, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Counter_KeepsThePeakUntilReset()
    {
        var counter = new CircuitCounter();
        await Parallel.ForAsync(0, 1000, (_, _) =>
        {
            counter.Opened();
            return ValueTask.CompletedTask;
        });
        for (var i = 0; i < 600; i++)
        {
            counter.Closed();
        }

        Assert.Equal(400, counter.Open);
        Assert.Equal(1000, counter.Peak);
        counter.ResetPeak();
        Assert.Equal(400, counter.Peak);
        counter.Opened();
        Assert.Equal(401, counter.Peak);
    }
}

public sealed class CircuitMemoryTrimmerTests
{
    [Fact]
    public void Trims_OnceEnoughHaveClosed_ThenWaitsForANewPeak()
    {
        var counter = new CircuitCounter();
        var trimmer = new CircuitMemoryTrimmer(counter, Microsoft.Extensions.Options.Options.Create(new MemoryTrimOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CircuitMemoryTrimmer>.Instance);
        var policy = MemoryTrimPolicy.Default;
        for (var i = 0; i < 300; i++)
        {
            counter.Opened();
        }

        Assert.False(trimmer.TryTrim(policy, TimeSpan.FromMinutes(5))); // nobody left yet
        for (var i = 0; i < 250; i++)
        {
            counter.Closed();
        }

        var collections = GC.CollectionCount(GC.MaxGeneration);
        Assert.True(trimmer.TryTrim(policy, TimeSpan.FromMinutes(5)));
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > collections);
        Assert.Equal(50, counter.Peak);
        Assert.False(trimmer.TryTrim(policy, TimeSpan.FromMinutes(5))); // the same departures are not trimmed twice
    }
}
