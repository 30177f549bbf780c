using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Market.Maker;

namespace StarStudio.Data.Market.Maker;

/// <summary>The skill maker's services and the admin review of skills (issue 12 §1).</summary>
public static class MarketMakerServiceCollectionExtensions
{
    /// <remarks>Needs an <see cref="StarStudio.Core.Market.ISkillEndpointCaller"/> (the market calls' registration) for "try it".</remarks>
    public static IServiceCollection AddMarketMaker(this IServiceCollection services)
    {
        services.AddScoped<ISkillMakerService, SkillMakerService>();
        services.AddScoped<ISkillReviewService, SkillReviewService>();
        return services;
    }
}
