using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StarStudio.Core.Common;
using StarStudio.Core.Security;

namespace StarStudio.Core.Webhooks;

/// <summary>
/// The rules of outbound webhooks that need no database or network: validation, secrets, the signature header, the
/// retry schedule and the shape of a body.
/// </summary>
public static class WebhookRules
{
    /// <summary>The signature header: <c>t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;]</c> (<see cref="TimestampedSignature"/>).</summary>
    public const string SignatureHeader = "StarStudio-Signature";

    /// <summary>The event id; the same on every attempt and redelivery, so receivers dedupe by it.</summary>
    public const string EventIdHeader = "StarStudio-Event-Id";

    public const string EventTypeHeader = "StarStudio-Event-Type";

    public const int UrlMaxLength = 2000;
    public const int MaxWebhooksPerOwner = 20;

    /// <summary>How much of a receiver's answer is kept (bytes read, then decoded as UTF-8).</summary>
    public const int ExcerptBytes = 1024;

    /// <summary>The first retry comes this long after the first failure; each next one twice as long.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>No two attempts are further apart than this.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(12);

    public const string UrlRequiredCode = "Webhooks.Url.Required";
    public const string UrlTooLongCode = "Webhooks.Url.TooLong";
    public const string EventsRequiredCode = "Webhooks.Events.Required";
    public const string EventUnknownCode = "Webhooks.Events.Unknown";
    public const string StarNotYoursCode = "Webhooks.Stars.NotYours";
    public const string TooManyCode = "Webhooks.TooMany";
    public const string InFlightCode = "Webhooks.Delivery.InFlight";

    /// <summary>Checks the parts that need no database or network (the URL's address rules are <see cref="UrlSafety"/>'s).</summary>
    public static IReadOnlyList<FieldError> Validate(string? url, IReadOnlyCollection<string> eventTypes)
    {
        var errors = new List<FieldError>();
        var text = url?.Trim() ?? "";
        if (text.Length == 0)
        {
            errors.Add(new FieldError("Url", UrlRequiredCode));
        }
        else if (text.Length > UrlMaxLength)
        {
            errors.Add(new FieldError("Url", UrlTooLongCode, UrlMaxLength));
        }
        else if (UrlSafety.CheckSyntax(text) is { Ok: false } syntax)
        {
            errors.Add(new FieldError("Url", syntax.Code!));
        }

        if (eventTypes.Count == 0)
        {
            errors.Add(new FieldError("EventTypes", EventsRequiredCode));
        }
        else if (eventTypes.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
        {
            errors.Add(new FieldError("EventTypes", EventUnknownCode, unknown));
        }

        return errors;
    }

    /// <summary>A new signing secret: <c>whsec_</c> and 32 random bytes, base64url.</summary>
    public static string GenerateSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The signature header for <paramref name="body"/>: one <c>v1</c> per secret given (the current one first, then a
    /// previous one still inside its rotation overlap), all over the same <c>"{t}.{body}"</c>.
    /// </summary>
    public static string Sign(IReadOnlyList<string> secrets, long timestamp, ReadOnlySpan<byte> body)
    {
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }

        var sb = new StringBuilder("t=").Append(timestamp.ToString(CultureInfo.InvariantCulture));
        foreach (var secret in secrets)
        {
            sb.Append(",v1=").Append(TimestampedSignature.Digest(secret, timestamp, body));
        }

        return sb.ToString();
    }

    /// <summary>The secrets to sign with at <paramref name="now"/>: the current, and the previous while its overlap lasts.</summary>
    public static IReadOnlyList<string> SigningSecrets(string current, string? previous, DateTimeOffset? previousExpiresAt, DateTimeOffset now) =>
        previous is not null && previousExpiresAt is { } until && until > now ? [current, previous] : [current];

    /// <summary>
    /// The delay before the retry that follows failed attempt <paramref name="attempt"/> (1-based), before jitter:
    /// 30 s, 1 min, 2 min, … doubling, at most 12 h.
    /// </summary>
    public static TimeSpan BaseDelay(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var seconds = FirstRetryDelay.TotalSeconds * Math.Pow(2, exponent);
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxRetryDelay.TotalSeconds));
    }

    /// <summary>
    /// When to try again after failed attempt <paramref name="attempt"/>, or null to give up: the base delay with
    /// "equal jitter" (a uniform pick between half and all of it, so receivers that failed together are not retried
    /// together), and never after <paramref name="createdAt"/> + <paramref name="window"/>.
    /// </summary>
    /// <param name="jitter">A number in [0, 1); <see cref="Random.Shared"/> in production.</param>
    public static DateTimeOffset? NextAttempt(int attempt, DateTimeOffset createdAt, DateTimeOffset now, TimeSpan window, double jitter)
    {
        var delay = BaseDelay(attempt);
        var next = now + (delay / 2) + (delay / 2 * Math.Clamp(jitter, 0, 1));
        return next <= createdAt + window ? next : null;
    }

    /// <summary>
    /// The body of an event, in one writer: <c>{"id","type","created_at","star_id","data"}</c>, snake_case, UTF-8.
    /// The event id is also sent in <see cref="EventIdHeader"/>.
    /// </summary>
    public static string Body(Guid eventId, string type, DateTimeOffset createdAt, Guid? starId, object data) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = eventId,
            ["type"] = type,
            ["created_at"] = createdAt.ToUniversalTime(),
            ["star_id"] = starId,
            ["data"] = data,
        }, BodyJson);

    /// <summary>The first <see cref="ExcerptBytes"/> bytes as text (invalid UTF-8 becomes U+FFFD; NULs dropped for PostgreSQL).</summary>
    public static string Excerpt(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, ExcerptBytes)]);
        return text.Replace("\0", "", StringComparison.Ordinal);
    }

    private static readonly JsonSerializerOptions BodyJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };
}
