using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using StarStudio.Core.Billing.Payments;

namespace StarStudio.Data.Billing.Payments;

/// <summary>
/// The sandbox gateway's server side. On the user's choice it calls the app's webhook over HTTP exactly as a real gateway
/// would — a signed JSON POST to <c>/payments/webhook/sandbox</c> — rather than calling the service in process, so the
/// sandbox exercises the same path (signature, replay, amount checks, rate limit) a real provider's calls take.
/// </summary>
internal sealed class SandboxGateway(SandboxPaymentProvider provider, IHttpClientFactory http, IOptions<PaymentOptions> options, TimeProvider clock) : ISandboxGateway
{
    public const string HttpClientName = "payments-sandbox";

    public async Task<PaymentWebhookResult> CompleteAsync(Uri appBaseUri, string orderNo, decimal amount, string currency, bool approve, CancellationToken ct = default)
    {
        var configured = options.Value.Sandbox.CallbackBaseUrl;
        var baseUri = !string.IsNullOrWhiteSpace(configured) && Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var pinned) ? pinned : appBaseUri;
        var evt = new PaymentEvent("sbx_" + Guid.NewGuid().ToString("N"), orderNo, amount, currency, approve ? "paid" : "declined");
        var body = evt.ToJsonBytes();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, $"payments/webhook/{provider.Name}"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(PaymentSignature.Header, PaymentSignature.Sign(provider.WebhookSecret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        using var client = http.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, ct);
        Answer? answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync<Answer>(ct);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            answer = null;
        }

        return new PaymentWebhookResult((int)response.StatusCode, answer?.Status ?? "error", answer?.Message ?? "");
    }

    private sealed record Answer(string Status, string Message);
}
