using Microsoft.Extensions.Logging;

namespace StarStudio.Data.Infrastructure;

/// <summary>
/// Keeps a run's lease on its row (a knowledge task, a training job) until the run ends: <c>renew</c> every
/// <paramref name="every"/> (a third of the lease), so one missed renewal is not fatal — it is logged and the next tick
/// tries again. A run that dies stops renewing, and its row is free once the lease runs out (docs/knowledge.md).
/// </summary>
internal static class LeaseRenewal
{
    public static async Task RunAsync(TimeSpan every, TimeProvider clock, Func<CancellationToken, Task> renew, ILogger log, string what, Guid id, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await renew(stop);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogWarning(ex, "Could not renew the lease of {What} {Id}", what, id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended
        }
    }
}
