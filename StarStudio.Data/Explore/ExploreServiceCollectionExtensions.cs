using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Explore;

namespace StarStudio.Data.Explore;

/// <summary>The gallery: pages, profiles, likes, plays and the recomputation job.</summary>
public static class ExploreServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioExplore(this IServiceCollection services)
    {
        services.AddScoped<IGalleryService, GalleryService>();
        services.AddScoped<IStarLikeService, StarLikeService>();
        services.AddScoped<IStarPlayRecorder, StarPlayRecorder>();
        services.AddScoped<IGalleryRecompute, GalleryRecompute>();
        services.AddOptions<ExploreOptions>().BindConfiguration(ExploreOptions.Section);
        return services;
    }
}
