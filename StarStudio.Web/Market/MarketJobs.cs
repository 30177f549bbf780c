using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Web.Jobs;

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

/// <summary>The web side of skill calls and subscriptions: the renewal job.</summary>
public static class MarketCallsWebSetup
{
    public static IServiceCollection AddStarStudioMarketCallsWeb(this IServiceCollection services)
    {
        services.AddOptions<MarketCallOptions>().ValidateOnStart();
        services.AddRecurringJob<SkillRenewalJobRunner>(SkillRenewalJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<MarketCallOptions>>().Value.RenewalCron);
        return services;
    }
}
