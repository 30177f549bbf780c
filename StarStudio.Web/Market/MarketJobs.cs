using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;

namespace StarStudio.Web.Market;

/// <summary>Hangfire's entry point for skill subscription renewal (cron <c>StarStudio__Market__RenewalCron</c>).</summary>
public sealed class SkillRenewalJobRunner(ISkillSubscriptionRenewal renewal, ILogger<SkillRenewalJobRunner> log)
{
    public const string JobId = "market-subscription-renewal";

    // One run at a time; a second one that starts anyway charges no period twice (ledger keys, a row lock per subscription).
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var run = await renewal.RunAsync(cancellationToken);
        if (run.Renewed > 0 || run.Expired > 0)
        {
            log.LogInformation("Skill subscriptions: {Renewed} renewed, {Expired} expired ({Short} for a short balance)", run.Renewed, run.Expired, run.BalanceShort);
        }
    }
}

/// <summary>Registers the recurring job when the app starts (Hangfire keeps one schedule per job id across instances).</summary>
internal sealed class SkillRenewalSchedule(IRecurringJobManager jobs, IOptions<MarketCallOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Hangfire passes its shutdown token in place of CancellationToken.None.
        jobs.AddOrUpdate<SkillRenewalJobRunner>(SkillRenewalJobRunner.JobId, r => r.RunAsync(CancellationToken.None), options.Value.RenewalCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of skill calls and subscriptions: the renewal job.</summary>
public static class MarketCallsWebSetup
{
    public static IServiceCollection AddStarStudioMarketCallsWeb(this IServiceCollection services)
    {
        services.AddOptions<MarketCallOptions>().ValidateOnStart();
        services.AddScoped<SkillRenewalJobRunner>();
        services.AddHostedService<SkillRenewalSchedule>();
        return services;
    }
}
