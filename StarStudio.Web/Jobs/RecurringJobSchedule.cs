using System.Linq.Expressions;
using Hangfire;

namespace StarStudio.Web.Jobs;

/// <summary>
/// Registers one recurring Hangfire job when the app starts (Hangfire keeps one schedule per job id across instances,
/// so every instance may register it). The call is the runner's own method, so its filter attributes
/// (<c>[AutomaticRetry]</c>, <c>[DisableConcurrentExecution]</c>) apply.
/// </summary>
public sealed class RecurringJobSchedule<TRunner>(IRecurringJobManager jobs, string jobId, Expression<Func<TRunner, Task>> call, string cron)
    : IHostedService
{
    public string JobId => jobId;

    public string Cron => cron;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate(jobId, call, cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
        services.AddHostedService(sp => new RecurringJobSchedule<TRunner>(sp.GetRequiredService<IRecurringJobManager>(), jobId, call, cron(sp)));
        return services;
    }
}
