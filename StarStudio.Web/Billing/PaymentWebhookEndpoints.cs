using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using StarStudio.Core.Billing.Payments;

namespace StarStudio.Web.Billing;

/// <summary>
/// <c>POST /payments/webhook/{provider}</c>: a gateway's signed payment event (no cookie, no antiforgery token; rate
/// limited per client address like the knowledge webhook). Answers <c>{"status", "message"}</c> JSON with the status code.
/// </summary>
public static partial class PaymentWebhookEndpoints
{
    public const string RoutePrefix = "/payments/webhook";

    /// <summary>Payment events are small; anything larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapPaymentWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(RoutePrefix + "/{provider}", ReceiveAsync)
            .DisableAntiforgery()
            .AllowAnonymous()
            .WithName("PaymentWebhook");
        return app;
    }

    private static async Task ReceiveAsync(string provider, HttpContext http)
    {
        var ct = http.RequestAborted;
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PaymentWebhookEndpoints).FullName!);
        PaymentWebhookResult result;
        try
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = MaxBodyBytes;
            }

            // The server's limit may be read-only here (the body already started), so the copy stops past the cap too.
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw new BadHttpRequestException("payment event too large", StatusCodes.Status413PayloadTooLarge);
                }

                buffer.Write(chunk, 0, read);
            }

            var hooks = http.RequestServices.GetRequiredService<IPaymentWebhookService>();
            result = await hooks.ReceiveAsync(provider, http.Request.Headers[PaymentSignature.Header].ToString(), buffer.ToArray(), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (BadHttpRequestException ex)
        {
            LogBadRequest(logger, ex, provider);
            result = PaymentWebhookResult.Refused(ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? 413 : 400, "bad_request", "the request could not be read");
        }
        catch (Exception ex)
        {
            // Never a stack trace to the sender; a gateway retries a 500 later.
            LogFailed(logger, ex, provider);
            result = PaymentWebhookResult.Refused(500, "error", "the event could not be processed; retry later");
        }

        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.StatusCode = result.StatusCode;
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new { status = result.Status, message = result.Message }, Json, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment webhook {Provider}: the request could not be read")]
    private static partial void LogBadRequest(ILogger logger, Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment webhook {Provider}: the request failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string provider);
}
