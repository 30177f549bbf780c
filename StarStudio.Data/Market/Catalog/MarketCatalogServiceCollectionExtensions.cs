using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Market.Catalog;
using StarStudio.Core.Market.Dashboard;
using StarStudio.Data.Market.Dashboard;

namespace StarStudio.Data.Market.Catalog;

/// <summary>The market's catalog, reviews and maker dashboard.</summary>
public static class MarketCatalogServiceCollectionExtensions
{
    public static IServiceCollection AddMarketCatalog(this IServiceCollection services)
    {
        services.AddScoped<ISkillCatalogService, SkillCatalogService>();
        services.AddScoped<ISkillReviewService, SkillReviewService>();
        services.AddScoped<IMakerDashboardService, MakerDashboardService>();
        return services;
    }
}
