using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena.Queries;
using StarStudio.Core.Arena.Scoring;
using StarStudio.Data.Arena.Queries;
using StarStudio.Data.Arena.Scoring;

namespace StarStudio.Data.Arena;

/// <summary>The arena's read side and its scoring.</summary>
public static class ArenaServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioArena(this IServiceCollection services)
    {
        services.AddScoped<IArenaQueryService, ArenaQueryService>();
        services.AddScoped<ITrialScorer, TrialScorer>();
        return services;
    }
}
