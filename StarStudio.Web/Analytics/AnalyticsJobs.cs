using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Analytics;
using StarStudio.Web.Jobs;

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

/// <summary>The web side of analytics: the roll-up job.</summary>
public static class AnalyticsWebSetup
{
    public static IServiceCollection AddStarStudioAnalyticsWeb(this IServiceCollection services)
    {
        services.AddRecurringJob<AnalyticsRollupJobRunner>(AnalyticsRollupJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.RollupCron);
        return services;
    }
}
