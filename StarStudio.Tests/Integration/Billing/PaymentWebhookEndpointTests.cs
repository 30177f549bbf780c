using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;
using StarStudio.Core.Common;
using StarStudio.Data.Billing.Orders;
using StarStudio.Data.Infrastructure;
using StarStudio.Web.Billing;
using StarStudio.Web.Security;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>
/// The payment webhook over real HTTP (Kestrel on a free port) with the app's rate limiter, the real service and PostgreSQL,
/// and the sandbox gateway calling it back exactly as its page does.
/// </summary>
public sealed class PaymentWebhookEndpointTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly BillingTestData data = new(pg);
    private WebApplication app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["StarStudio:Payments:Sandbox:WebhookSecret"] = BillingTestData.Secret;
        builder.Services.AddSingleton(pg.AppContextFactory());
        builder.Services.AddSingleton<ICurrentUser>(new FixedCurrentUser(UserContext.Anonymous));
        builder.Services.AddScoped<StarStudioDb>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddStarStudioBilling(builder.Configuration);
        builder.Services.AddStarStudioRateLimits();
        app = builder.Build();
        app.UseRateLimiter();
        app.MapBillingEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Code, string Status)> PostAsync(byte[] body, string? signature, string provider = "sandbox")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/payments/webhook/{provider}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null)
        {
            request.Headers.Add(PaymentSignature.Header, signature);
        }

        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<Answer>();
        return (response.StatusCode, json!.Status);
    }

    [Fact]
    public async Task SandboxGateway_Approve_CallsTheWebhookAndPaysTheOrder()
    {
        var (user, order) = await data.PendingOrderAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<ISandboxGateway>();

        var result = await gateway.CompleteAsync(http.BaseAddress!, order.OrderNo, order.Amount, order.Currency, approve: true);

        Assert.Equal((200, "paid"), (result.StatusCode, result.Status));
        Assert.Equal(OrderStatus.Paid, (await data.OrderRowAsync(order.Id)).Status);
        Assert.Equal(52m, (await data.WalletAsync(user.UserId!.Value)).Balance);
    }

    [Fact]
    public async Task SandboxGateway_Decline_LeavesTheOrderPending()
    {
        var (_, order) = await data.PendingOrderAsync();
        await using var scope = app.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<ISandboxGateway>().CompleteAsync(http.BaseAddress!, order.OrderNo, order.Amount, order.Currency, approve: false);

        Assert.Equal((200, "declined"), (result.StatusCode, result.Status));
        Assert.Equal(OrderStatus.Pending, (await data.OrderRowAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Http_Refusals_HaveTheirStatusCodes()
    {
        var (_, order) = await data.PendingOrderAsync();
        var evt = BillingTestData.Paid(order);
        var (header, body) = BillingTestData.Signed(evt, DateTimeOffset.UtcNow);
        var old = BillingTestData.Signed(evt, DateTimeOffset.UtcNow.AddMinutes(-10));
        var wrong = BillingTestData.Signed(evt, DateTimeOffset.UtcNow, "whsec_wrong");

        Assert.Equal((HttpStatusCode.Unauthorized, "bad_signature"), await PostAsync(body, null));
        Assert.Equal((HttpStatusCode.Unauthorized, "bad_signature"), await PostAsync(wrong.Body, wrong.Header));
        Assert.Equal((HttpStatusCode.Unauthorized, "expired"), await PostAsync(old.Body, old.Header));
        Assert.Equal((HttpStatusCode.NotFound, "unknown_provider"), await PostAsync(body, header, "paypal"));
        Assert.Equal((HttpStatusCode.OK, "paid"), await PostAsync(body, header));
        Assert.Equal((HttpStatusCode.Conflict, "replayed"), await PostAsync(body, header));
        var big = new byte[PaymentWebhookEndpoints.MaxBodyBytes + 1];
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(big, header)).Code);
    }

    [Fact]
    public void RateLimit_ThePaymentWebhookCountsAgainstTheWebhookLimit()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/payments/webhook/sandbox";
        var options = new RateLimitOptions();

        Assert.Same(options.Webhooks, RateLimits.Classify(context, options).Rule);
    }

    private sealed record Answer(string Status, string Message);
}
