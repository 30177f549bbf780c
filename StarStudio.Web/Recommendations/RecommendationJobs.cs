using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Recommendations;
using StarStudio.Web.Jobs;

namespace StarStudio.Web.Recommendations;

/// <summary>When the similarity job runs (<c>StarStudio__Recommendations__SimilarityCron</c>).</summary>
public sealed class RecommendationJobOptions
{
    public const string Section = "StarStudio:Recommendations";

    /// <summary>Hourly at :17 by default: new likes reach "because you liked" within the hour.</summary>
    public string SimilarityCron { get; set; } = "17 * * * *";
}

/// <summary>Hangfire's entry point for the star-to-star similarity recomputation.</summary>
public sealed class RecommendationSimilarityJobRunner(IRecommendationSimilarityJob job)
{
    public const string JobId = "recommendation-similarity";

    // The run replaces the whole table, so a retry or an overlap only repeats work; one at a time keeps the load down.
    [AutomaticRetry(Attempts = 1)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task RunAsync(CancellationToken cancellationToken) => job.RunAsync(cancellationToken);
}

/// <summary>The web side of recommendations: the similarity job.</summary>
public static class RecommendationWebSetup
{
    public static IServiceCollection AddStarStudioRecommendationsWeb(this IServiceCollection services)
    {
        services.AddOptions<RecommendationJobOptions>().BindConfiguration(RecommendationJobOptions.Section);
        services.AddRecurringJob<RecommendationSimilarityJobRunner>(RecommendationSimilarityJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<RecommendationJobOptions>>().Value.SimilarityCron);
        return services;
    }
}
