using Hangfire;
using StarStudio.Core.Notifications;
using StarStudio.Web.Jobs;

namespace StarStudio.Web.Notifications;

/// <summary>Hangfire's entry point for notification retention (docs/notifications.md), daily at 03:30 Beijing time.</summary>
public sealed class NotificationPruneJobRunner(INotificationPrune prune)
{
    public const string JobId = "notifications-prune";

    /// <summary>19:30 UTC = 03:30 in Beijing, a quiet hour.</summary>
    public const string Cron = "30 19 * * *";

    // Deleting by age is idempotent, so a retry is harmless.
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task RunAsync(CancellationToken cancellationToken) => prune.RunAsync(cancellationToken);
}

/// <summary>The web side of notifications: the circuit's state and the retention job.</summary>
public static class NotificationWebSetup
{
    public static IServiceCollection AddStarStudioNotificationsWeb(this IServiceCollection services)
    {
        services.AddScoped<NotificationState>();
        services.AddRecurringJob<NotificationPruneJobRunner>(NotificationPruneJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            _ => NotificationPruneJobRunner.Cron);
        return services;
    }
}
