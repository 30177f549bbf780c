using StarStudio.Core.Common;

namespace StarStudio.Core.Knowledge.Webhooks;

/// <summary>
/// Inbound knowledge webhooks: a star's owner creates a source (a URL and a secret shown once) and a sender
/// POSTs signed text or files to it. Managing sources is authorized for the current user (the star's owner or
/// an admin; row-level security again); receiving needs nobody signed in and acts as the star's owner.
/// </summary>
public interface IKnowledgeWebhookService
{
    /// <summary>Creates a source on a star of the current user; the result carries the secret, which is never shown again.</summary>
    /// <returns>Field errors <c>Knowledge.Webhook.Name.Required</c> / <c>.TooLong</c>; NotFound when the star is not the user's.</returns>
    Task<Result<CreatedWebhookSource>> CreateAsync(Guid starId, string name, CancellationToken ct = default);

    /// <summary>A star's sources, newest first, without their secrets. NotFound when the star is not the user's.</summary>
    Task<Result<IReadOnlyList<KnowledgeWebhookSourceView>>> ListAsync(Guid starId, CancellationToken ct = default);

    /// <summary>Turns a source off: its URL answers 404 from now on. The source and the tasks it added stay.</summary>
    Task<Result<KnowledgeWebhookSourceView>> RevokeAsync(Guid sourceId, CancellationToken ct = default);

    /// <summary>Removes a source; the tasks it added stay (they lose the link to it).</summary>
    Task<Result<bool>> DeleteAsync(Guid sourceId, CancellationToken ct = default);

    /// <summary>
    /// Handles one inbound POST: looks the source up and checks the headers (present, timestamp within the
    /// tolerance, signature well-formed) and the declared length <em>before</em> reading the body, then reads the
    /// body up to the limit, checks the signature, refuses replays, and adds the text or file as the star's owner.
    /// A request for an unknown source or with unusable headers is answered without reading a byte of its body.
    /// Never throws for anything the sender got wrong.
    /// </summary>
    /// <param name="sourceId">The id in the URL.</param>
    /// <param name="timestamp">The raw <c>X-StarStudio-Timestamp</c> header.</param>
    /// <param name="signature">The raw <c>X-StarStudio-Signature</c> header.</param>
    /// <param name="contentType">The raw <c>Content-Type</c> header.</param>
    /// <param name="fileName">The raw <c>X-StarStudio-Filename</c> header (percent-encoded UTF-8 allowed).</param>
    /// <param name="body">The request body, read only once the checks above pass.</param>
    /// <param name="declaredLength">The <c>Content-Length</c>, if any: larger than the limit is refused unread; never trusted otherwise.</param>
    /// <param name="ct">Cancellation.</param>
    Task<WebhookReceiveResult> ReceiveAsync(Guid sourceId, string? timestamp, string? signature, string? contentType, string? fileName, Stream body, long? declaredLength, CancellationToken ct = default);

}

/// <summary>Conveniences over <see cref="IKnowledgeWebhookService"/>.</summary>
public static class KnowledgeWebhookServiceExtensions
{
    /// <summary>Handles one inbound POST whose body is already in memory (tests, tools); see the <see cref="Stream"/> overload.</summary>
    public static async Task<WebhookReceiveResult> ReceiveAsync(
        this IKnowledgeWebhookService service, Guid sourceId, string? timestamp, string? signature, string? contentType, string? fileName, byte[] body, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(body);
        await using var stream = new MemoryStream(body, writable: false);
        return await service.ReceiveAsync(sourceId, timestamp, signature, contentType, fileName, stream, body.LongLength, ct);
    }
}

/// <summary>A webhook source as its owner sees it: never its secret.</summary>
/// <param name="UrlPath">The path the sender POSTs to, e.g. <c>/hooks/knowledge/{id}</c>; the UI prefixes the site's origin.</param>
public sealed record KnowledgeWebhookSourceView(Guid Id, Guid StarId, string Name, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, string UrlPath)
{
    /// <summary>The view of a stored source.</summary>
    public static KnowledgeWebhookSourceView From(KnowledgeWebhookSource source) =>
        new(source.Id, source.StarId, source.Name, source.IsActive, source.CreatedAt, source.LastUsedAt, KnowledgeWebhookRules.UrlPath(source.Id));
}

