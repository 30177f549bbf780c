using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Explore;

namespace StarStudio.Web.Explore;

/// <summary>Hangfire's entry point for the gallery recomputation (cron <c>StarStudio__Explore__RecomputeCron</c>).</summary>
public sealed class GalleryRecomputeJobRunner(IGalleryRecompute recompute)
{
    public const string JobId = "gallery-recompute";

    // Idempotent (upserts and a full heat pass), so a retry is harmless; one run at a time.
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task RunAsync(CancellationToken cancellationToken) => recompute.RunAsync(cancellationToken);
}

/// <summary>Registers the recurring job when the app starts (Hangfire keeps one schedule per job id across instances).</summary>
internal sealed class GalleryRecomputeSchedule(IRecurringJobManager jobs, IOptions<ExploreOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<GalleryRecomputeJobRunner>(GalleryRecomputeJobRunner.JobId, r => r.RunAsync(CancellationToken.None), options.Value.RecomputeCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of the gallery: the recomputation job.</summary>
public static class ExploreWebSetup
{
    public static IServiceCollection AddStarStudioExploreWeb(this IServiceCollection services)
    {
        services.AddScoped<GalleryRecomputeJobRunner>();
        services.AddHostedService<GalleryRecomputeSchedule>();
        return services;
    }
}
