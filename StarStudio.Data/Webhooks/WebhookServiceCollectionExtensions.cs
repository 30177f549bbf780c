using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Security;
using StarStudio.Core.Webhooks;
using StarStudio.Data.Security;

namespace StarStudio.Data.Webhooks;

/// <summary>Registers outbound webhooks: the owners' service, the sender, the dispatcher and (when enabled) the worker.</summary>
public static class WebhookServiceCollectionExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.Timeout > TimeSpan.Zero, "StarStudio__Webhooks__Timeout must be positive (e.g. 00:00:10).")
            .Validate(o => o.Lease > o.Timeout, "StarStudio__Webhooks__Lease must be longer than StarStudio__Webhooks__Timeout.")
            .Validate(o => o.RetryWindow > TimeSpan.Zero, "StarStudio__Webhooks__RetryWindow must be positive (e.g. 3.00:00:00).")
            .Validate(o => o.BatchSize > 0 && o.MaxConcurrency > 0, "StarStudio__Webhooks__BatchSize and MaxConcurrency must be positive.")
            .ValidateOnStart();

        // The sender times out itself; redirects are answers, never followed, so a public receiver cannot bounce a signed
        // event to an internal address; the guarded handler refuses private addresses at connect time (DNS rebinding).
        services.AddHttpClient(WebhookSender.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var handler = GuardedHttpHandler.Create(() => sp.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue.AllowPrivateNetworkUrls);
                handler.AllowAutoRedirect = false;
                handler.MaxConnectionsPerServer = 64;
                return handler;
            });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddScoped<IWebhookService, WebhookService>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.WorkerEnabled
            ? ActivatorUtilities.CreateInstance<WebhookDeliveryWorker>(sp)
            : new NoWorker());
        return services;
    }

    private sealed class NoWorker : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }
}