/// <summary>A source just created, with its secret: the only time the secret is available.</summary>
/// <param name="Source">The source.</param>
/// <param name="UrlPath">The path the sender POSTs to.</param>
/// <param name="Secret">The signing secret (<c>whsec_…</c>); stored only in protected form.</param>
public sealed record CreatedWebhookSource(KnowledgeWebhookSourceView Source, string UrlPath, string Secret);

/// <summary>The answer to an inbound webhook request: an HTTP status, a stable status word, and a readable message.</summary>
/// <param name="StatusCode">The HTTP status code to answer with.</param>
/// <param name="Status">A stable machine word from <see cref="WebhookStatuses"/>.</param>
/// <param name="Message">A readable explanation for the sender.</param>
/// <param name="TaskId">The knowledge task created (or, for a duplicate, none).</param>
/// <param name="Code">The error code of refused content (e.g. <c>Knowledge.File.TooLarge</c>), when there is one.</param>
public sealed record WebhookReceiveResult(int StatusCode, string Status, string Message, Guid? TaskId = null, string? Code = null)
{
    public static WebhookReceiveResult Accepted(Guid taskId) =>
        new(202, WebhookStatuses.Accepted, "the content was received and is being processed", taskId);

    public static WebhookReceiveResult Duplicate(string? existingName) =>
        new(200, WebhookStatuses.Duplicate,
            existingName is null ? "the star already has this content; nothing was added" : $"the star already has this content (as \"{existingName}\"); nothing was added",
            null, WebhookStatuses.DuplicateCode);

    public static WebhookReceiveResult UnknownSource() => new(404, WebhookStatuses.UnknownSource, "unknown or revoked webhook");

    public static WebhookReceiveResult Unauthorized(WebhookVerdict verdict, TimeSpan? tolerance = null) =>
        new(401, WebhookStatuses.For(verdict), WebhookSignature.Describe(verdict, tolerance));

    public static WebhookReceiveResult Replayed() => new(409, WebhookStatuses.Replayed, "this request was already received");

    public static WebhookReceiveResult BadRequest(string status, string message) => new(400, status, message);

    public static WebhookReceiveResult TooLarge(long maxBytes) =>
        new(413, WebhookStatuses.TooLarge, $"the body is larger than the limit of {FormatBytes(maxBytes)}");

    public static WebhookReceiveResult Refused(FieldError error) =>
        new(422, WebhookStatuses.Refused, $"the content was refused: {error.Code}", null, error.Code);

    public static WebhookReceiveResult Forbidden() =>
        new(403, WebhookStatuses.Forbidden, "the star's owner can no longer add knowledge to this star");

    public static WebhookReceiveResult ServerError() =>
        new(500, WebhookStatuses.Error, "the server could not take this request; try again later");

    private static string FormatBytes(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / 1024 / 1024} MB" : $"{bytes} bytes";
}

/// <summary>The stable <c>status</c> words of webhook answers, for senders to branch on.</summary>
public static class WebhookStatuses
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string UnknownSource = "unknown_source";
    public const string MissingHeaders = "missing_headers";
    public const string BadTimestamp = "bad_timestamp";
    public const string Expired = "expired";
    public const string BadSignature = "bad_signature";
    public const string Replayed = "replayed";
    public const string MissingFileName = "missing_filename";
    public const string BadFileName = "bad_filename";
    public const string BadJson = "bad_json";
    public const string EmptyBody = "empty_body";
    public const string TooLarge = "too_large";
    public const string Refused = "refused";
    public const string Forbidden = "forbidden";
    public const string Error = "error";

    /// <summary>The code <see cref="IKnowledgeService"/> refuses content the star already has with.</summary>
    public const string DuplicateCode = "Knowledge.Duplicate";

    /// <summary>The status word of a refused signature check.</summary>
    public static string For(WebhookVerdict verdict) => verdict switch
    {
        WebhookVerdict.MissingHeaders => MissingHeaders,
        WebhookVerdict.BadTimestamp => BadTimestamp,
        WebhookVerdict.Expired => Expired,
        WebhookVerdict.BadSignature => BadSignature,
        _ => Error,
    };
}
