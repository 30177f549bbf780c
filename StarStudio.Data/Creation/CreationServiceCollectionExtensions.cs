using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Creation;

namespace StarStudio.Data.Creation;

/// <summary>Registers the creation assistant (needs the star, knowledge and chat-engine registrations).</summary>
public static class CreationServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioCreation(this IServiceCollection services)
    {
        services.AddScoped<ICreationAssistantService, CreationAssistantService>();
        return services;
    }
}
