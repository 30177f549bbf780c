using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Data.Arena.Admin;

namespace StarStudio.Web.Arena;

/// <summary><c>StarStudio:Arena</c>: when the arena's time job runs.</summary>
public sealed class ArenaJobOptions
{
    public const string Section = "StarStudio:Arena";

    /// <summary>Cron of the time job (<c>StarStudio__Arena__ClockCron</c>); every minute by default.</summary>
    public string ClockCron { get; set; } = "* * * * *";
}

/// <summary>Hangfire's entry point for the arena's time job: opens due auto-open drafts, finishes trials past their end.</summary>
public sealed class ArenaClockJobRunner(ArenaTrialClock trialClock, ILogger<ArenaClockJobRunner> log)
{
    public const string JobId = "arena-trial-clock";

    // One run at a time; a second one that starts anyway moves nothing twice (each move locks its trial and re-checks).
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var run = await trialClock.RunAsync(cancellationToken);
        if (run.Opened.Count > 0 || run.Finished.Count > 0 || run.Refused > 0)
        {
            log.LogInformation("Arena time job: {Opened} trial(s) opened, {Finished} finished and queued for scoring, {Refused} refused",
                run.Opened.Count, run.Finished.Count, run.Refused);
        }
    }
}

/// <summary>Registers the recurring job when the app starts (Hangfire keeps one schedule per job id across instances).</summary>
internal sealed class ArenaClockSchedule(IRecurringJobManager jobs, IOptions<ArenaJobOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Hangfire passes its shutdown token in place of CancellationToken.None.
        jobs.AddOrUpdate<ArenaClockJobRunner>(ArenaClockJobRunner.JobId, r => r.RunAsync(CancellationToken.None), options.Value.ClockCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of the arena's administration: the time job.</summary>
public static class ArenaWebSetup
{
    public static IServiceCollection AddStarStudioArenaWeb(this IServiceCollection services)
    {
        services.AddOptions<ArenaJobOptions>()
            .BindConfiguration(ArenaJobOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ClockCron), "StarStudio__Arena__ClockCron must be a cron expression such as * * * * *.")
            .ValidateOnStart();
        services.AddScoped<ArenaClockJobRunner>();
        services.AddScoped<TrialScoringJobRunner>();
        services.AddScoped<StarStudio.Core.Arena.ITrialScoringQueue, HangfireTrialScoringQueue>();
        services.AddHostedService<ArenaClockSchedule>();
        return services;
    }
}
