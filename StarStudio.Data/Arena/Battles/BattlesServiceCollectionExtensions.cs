using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena.Battles;

namespace StarStudio.Data.Arena.Battles;

/// <summary>Registers the blind battles and the judges' rubric scores.</summary>
public static class BattlesServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioArenaBattles(this IServiceCollection services)
    {
        services.AddOptions<BattleOptions>().BindConfiguration(BattleOptions.Section)
            .Validate(o => o.VotesPerMinute is >= 1 and <= 10_000, "StarStudio:Arena:Battles:VotesPerMinute must be between 1 and 10000.");
        services.AddScoped<IBattleService, BattleService>();
        services.AddScoped<IJudgingService, JudgingService>();
        return services;
    }
}
