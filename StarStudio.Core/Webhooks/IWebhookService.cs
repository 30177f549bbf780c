using StarStudio.Core.Common;

namespace StarStudio.Core.Webhooks;

/// <summary>
/// Owners manage the outbound webhooks of their stars; admins see and act on everyone's. Every call checks the signed-in
/// user here and row-level security checks it again in PostgreSQL.
/// </summary>
public interface IWebhookService
{
    /// <summary>The caller's webhooks, or (admins, <paramref name="everyone"/>) all of them.</summary>
    Task<IReadOnlyList<WebhookView>> ListAsync(bool everyone = false, CancellationToken ct = default);

    /// <summary>The caller's stars a webhook can be limited to.</summary>
    Task<IReadOnlyList<WebhookStarOption>> StarOptionsAsync(CancellationToken ct = default);

    /// <summary>Registers a webhook after the SSRF check; the secret is in the result and nowhere else, ever.</summary>
    Task<Result<WebhookCreated>> CreateAsync(WebhookInput input, CancellationToken ct = default);

    Task<Result<WebhookView>> SetPausedAsync(Guid webhookId, bool paused, CancellationToken ct = default);

    Task<Result<bool>> DeleteAsync(Guid webhookId, CancellationToken ct = default);

    /// <summary>A new secret (returned once); the old one keeps signing for the rotation overlap.</summary>
    Task<Result<WebhookCreated>> RotateSecretAsync(Guid webhookId, CancellationToken ct = default);

    /// <summary>Queues a <see cref="WebhookEvents.Test"/> event for this webhook only.</summary>
    Task<Result<WebhookDeliveryView>> SendTestAsync(Guid webhookId, CancellationToken ct = default);

    /// <summary>The newest deliveries of a webhook (its delivery log).</summary>
    Task<Result<IReadOnlyList<WebhookDeliveryView>>> DeliveriesAsync(Guid webhookId, int take = 50, CancellationToken ct = default);

    /// <summary>Queues one more attempt of a delivery now, with the same event id and body; audited when an admin does it.</summary>
    Task<Result<WebhookDeliveryView>> RedeliverAsync(Guid deliveryId, CancellationToken ct = default);
}

/// <summary>What an owner enters for a webhook; empty <see cref="StarIds"/> means all their stars.</summary>
public sealed record WebhookInput(string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<Guid> StarIds);

public sealed record WebhookView(
    Guid Id, Guid OwnerId, string? OwnerName, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<Guid> StarIds,
    WebhookStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? RotationOverlapUntil, int Pending, int Failed);

/// <summary>A webhook with its secret, returned by create and rotate only.</summary>
public sealed record WebhookCreated(WebhookView Webhook, string Secret);

public sealed record WebhookStarOption(Guid Id, string Name);

public sealed record WebhookDeliveryView(
    Guid Id, Guid WebhookId, Guid EventId, string EventType, WebhookDeliveryStatus Status, int Attempts, int? HttpStatus,
    int? LatencyMs, WebhookAttemptError? Error, string? ResponseExcerpt, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt);
