using Microsoft.Extensions.Options;
using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat;

public sealed class AnswerGateTests
{
    private static AnswerGate Gate(int capacity, TimeSpan timeout) =>
        new(Options.Create(new ChatEngineOptions { MaxStartingAnswers = capacity, StartQueueTimeout = timeout }));

    [Fact]
    public async Task EnterAsync_AllSlotsTaken_WaitsUntilOneIsReleased()
    {
        using var gate = Gate(1, TimeSpan.FromSeconds(30));
        var first = await gate.EnterAsync(CancellationToken.None);

        var second = gate.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, gate.Waiting);

        first!.Release();
        Assert.NotNull(await second.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task EnterAsync_NoSlotWithinTheQueueTimeout_IsNull()
    {
        using var gate = Gate(1, TimeSpan.FromMilliseconds(100));
        using var held = await gate.EnterAsync(CancellationToken.None);

        Assert.Null(await gate.EnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Lease_ReleasedTwice_FreesOneSlotOnly()
    {
        using var gate = Gate(1, TimeSpan.FromMilliseconds(100));
        var lease = await gate.EnterAsync(CancellationToken.None);

        lease!.Release(); // at the engine's first event
        lease.Dispose();  // and again where the answer's scope ends

        using var next = await gate.EnterAsync(CancellationToken.None);
        Assert.NotNull(next);
        Assert.Null(await gate.EnterAsync(CancellationToken.None)); // capacity is still 1, not 2
    }

    [Fact]
    public async Task EnterAsync_Cancelled_Throws()
    {
        using var gate = Gate(1, TimeSpan.FromSeconds(30));
        using var held = await gate.EnterAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(50);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync(cts.Token));
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public void Capacity_Automatic_IsFourPerProcessorAtLeastEight()
    {
        using var gate = new AnswerGate();

        Assert.Equal(Math.Max(8, 4 * Environment.ProcessorCount), gate.Capacity);
    }
}
