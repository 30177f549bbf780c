using System.Globalization;

namespace StarStudio.Core.Webhooks;

/// <summary>
/// Why a delivery attempt failed, in a form the delivery log can say in the reader's language: a <see cref="Code"/> (the
/// last part of a <c>Webhooks.Error.*</c> resource key) and a <see cref="Detail"/> (a status, a timeout, a redirect's
/// target, or the network's own message). Stored in <c>webhook_deliveries.last_error</c> as <c>code: detail</c>
/// (<see cref="Store"/>), so the column stays readable in SQL and rows written before codes existed still show:
/// <see cref="Parse"/> gives them <see cref="Unknown"/> with their whole text as the detail.
/// </summary>
public sealed record WebhookAttemptError(string Code, string? Detail)
{
    /// <summary>A non-2xx, non-3xx answer; the detail is the status.</summary>
    public const string Http = "http";

    /// <summary>A 3xx answer, never followed; the detail is its <c>Location</c>.</summary>
    public const string Redirect = "redirect";

    /// <summary>No answer in time; the detail is the timeout in seconds.</summary>
    public const string Timeout = "timeout";

    /// <summary>The address the host resolved to is not one StarStudio calls (SSRF guard at connect time).</summary>
    public const string Refused = "refused";

    /// <summary>Could not connect or the connection broke; the detail is the network's message.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The stored URL is not one StarStudio calls; the detail is a <c>Url.*</c> resource key.</summary>
    public const string BadUrl = "url";

    /// <summary>The webhook's signing secret cannot be read on this server (Data Protection keys lost): rotate it.</summary>
    public const string Secret = "secret";

    /// <summary>A stored text in no known form; shown as it is.</summary>
    public const string Unknown = "unknown";

    private static readonly string[] Known = [Http, Redirect, Timeout, Refused, Unreachable, BadUrl, Secret];

    public static WebhookAttemptError HttpStatus(int status) => new(Http, status.ToString(CultureInfo.InvariantCulture));

    public static WebhookAttemptError TimedOut(TimeSpan timeout) => new(Timeout, timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture));

    /// <summary>The resource key the log looks up: <c>Webhooks.Error.http</c> and so on.</summary>
    public string ResourceKey => "Webhooks.Error." + Code;

    /// <summary>The stored form, <c>code: detail</c> (or just the code).</summary>
    public string Store() => string.IsNullOrEmpty(Detail) ? Code : Code + ": " + Detail;

    /// <summary>Reads <see cref="Store"/>'s form back; any other text is <see cref="Unknown"/> with the text as its detail.</summary>
    public static WebhookAttemptError? Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        var colon = stored.IndexOf(": ", StringComparison.Ordinal);
        var code = colon < 0 ? stored : stored[..colon];
        if (Array.IndexOf(Known, code) < 0)
        {
            return new(Unknown, stored);
        }

        return new(code, colon < 0 ? null : stored[(colon + 2)..]);
    }
}
