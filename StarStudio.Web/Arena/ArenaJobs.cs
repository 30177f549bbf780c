using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Data.Arena.Admin;
using StarStudio.Web.Jobs;

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

/// <summary>The web side of the arena's administration: the time job.</summary>
public static class ArenaWebSetup
{
    public static IServiceCollection AddStarStudioArenaWeb(this IServiceCollection services)
    {
        services.AddOptions<ArenaJobOptions>()
            .BindConfiguration(ArenaJobOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ClockCron), "StarStudio__Arena__ClockCron must be a cron expression such as * * * * *.")
            .ValidateOnStart();
        services.AddScoped<TrialScoringJobRunner>();
        services.AddScoped<StarStudio.Core.Arena.ITrialScoringQueue, HangfireTrialScoringQueue>();
        services.AddRecurringJob<ArenaClockJobRunner>(ArenaClockJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<ArenaJobOptions>>().Value.ClockCron);
        return services;
    }
}
