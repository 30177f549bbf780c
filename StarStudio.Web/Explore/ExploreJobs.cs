using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Explore;
using StarStudio.Web.Jobs;

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

/// <summary>The web side of the gallery: the recomputation job.</summary>
public static class ExploreWebSetup
{
    public static IServiceCollection AddStarStudioExploreWeb(this IServiceCollection services)
    {
        services.AddRecurringJob<GalleryRecomputeJobRunner>(GalleryRecomputeJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<ExploreOptions>>().Value.RecomputeCron);
        return services;
    }
}
