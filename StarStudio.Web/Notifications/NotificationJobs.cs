using Hangfire;
using StarStudio.Core.Notifications;

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

/// <summary>Registers the recurring job when the app starts (Hangfire keeps one schedule per job id across instances).</summary>
internal sealed class NotificationPruneSchedule(IRecurringJobManager jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<NotificationPruneJobRunner>(NotificationPruneJobRunner.JobId, r => r.RunAsync(CancellationToken.None), NotificationPruneJobRunner.Cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of notifications: the circuit's state and the retention job.</summary>
public static class NotificationWebSetup
{
    public static IServiceCollection AddStarStudioNotificationsWeb(this IServiceCollection services)
    {
        services.AddScoped<NotificationState>();
        services.AddScoped<NotificationPruneJobRunner>();
        services.AddHostedService<NotificationPruneSchedule>();
        return services;
    }
}
