using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Stars;

/// <summary>Registers persona versions and the publish review queue (issue 14).</summary>
public static class PersonaVersionsServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioPersonaVersions(this IServiceCollection services)
    {
        services.AddScoped<IPersonaVersionService, PersonaVersionService>();
        services.AddScoped<IStarReviewService, StarReviewService>();
        return services;
    }
}
