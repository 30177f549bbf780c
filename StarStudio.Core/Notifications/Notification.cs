namespace StarStudio.Core.Notifications;

/// <summary>
/// One in-app notification (seed 000 <c>users.preferences</c> "通知设置", seed 004 <c>notification_settings</c>;
/// docs/notifications.md): who it is for, what happened (<see cref="Kind"/> and its arguments as JSON, rendered in the
/// reader's language), where to look, and whether it was read. Written only by SECURITY DEFINER functions in the
/// transaction of the fact; its recipient reads it and marks it read.
/// </summary>
public class Notification
{
    public Guid Id { get; set; }
    public Guid RecipientId { get; set; }

    /// <summary>One of <see cref="NotificationKinds.All"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The star it is about, when there is one.</summary>
    public Guid? StarId { get; set; }

    /// <summary>The event's id (the webhook event id, or the decided report's id): a second emit of the same fact is dropped.</summary>
    public Guid EventId { get; set; }

    /// <summary>The event's arguments as a JSON object (the webhook body's <c>data</c> plus <c>star_name</c>).</summary>
    public string Args { get; set; } = "{}";

    /// <summary>A path inside StarStudio (starts with one <c>/</c>), or null.</summary>
    public string? Link { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A notification ready to show: the resource key and its arguments, the link, and whether it is read.</summary>
public sealed record NotificationItem(Guid Id, string Kind, string TextKey, IReadOnlyList<object> TextArgs, string? Link, bool Read, DateTimeOffset CreatedAt);

/// <summary>One page of the current user's notifications, newest first.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationItem> Items, int Page, bool HasMore);

/// <summary>The signed-in user's notification centre (their own rows only, by row-level security).</summary>
public interface INotificationService
{
    /// <summary>
    /// How many of the current user's notifications are unread, counted up to <see cref="NotificationRules.CountCap"/>
    /// (the bell shows "99+" beyond); 0 when signed out.
    /// </summary>
    Task<int> UnreadCountAsync(CancellationToken ct = default);

    /// <summary>One page (1-based, <see cref="NotificationRules.PageSize"/> a page) of the current user's notifications; empty when signed out.</summary>
    Task<NotificationPage> ListAsync(int page, CancellationToken ct = default);

    /// <summary>Marks one of the current user's notifications read (already read, or not theirs: false).</summary>
    Task<bool> MarkReadAsync(Guid id, CancellationToken ct = default);

    /// <summary>Marks every unread notification of the current user read; returns how many.</summary>
    Task<int> MarkAllReadAsync(CancellationToken ct = default);
}

/// <summary>The retention job: deletes old notifications (docs/notifications.md).</summary>
public interface INotificationPrune
{
    /// <summary>Deletes read notifications older than <see cref="NotificationRules.ReadRetention"/> and any older than <see cref="NotificationRules.UnreadRetention"/>.</summary>
    Task<int> RunAsync(CancellationToken ct = default);
}
