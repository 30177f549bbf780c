using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Notifications;

namespace StarStudio.Data.Notifications;

/// <summary>Registers the notification centre's services.</summary>
public static class NotificationServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioNotifications(this IServiceCollection services)
    {
        services.AddScoped<INotificationService, NotificationService>();
        services.AddScoped<INotificationPrune, NotificationPrune>();
        return services;
    }
}
