using Microsoft.Extensions.Options;
using StarStudio.Data.Knowledge.Retrieval;

namespace StarStudio.Tests.Unit.Knowledge.Retrieval;

public sealed class RetrievalGateTests
{
    [Fact]
    public async Task RunAsync_NeverAdmitsMoreThanItsCapacity()
    {
        using var gate = new RetrievalGate(Options.Create(new RetrievalOptions { MaxConcurrentSearches = 3 }));
        var inside = 0;
        var most = 0;
        var release = new TaskCompletionSource();

        var runs = Enumerable.Range(0, 10).Select(_ => gate.RunAsync(async () =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref inside);
            return now;
        })).ToList();
        await Task.Delay(50);
        var admittedBeforeRelease = Volatile.Read(ref inside);
        release.SetResult();
        await Task.WhenAll(runs);

        Assert.Equal(3, admittedBeforeRelease);
        Assert.Equal(3, most);
        Assert.Equal(3, gate.Capacity);
    }

    [Fact]
    public async Task RunAsync_WorkThatThrows_GivesItsSlotBack()
    {
        using var gate = new RetrievalGate(Options.Create(new RetrievalOptions { MaxConcurrentSearches = 1 }));

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.RunAsync<int>(() => throw new InvalidOperationException()));
        var after = await gate.RunAsync(() => Task.FromResult(42)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(42, after);
    }

    [Fact]
    public void Capacity_ZeroMeansTwicePerProcessorAtLeastFour() =>
        Assert.Equal(Math.Max(4, 2 * Environment.ProcessorCount), new RetrievalGate().Capacity);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
