using System.Security.Cryptography;

namespace StarStudio.Data.Billing.Payments;

/// <summary><c>StarStudio:Payments</c>: the payment providers.</summary>
public sealed class PaymentOptions
{
    public const string Section = "StarStudio:Payments";

    public SandboxPaymentOptions Sandbox { get; set; } = new();
}

/// <summary>The sandbox gateway: approves or declines without taking money. Turn it off where real money is at stake.</summary>
public sealed class SandboxPaymentOptions
{
    /// <summary>Whether the sandbox gateway page and its webhook are served (<c>StarStudio__Payments__Sandbox__Enabled</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The shared webhook secret; when empty a random one is made per process (then only this process can sign).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Where the gateway page posts its webhook (<c>StarStudio__Payments__Sandbox__CallbackBaseUrl</c>); empty: an address the
    /// server listens on (the Web project's <c>SelfAddress</c>), never the Host header of the browser's request.
    /// </summary>
    public string? CallbackBaseUrl { get; set; }
}

/// <summary>The sandbox adapter of <see cref="Core.Billing.Payments.IPaymentProvider"/>: its checkout is the app's own gateway page.</summary>
public sealed class SandboxPaymentProvider : Core.Billing.Payments.IPaymentProvider
{
    public const string ProviderName = Core.Billing.Payments.PaymentProviderNames.Sandbox;

    public SandboxPaymentProvider(Microsoft.Extensions.Options.IOptions<PaymentOptions> options)
    {
        var configured = options.Value.Sandbox.WebhookSecret;
        WebhookSecret = string.IsNullOrWhiteSpace(configured) ? "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) : configured.Trim();
    }

    public string Name => ProviderName;

    public string WebhookSecret { get; }

    public string CheckoutUrl(string orderNo) => $"/pay/sandbox/{Uri.EscapeDataString(orderNo)}";
}
