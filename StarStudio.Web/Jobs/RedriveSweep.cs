namespace StarStudio.Web.Jobs;

/// <summary>
/// Queues unfinished work again: once when the app starts (work left by a killed process gets a job at once) and then
/// every <see cref="SweepInterval"/> (work whose job was lost, or whose run died on another instance). The row is the
/// outbox; <see cref="RedriveAsync"/> is the feature's definer function, which stamps what it queues. Knowledge tasks and
/// training jobs use it (docs/knowledge.md, docs/training.md).
/// </summary>
internal abstract class RedriveSweep(TimeProvider clock, ILogger log) : BackgroundService
{
    /// <summary>What is re-driven, for the log ("knowledge task", "training job").</summary>
    protected abstract string What { get; }

    protected abstract TimeSpan SweepInterval { get; }

    /// <summary>Queues the unfinished work nobody holds; returns how many were queued.</summary>
    protected abstract Task<int> RedriveAsync(bool atStart, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var atStart = true;
        using var timer = new PeriodicTimer(SweepInterval, clock);
        do
        {
            try
            {
                var queued = await RedriveAsync(atStart, stoppingToken);
                if (queued > 0)
                {
                    log.LogInformation("Queued {Count} unfinished {What}(s) again{When}.", queued, What, atStart ? " on start" : "");
                }

                atStart = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database may be down for a moment; the next sweep tries again (and still counts as the start one).
                log.LogWarning(ex, "Could not re-drive unfinished {What}s", What);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
