using System.Linq.Expressions;
using Hangfire;

namespace StarStudio.Web.Jobs;

/// <summary>
/// Registers one recurring Hangfire job when the app starts (Hangfire keeps one schedule per job id across instances,
/// so every instance may register it). The call is the runner's own method, so its filter attributes
/// (<c>[AutomaticRetry]</c>, <c>[DisableConcurrentExecution]</c>) apply.
/// </summary>
/// <remarks>
/// Registering takes a distributed lock on the job's schedule. A process killed while it held that lock (a crash, an
/// OOM kill, SIGKILL) leaves it in the database until it expires, and the restarted app waited for it, timed out and
/// failed to start at all. The schedule stored by the earlier registration still runs meanwhile, so a lock timeout is
/// logged and the registration retried in the background (every <see cref="RetryDelay"/>) instead.
/// </remarks>
public sealed class RecurringJobSchedule<TRunner>(
    IRecurringJobManager jobs, string jobId, Expression<Func<TRunner, Task>> call, string cron, ILogger? log = null)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();

    public string JobId => jobId;

    public string Cron => cron;

    /// <summary>How long to wait before registering again after the lock timed out.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The background retries, when the first registration timed out (for tests).</summary>
    public Task Registered { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!TryRegister())
        {
            Registered = RetryAsync(stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            await Registered.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting to retry: the stored schedule stays as it was.
        }
    }

    public void Dispose() => stopping.Dispose();

    private bool TryRegister()
    {
        try
        {
            jobs.AddOrUpdate(jobId, call, cron);
            return true;
        }
        catch (Exception e) when (IsLockTimeout(e))
        {
            log?.LogWarning(e, "Could not register the recurring job {JobId} (its lock is held, e.g. by a process that was killed); its stored schedule still runs, retrying in {Delay}", jobId, RetryDelay);
            return false;
        }
    }

    private async Task RetryAsync(CancellationToken ct)
    {
        do
        {
            await Task.Delay(RetryDelay, ct);
        }
        while (!TryRegister());

        log?.LogInformation("Registered the recurring job {JobId} after a lock timeout", jobId);
    }

    /// <summary>Hangfire's lock timeout, as the core and the PostgreSQL storage report it.</summary>
    internal static bool IsLockTimeout(Exception e) =>
        e is Hangfire.Storage.DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException;
}

public static class RecurringJobScheduleExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TRunner"/> (scoped: Hangfire resolves it per run) and schedules <paramref name="call"/>
    /// under <paramref name="jobId"/> with the cron that <paramref name="cron"/> reads from the options at start.
    /// Pass <c>CancellationToken.None</c> in the call: Hangfire replaces it with its shutdown token.
    /// </summary>
    public static IServiceCollection AddRecurringJob<TRunner>(this IServiceCollection services, string jobId,
        Expression<Func<TRunner, Task>> call, Func<IServiceProvider, string> cron)
        where TRunner : class
    {
        services.AddScoped<TRunner>();
        services.AddHostedService(sp => new RecurringJobSchedule<TRunner>(sp.GetRequiredService<IRecurringJobManager>(), jobId, call, cron(sp),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RecurringJobSchedule<TRunner>>()));
        return services;
    }
}
