using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Growth;

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

/// <summary>Registers the recurring job when the app starts (Hangfire keeps one schedule per job id across instances).</summary>
internal sealed class MagnitudeNightlySchedule(IRecurringJobManager jobs, IOptions<MagnitudeOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Hangfire passes its shutdown token in place of CancellationToken.None.
        jobs.AddOrUpdate<MagnitudeNightlyJobRunner>(MagnitudeNightlyJobRunner.JobId, r => r.RunAsync(CancellationToken.None), options.Value.NightlyCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of magnitude: the nightly job.</summary>
public static class MagnitudeWebSetup
{
    public static IServiceCollection AddStarStudioMagnitudeWeb(this IServiceCollection services)
    {
        services.AddScoped<MagnitudeNightlyJobRunner>();
        services.AddHostedService<MagnitudeNightlySchedule>();
        return services;
    }
}
