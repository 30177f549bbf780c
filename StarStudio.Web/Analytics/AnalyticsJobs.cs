using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Analytics;

namespace StarStudio.Web.Analytics;

/// <summary>Hangfire's entry point for the analytics roll-up (cron <c>StarStudio__Analytics__RollupCron</c>).</summary>
public sealed class AnalyticsRollupJobRunner(IAnalyticsRollup rollup)
{
    public const string JobId = "analytics-rollup";

    // Idempotent (each run replaces the days it rolls), so a retry is harmless; one run at a time.
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 1800)]
    public Task RunAsync(CancellationToken cancellationToken) => rollup.RunAsync(cancellationToken);
}

/// <summary>Registers the recurring job when the app starts (Hangfire keeps one schedule per job id across instances).</summary>
internal sealed class AnalyticsRollupSchedule(IRecurringJobManager jobs, IOptions<AnalyticsOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<AnalyticsRollupJobRunner>(AnalyticsRollupJobRunner.JobId, r => r.RunAsync(CancellationToken.None), options.Value.RollupCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of analytics: the roll-up job.</summary>
public static class AnalyticsWebSetup
{
    public static IServiceCollection AddStarStudioAnalyticsWeb(this IServiceCollection services)
    {
        services.AddScoped<AnalyticsRollupJobRunner>();
        services.AddHostedService<AnalyticsRollupSchedule>();
        return services;
    }
}
