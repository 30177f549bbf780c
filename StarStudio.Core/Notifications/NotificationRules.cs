using System.Globalization;
using System.Text.Json;
using StarStudio.Core.Common;
using StarStudio.Core.Webhooks;

namespace StarStudio.Core.Notifications;

/// <summary>
/// What a notification can be about (docs/notifications.md). The star-owner kinds are the webhook events of the same
/// name, produced in the same emit path (<c>WebhookOutbox.EmitAsync</c>), so one event gives both in one transaction.
/// </summary>
public static class NotificationKinds
{
    public const string KnowledgeTaskCompleted = WebhookEvents.KnowledgeTaskCompleted;
    public const string KnowledgeTaskFailed = WebhookEvents.KnowledgeTaskFailed;
    public const string RatingCreated = WebhookEvents.RatingCreated;
    public const string TrialResult = WebhookEvents.TrialResult;
    public const string SubscriptionRenewed = WebhookEvents.SubscriptionRenewed;

    /// <summary>For the reporter: an admin resolved or dismissed a report they filed.</summary>
    public const string ReportDecided = "report.decided";

    /// <summary>
    /// Kinds for a star's owner, about their star. <c>subscription.created</c> and <c>.cancelled</c> are webhook events
    /// but not notifications: only the owner themselves subscribes or cancels, and they see it happen.
    /// </summary>
    public static readonly IReadOnlyList<string> ForStarOwner = [KnowledgeTaskCompleted, KnowledgeTaskFailed, RatingCreated, TrialResult, SubscriptionRenewed];

    /// <summary>Every kind, in the order the preferences list them; the database's CHECK on muted kinds names the same list.</summary>
    public static readonly IReadOnlyList<string> All = [.. ForStarOwner, ReportDecided];
}

/// <summary>Notification rules: links, the text to show, paging, retention, and validation of muted kinds.</summary>
public static class NotificationRules
{
    public const int PageSize = 20;

    /// <summary>The deepest page offered (older notifications are deleted by retention anyway).</summary>
    public const int MaxPage = 50;

    /// <summary>The unread count stops here; the bell shows "99+" above 99.</summary>
    public const int CountCap = 100;

    /// <summary>Read notifications older than this are deleted by the daily retention job.</summary>
    public static readonly TimeSpan ReadRetention = TimeSpan.FromDays(90);

    /// <summary>Every notification older than this is deleted, read or not.</summary>
    public static readonly TimeSpan UnreadRetention = TimeSpan.FromDays(365);

    /// <summary>What the bell shows for <paramref name="count"/> unread (nothing for none).</summary>
    public static string? Badge(int count) => count <= 0 ? null : count > 99 ? "99+" : count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where a star-owner notification leads: the trial's page for a result, the subscriptions for a renewal, the star otherwise.</summary>
    public static string? Link(string kind, Guid starId, JsonElement args) => kind switch
    {
        NotificationKinds.TrialResult when Guid(args, "trial_id") is { } trial => $"/arena/trials/{trial}",
        NotificationKinds.SubscriptionRenewed => "/me/subscriptions",
        _ when NotificationKinds.ForStarOwner.Contains(kind) => $"/studio/stars/{starId}",
        _ => null,
    };

    /// <summary>Where a decided report leads: the reported star's profile when the report was about a star or its answer and it is still shown.</summary>
    public static string? ReportLink(Guid? starId, bool targetHidden) => starId is { } id && !targetHidden ? $"/explore/stars/{id}" : null;

    /// <summary>The resource key of a notification's text (<c>Notifications.Text.{kind}</c>; a decided report by its outcome).</summary>
    public static string TextKey(string kind, JsonElement args) => kind == NotificationKinds.ReportDecided
        ? $"Notifications.Text.{kind}.{(String(args, "status") == "resolved" ? "resolved" : "dismissed")}"
        : NotificationKinds.All.Contains(kind) ? $"Notifications.Text.{kind}" : "Notifications.Text.unknown";

    /// <summary>The arguments of <see cref="TextKey"/>'s text, in its placeholders' order; a missing value is blank, never an error.</summary>
    public static IReadOnlyList<object> TextArgs(string kind, JsonElement args) => kind switch
    {
        NotificationKinds.KnowledgeTaskCompleted => [String(args, "star_name"), String(args, "source_name"), String(args, "chunk_count")],
        NotificationKinds.KnowledgeTaskFailed => [String(args, "star_name"), String(args, "source_name"), Shorten(String(args, "error"), 200)],
        NotificationKinds.RatingCreated => [String(args, "star_name"), String(args, "rating")],
        NotificationKinds.TrialResult => [String(args, "star_name"), String(args, "trial_title"), String(args, "rank"), String(args, "score")],
        NotificationKinds.SubscriptionRenewed => [String(args, "star_name"), String(args, "plan"), String(args, "price")],
        NotificationKinds.ReportDecided => [Shorten(String(args, "excerpt"), 60)],
        _ => [kind],
    };

    /// <summary>A stored row as the list shows it.</summary>
    public static NotificationItem Item(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(n.Args) ? "{}" : n.Args);
        var args = doc.RootElement.Clone();
        return new NotificationItem(n.Id, n.Kind, TextKey(n.Kind, args), TextArgs(n.Kind, args), n.Link, n.ReadAt is not null, n.CreatedAt);
    }

    /// <summary>Muted kinds as stored: known kinds only, each once, in <see cref="NotificationKinds.All"/>'s order.</summary>
    public static IReadOnlyList<string> NormalizeMuted(IEnumerable<string>? kinds) =>
        kinds is null ? [] : NotificationKinds.All.Where(k => kinds.Contains(k)).ToArray();

    /// <summary>An unknown kind among <paramref name="kinds"/> is a field error (the panel offers known kinds only).</summary>
    public static FieldError? ValidateMuted(IEnumerable<string>? kinds, string field)
    {
        var unknown = (kinds ?? []).Where(k => !NotificationKinds.All.Contains(k)).ToList();
        return unknown.Count == 0 ? null : new FieldError(field, "Notifications.Muted.Unknown", string.Join(", ", unknown));
    }

    private static string String(JsonElement args, string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString() ?? "",
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
                _ => "",
            }
            : "";

    private static Guid? Guid(JsonElement args, string name) => System.Guid.TryParse(String(args, name), out var g) ? g : null;

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
