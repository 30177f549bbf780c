using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Analytics;

/// <summary>Analytics: the tracking-event writer (one per process, also the background service), the roll-up and the dashboards.</summary>
public static class AnalyticsServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioAnalytics(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section);
        services.AddSingleton<TrackingEventWriter>();
        services.AddSingleton<ITrackingEvents>(sp => sp.GetRequiredService<TrackingEventWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<TrackingEventWriter>());
        services.AddScoped<IAnalyticsRollup, AnalyticsRollup>();
        services.AddScoped<IAnalyticsService, AnalyticsService>();
        return services;
    }
}
