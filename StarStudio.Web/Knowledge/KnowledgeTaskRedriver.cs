using Microsoft.Extensions.Options;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Knowledge.Pipeline;

namespace StarStudio.Web.Knowledge;

/// <summary>
/// Runs <see cref="KnowledgeTaskRedrive"/> once when the app starts (a task left by a killed process gets a job at once)
/// and then every <see cref="KnowledgeJobOptions.SweepInterval"/> (a task whose job was lost, or whose run died on another
/// instance, gets one within a lease and a sweep).
/// </summary>
internal sealed class KnowledgeTaskRedriver(KnowledgeTaskRedrive redrive, IOptions<KnowledgeJobOptions> options, TimeProvider clock, ILogger<KnowledgeTaskRedriver> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var atStart = true;
        using var timer = new PeriodicTimer(settings.SweepInterval, clock);
        do
        {
            try
            {
                var queued = await redrive.RunAsync(settings.RedriveAfter, atStart, stoppingToken);
                if (queued.Count > 0)
                {
                    log.LogInformation("Queued {Count} unfinished knowledge task(s) again{When}.", queued.Count, atStart ? " on start" : "");
                }

                atStart = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database may be down for a moment; the next sweep tries again (and still counts as the start one).
                log.LogWarning(ex, "Could not re-drive unfinished knowledge tasks");
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
