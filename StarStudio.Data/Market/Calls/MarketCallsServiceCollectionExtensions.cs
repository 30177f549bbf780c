using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Core.Security;
using StarStudio.Data.Market.Subscriptions;
using StarStudio.Data.Security;

namespace StarStudio.Data.Market.Calls;

/// <summary>Registers the skill endpoint caller, the skills-in-chat tool source, subscriptions and their renewal.</summary>
public static class MarketCallsServiceCollectionExtensions
{
    public static IServiceCollection AddMarketCalls(this IServiceCollection services)
    {
        services.AddOptions<MarketCallOptions>()
            .BindConfiguration(MarketCallOptions.Section)
            .Validate(o => o.CallTimeout > TimeSpan.Zero, "StarStudio__Market__CallTimeout must be positive (e.g. 00:00:10).")
            .Validate(o => o.MaxResponseBytes > 0, "StarStudio__Market__MaxResponseBytes must be positive.")
            .Validate(o => o.PlatformFeePercent is >= 0 and <= 100, "StarStudio__Market__PlatformFeePercent must be between 0 and 100.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RenewalCron), "StarStudio__Market__RenewalCron must be a cron expression such as */10 * * * *.");

        // The caller times out itself (CallTimeout covers the body too); redirects are answers, never followed, so a
        // public endpoint cannot bounce a signed call to an internal address.
        services.AddHttpClient(SkillEndpointCaller.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var handler = GuardedHttpHandler.Create(() => sp.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue.AllowPrivateNetworkUrls);
                handler.AllowAutoRedirect = false;
                return handler;
            });
        services.AddSingleton<ISkillEndpointCaller, SkillEndpointCaller>();
        services.AddScoped<IChatToolSource, SkillChatToolSource>();
        services.AddScoped<ISkillSubscriptionService, SkillSubscriptionService>();
        services.AddScoped<ISkillSubscriptionRenewal, SkillSubscriptionRenewal>();
        return services;
    }
}
