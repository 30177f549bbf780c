using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StarStudio.Core.Knowledge.Webhooks;

namespace StarStudio.Web.Knowledge;

/// <summary>
/// The inbound knowledge webhook: <c>POST /hooks/knowledge/{sourceId}</c>, authenticated by its HMAC signature
/// (no cookie, no antiforgery token). Answers <c>{"status", "message", "taskId", "code"}</c> JSON with the status code.
/// </summary>
public static partial class KnowledgeWebhookEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps <c>POST /hooks/knowledge/{sourceId:guid}</c>.</summary>
    public static IEndpointRouteBuilder MapKnowledgeWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(KnowledgeWebhookRules.RoutePattern, ReceiveAsync)
            .DisableAntiforgery()
            .AllowAnonymous()
            .WithName("KnowledgeWebhook");
        return app;
    }

    private static async Task ReceiveAsync(Guid sourceId, HttpContext http)
    {
        var ct = http.RequestAborted;
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KnowledgeWebhookEndpoints).FullName!);
        WebhookReceiveResult result;
        try
        {
            var limit = http.RequestServices.GetRequiredService<IOptions<KnowledgeWebhookOptions>>().Value.MaxBodyBytes;
            // Kestrel's default cap (30 MB) is lower than a knowledge file may be; this endpoint has its own limit,
            // which Kestrel then enforces on chunked bodies too. The service reads the body only after it has
            // found the source and checked the headers, and never allocates by Content-Length.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limit;
            }

            var hooks = http.RequestServices.GetRequiredService<IKnowledgeWebhookService>();
            result = await hooks.ReceiveAsync(
                sourceId,
                Header(http, WebhookSignature.TimestampHeader),
                Header(http, WebhookSignature.SignatureHeader),
                http.Request.ContentType,
                Header(http, WebhookSignature.FileNameHeader),
                http.Request.Body,
                http.Request.ContentLength,
                ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The sender hung up; there is nobody to answer.
            return;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            result = WebhookReceiveResult.TooLarge(http.RequestServices.GetRequiredService<IOptions<KnowledgeWebhookOptions>>().Value.MaxBodyBytes);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or EndOfStreamException)
        {
            LogBadRequest(logger, ex, sourceId);
            result = WebhookReceiveResult.BadRequest(WebhookStatuses.Error, "the request could not be read");
        }
        catch (Exception ex)
        {
            // Never a stack trace to the sender: the details go to the log.
            LogFailed(logger, ex, sourceId);
            result = WebhookReceiveResult.ServerError();
        }

        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.StatusCode = result.StatusCode;
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new WebhookResponse(result.Status, result.Message, result.TaskId, result.Code), Json, CancellationToken.None);
    }

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    /// <summary>The JSON answer.</summary>
    private sealed record WebhookResponse(string Status, string Message, Guid? TaskId, string? Code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge webhook {SourceId}: the request could not be read")]
    private static partial void LogBadRequest(ILogger logger, Exception exception, Guid sourceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Knowledge webhook {SourceId}: the request failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid sourceId);
}
