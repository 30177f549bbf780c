using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using StarStudio.Core.Security;
using StarStudio.Core.Webhooks;

namespace StarStudio.Data.Webhooks;

/// <summary>What one attempt did, in the words the delivery log shows.</summary>
public sealed record WebhookAttemptOutcome(bool Delivered, int? HttpStatus, int LatencyMs, WebhookAttemptError? Error, string? ResponseExcerpt);

/// <summary>
/// Sends one delivery over the named client <see cref="HttpClientName"/> (SSRF-guarded at connect time, redirects never
/// followed, no proxy) and says what happened; it never throws for what the receiver does. Only a 2xx counts as
/// delivered.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptionsMonitor<WebhookOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "StarStudio.Webhooks";

    public async Task<WebhookAttemptOutcome> SendAsync(string url, Guid eventId, string eventType, string body, IReadOnlyList<string> secrets, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        int Elapsed() => (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var timeout = options.CurrentValue.Timeout;

        // The save-time check again, without DNS (the handler checks the addresses it actually connects to).
        var syntax = UrlSafety.CheckSyntax(url);
        if (!syntax.Ok)
        {
            return new(false, null, 0, new(WebhookAttemptError.BadUrl, syntax.Code), null);
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        using var message = new HttpRequestMessage(HttpMethod.Post, syntax.Uri) { Content = new ByteArrayContent(bytes) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.TryAddWithoutValidation(WebhookRules.SignatureHeader, WebhookRules.Sign(secrets, clock.GetUtcNow().ToUnixTimeSeconds(), bytes));
        message.Headers.TryAddWithoutValidation(WebhookRules.EventIdHeader, eventId.ToString());
        message.Headers.TryAddWithoutValidation(WebhookRules.EventTypeHeader, eventType);
        message.Headers.UserAgent.ParseAdd("StarStudio-Webhooks/1.0");

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var http = clients.CreateClient(HttpClientName);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var status = (int)response.StatusCode;
            var excerpt = await ReadExcerptAsync(response, cts.Token);
            if (status is >= 200 and < 300)
            {
                return new(true, status, Elapsed(), null, excerpt);
            }

            var error = status is >= 300 and < 400
                ? new WebhookAttemptError(WebhookAttemptError.Redirect, response.Headers.Location?.ToString())
                : WebhookAttemptError.HttpStatus(status);
            return new(false, status, Elapsed(), error, excerpt);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(false, null, Elapsed(), WebhookAttemptError.TimedOut(timeout), null);
        }
        catch (HttpRequestException e)
        {
            var refused = e.HttpRequestError == HttpRequestError.ConnectionError && e.Message.Contains("resolves to", StringComparison.Ordinal);
            return new(false, null, Elapsed(), new(refused ? WebhookAttemptError.Refused : WebhookAttemptError.Unreachable, e.Message), null);
        }
    }

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[WebhookRules.ExcerptBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == 0 ? null : WebhookRules.Excerpt(buffer.AsSpan(0, read));
    }
}
