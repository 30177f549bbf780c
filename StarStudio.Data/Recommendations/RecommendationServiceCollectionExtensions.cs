using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Recommendations;

namespace StarStudio.Data.Recommendations;

public static class RecommendationServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioRecommendations(this IServiceCollection services)
    {
        services.AddScoped<IRecommendationService, RecommendationService>();
        services.AddScoped<IRecommendationSimilarityJob, RecommendationSimilarityJob>();
        return services;
    }
}
