using Hangfire;
using Microsoft.Extensions.Options;
using StarStudio.Core.Billing.Usage;
using StarStudio.Web.Jobs;

namespace StarStudio.Web.Billing;

/// <summary><c>StarStudio:Billing</c>: when usage is charged.</summary>
public sealed class UsageBillingOptions
{
    public const string Section = "StarStudio:Billing";

    /// <summary>Cron of the usage billing job (<c>StarStudio__Billing__UsageCron</c>); every 5 minutes by default.</summary>
    public string UsageCron { get; set; } = "*/5 * * * *";
}

/// <summary>Hangfire's entry point for usage billing. One run at a time; a second one that starts anyway bills nothing twice.</summary>
public sealed class UsageBillingJobRunner(IUsageBilling billing, ILogger<UsageBillingJobRunner> log)
{
    public const string JobId = "usage-billing";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var run = await billing.ChargePendingUsageAsync(cancellationToken);
        if (run.Records > 0 || run.InArrears > 0)
        {
            log.LogInformation("Usage billing: {Batches} batches, {Records} records, {Charged} charged, {InArrears} owners in arrears",
                run.Batches, run.Records, run.Charged, run.InArrears);
        }
    }
}

/// <summary>Says at start, outside Development, that the sandbox gateway is on: it approves payments without money.</summary>
internal sealed class SandboxWarning(IEnumerable<Core.Billing.Payments.IPaymentProvider> providers, IHostEnvironment environment, ILogger<SandboxWarning> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && providers.Any(p => p.Name == Core.Billing.Payments.PaymentProviderNames.Sandbox))
        {
            log.LogWarning("The sandbox payment gateway is on: anyone can pay orders without money. Set StarStudio__Payments__Sandbox__Enabled=false where real money is at stake.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The web side of billing: the payment webhook, the usage billing job.</summary>
public static class BillingWebSetup
{
    public static IServiceCollection AddStarStudioBillingWeb(this IServiceCollection services)
    {
        services.AddOptions<UsageBillingOptions>()
            .BindConfiguration(UsageBillingOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.UsageCron), "StarStudio__Billing__UsageCron must be a cron expression such as */5 * * * *.")
            .ValidateOnStart();
        services.AddRecurringJob<UsageBillingJobRunner>(UsageBillingJobRunner.JobId, r => r.RunAsync(CancellationToken.None),
            sp => sp.GetRequiredService<IOptions<UsageBillingOptions>>().Value.UsageCron);
        services.AddHostedService<SandboxWarning>();
        return services;
    }

    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app) => app.MapPaymentWebhooks();
}
