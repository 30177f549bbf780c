using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Growth;
using StarStudio.Web.Jobs;

namespace StarStudio.Web.Growth;

/// <summary>Hangfire's entry point for the nightly magnitude recomputation (cron <c>StarStudio__Magnitude__NightlyCron</c>).</summary>
public sealed class MagnitudeNightlyJobRunner(IMagnitudeNightly nightly)
{
    public const string JobId = "magnitude-nightly";

    // One run at a time; a retry would append a second row per star for the same night, so none.
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task RunAsync(CancellationToken cancellationToken) => nightly.RunAsync(cancellationToken);
}

/// <summary>The web side of magnitude: the nightly job.</summary>
public static class MagnitudeWebSetup
{
    public static IServiceCollection AddStarStudioMagnitudeWeb(this IServiceCollection services)
    {
        services.AddRecurringJob<MagnitudeNightlyJobRunner>(MagnitudeNightlyJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<MagnitudeOptions>>().Value.NightlyCron);
        return services;
    }
}
