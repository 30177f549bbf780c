using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Extensions;

namespace StarStudio.Data.Extensions;

/// <summary>Registers the extensions registry (docs/extensions.md).</summary>
public static class ExtensionsServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioExtensions(this IServiceCollection services)
    {
        services.AddScoped<IExtensionService, ExtensionService>();
        return services;
    }
}
