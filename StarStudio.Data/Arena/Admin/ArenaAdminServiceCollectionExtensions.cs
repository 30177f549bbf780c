using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena;

namespace StarStudio.Data.Arena.Admin;

/// <summary>Registers the arena's admin service and its time job (the scoring queue they call is registered by scoring).</summary>
public static class ArenaAdminServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioArenaAdmin(this IServiceCollection services)
    {
        services.AddScoped<IArenaAdminService, ArenaAdminService>();
        services.AddScoped<ArenaTrialClock>();
        return services;
    }
}
