using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StarStudio.Core.Common;

namespace StarStudio.Core.Knowledge.Webhooks;

/// <summary>Pure rules of webhook sources: names, URLs, and how an inbound body becomes a named document.</summary>
public static class KnowledgeWebhookRules
{
    public const int NameMax = 80;

    /// <summary>The longest document name a webhook may give (<c>knowledge_tasks.source_name</c> is 255).</summary>
    public const int FileNameMax = 255;

    /// <summary>How many characters of a JSON title make the document's name (before the extension).</summary>
    public const int TitleMax = 200;

    /// <summary>The endpoint's route; <see cref="UrlPath"/> fills it in.</summary>
    public const string RoutePattern = "/hooks/knowledge/{sourceId:guid}";

    /// <summary>The Data Protection purpose the secrets are protected under.</summary>
    public const string SecretProtectionPurpose = "StarStudio.Knowledge.WebhookSecret";

    public const string NameRequired = "Knowledge.Webhook.Name.Required";
    public const string NameTooLong = "Knowledge.Webhook.Name.TooLong";

    /// <summary>The path a sender POSTs to.</summary>
    public static string UrlPath(Guid sourceId) => $"/hooks/knowledge/{sourceId:D}";

    /// <summary>Field errors of a source's name (field <c>Name</c>); empty when it is fine.</summary>
    public static IReadOnlyList<FieldError> ValidateName(string? name)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return [new FieldError("Name", NameRequired)];
        }

        return trimmed.Length > NameMax ? [new FieldError("Name", NameTooLong, NameMax)] : [];
    }

    /// <summary>
    /// Turns an inbound body into a named document. <c>application/json</c> is the text envelope
    /// <c>{"title": "...", "text": "...", "format": "markdown" | "text"}</c> (a <c>.md</c> or <c>.txt</c> document named
    /// by the title); any other content type is a file named by the <c>X-StarStudio-Filename</c> header.
    /// </summary>
    /// <returns>The document, or a 400 answer saying what is wrong.</returns>
    public static WebhookPayloadResult ReadPayload(string? contentType, string? fileNameHeader, byte[] body)
    {
        if (IsJson(contentType))
        {
            return ReadTextEnvelope(body);
        }

        if (string.IsNullOrWhiteSpace(fileNameHeader))
        {
            return Refuse(WebhookStatuses.MissingFileName,
                $"a file needs its name in the {WebhookSignature.FileNameHeader} header (send Content-Type: application/json for a text document)");
        }

        var name = NormalizeFileName(fileNameHeader);
        if (name is null)
        {
            return Refuse(WebhookStatuses.BadFileName,
                $"{WebhookSignature.FileNameHeader} must be a file name of at most {FileNameMax} characters, such as notes.pdf");
        }

        if (body.Length == 0)
        {
            return Refuse(WebhookStatuses.EmptyBody, "the body is empty");
        }

        return new WebhookPayloadResult(new WebhookPayload(name, body), null);
    }

    /// <summary>
    /// A file name from the header: percent-decoded (UTF-8), without any directory part or control characters.
    /// Null when nothing usable is left or it is longer than <see cref="FileNameMax"/>.
    /// </summary>
    public static string? NormalizeFileName(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var decoded = Uri.UnescapeDataString(header.Trim());
        var lastSeparator = decoded.LastIndexOfAny(['/', '\\']);
        var name = new string(decoded[(lastSeparator + 1)..].Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length is 0 or > FileNameMax || name.All(c => c == '.'))
        {
            return null;
        }

        return name;
    }

    /// <summary>A document name from a JSON title: characters file systems refuse become <c>-</c>; at most <see cref="TitleMax"/> characters.</summary>
    public static string? NameFromTitle(string? title, string extension)
    {
        var builder = new StringBuilder();
        foreach (var c in (title ?? "").Trim())
        {
            if (char.IsControl(c))
            {
                builder.Append(' ');
            }
            else
            {
                builder.Append(c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '-' : c);
            }
        }

        var name = string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (name.Length > TitleMax)
        {
            name = name[..TitleMax].TrimEnd();
        }

        name = name.Trim('.', ' ');
        if (name.Length == 0)
        {
            return null;
        }

        return name.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? name : name + extension;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    private static WebhookPayloadResult ReadTextEnvelope(byte[] body)
    {
        const string shape = "the JSON body must be an object {\"title\": \"...\", \"text\": \"...\", \"format\": \"markdown\" or \"text\"}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Refuse(WebhookStatuses.BadJson, "the body is not valid JSON; " + shape);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refuse(WebhookStatuses.BadJson, shape);
            }

            var title = StringProperty(root, "title");
            var text = StringProperty(root, "text");
            var format = StringProperty(root, "format");
            if (string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(text))
            {
                return Refuse(WebhookStatuses.BadJson, "\"title\" and \"text\" are required strings; " + shape);
            }

            string extension;
            if (format is null || string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
            {
                extension = ".txt";
            }
            else if (string.Equals(format, "markdown", StringComparison.OrdinalIgnoreCase))
            {
                extension = ".md";
            }
            else
            {
                return Refuse(WebhookStatuses.BadJson, "\"format\" must be \"markdown\" or \"text\"");
            }

            var name = NameFromTitle(title, extension);
            if (name is null)
            {
                return Refuse(WebhookStatuses.BadJson, "\"title\" must contain letters or digits");
            }

            return new WebhookPayloadResult(new WebhookPayload(name, Encoding.UTF8.GetBytes(text)), null);
        }
    }

    private static string? StringProperty(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
        }

        return null;
    }

    private static WebhookPayloadResult Refuse(string status, string message) =>
        new(null, WebhookReceiveResult.BadRequest(status, message));
}

/// <summary>A document that arrived on a webhook: its name and content.</summary>
public sealed record WebhookPayload(string Name, byte[] Content);

/// <summary>Either the document of a body or the 400 answer explaining why there is none.</summary>
public sealed record WebhookPayloadResult(WebhookPayload? Payload, WebhookReceiveResult? Refusal);

/// <summary>Limits of the inbound webhook (configuration section <c>StarStudio:Knowledge:Webhooks</c>).</summary>
public sealed class KnowledgeWebhookOptions
{
    public const string Section = "StarStudio:Knowledge:Webhooks";

    /// <summary>The largest body the endpoint reads; larger requests get 413. <c>system_configs.max_upload_file_size</c> applies too.</summary>
    public long MaxBodyBytes { get; set; } = KnowledgeConfigKeys.DefaultMaxUploadFileSize;

    /// <summary>How far a request's timestamp may be from the server's clock, either way.</summary>
    public TimeSpan Tolerance { get; set; } = WebhookSignature.DefaultTolerance;
}
