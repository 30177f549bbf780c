using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Core.Billing.Usage;
using StarStudio.Data.Billing.Membership;
using StarStudio.Data.Billing.Payments;
using StarStudio.Data.Billing.Usage;

namespace StarStudio.Data.Billing.Orders;

/// <summary>Registers orders, payments, membership and usage billing.</summary>
public static class BillingServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section);
        services.AddScoped<IOrderService, OrderService>();
        services.AddScoped<IBillingAdminService, BillingAdminService>();
        services.AddScoped<IMembershipService, MembershipService>();
        services.AddSingleton<SandboxPaymentProvider>();
        // A disabled sandbox is no provider at all: its webhook answers 404 and its gateway page is gone.
        if (configuration.GetValue($"{PaymentOptions.Section}:Sandbox:Enabled", true))
        {
            services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SandboxPaymentProvider>());
        }

        services.AddScoped<IPaymentWebhookService, PaymentWebhookService>();
        services.AddScoped<ISandboxGateway, SandboxGateway>();
        // The gateway calls the app itself (loopback), so its client is not the guarded one admins' URLs go through.
        services.AddHttpClient(SandboxGateway.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<IUsageBilling, UsageBilling>();
        return services;
    }
}
