namespace StarStudio.Core.Webhooks;

/// <summary>An owner's outbound webhook registration; seed 000 §1.12.</summary>
public class Webhook
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public string Url { get; set; } = "";
    public List<string> EventTypes { get; set; } = [];

    /// <summary>The owner's stars whose events are sent; empty means all of them (also stars created later).</summary>
    public List<Guid> StarIds { get; set; } = [];

    /// <summary>The signing secret, protected with Data Protection (never stored in clear; shown once).</summary>
    public string SecretProtected { get; set; } = "";

    /// <summary>The secret before the last rotation, still signed with until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecretProtected { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    public WebhookStatus Status { get; set; } = WebhookStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Seed 000 leaves <c>webhooks.status</c> an unnamed enum; these labels are ours (docs/decisions.md).</summary>
public enum WebhookStatus
{
    Active,
    Paused,
    Disabled,
}

/// <summary>
/// One event for one webhook (the outbox row, created in the transaction of the fact): the body is fixed at creation so
/// every attempt and every redelivery sends the same bytes and the same event id.
/// </summary>
public class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid WebhookId { get; set; }

    /// <summary>The webhook's owner, copied so row-level security needs no join.</summary>
    public Guid OwnerId { get; set; }

    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public Guid? StarId { get; set; }
    public string Body { get; set; } = "";
    public WebhookDeliveryStatus Status { get; set; } = WebhookDeliveryStatus.Pending;

    /// <summary>Attempts started (counted when a worker claims the delivery, so a crash mid-send still counts).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>While set and in the future, a worker holds the delivery; after it, another may take it (crash safety).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastHttpStatus { get; set; }
    public int? LastLatencyMs { get; set; }

    /// <summary>Why the last attempt failed, in words (timeout, HTTP 500, redirect not followed, private address…).</summary>
    public string? LastError { get; set; }

    /// <summary>The first 1 KB of the receiver's last answer, decoded as UTF-8 text (shown escaped).</summary>
    public string? ResponseExcerpt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>Where a delivery stands; stored as text (<c>pending</c>, <c>delivered</c>, <c>failed</c>).</summary>
public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,

    /// <summary>Given up: the retry window (3 days from the event) has passed. A manual redelivery may still try again.</summary>
    Failed,
}
