using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Core.Webhooks;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Webhooks;

/// <summary>
/// <see cref="IWebhookService"/> over PostgreSQL, as the signed-in user: owners reach their own webhooks and deliveries,
/// admins everyone's (the same rule is the tables' row-level security). URLs pass <see cref="UrlSafety"/> when saved;
/// the worker's guarded handler checks the addresses again when it sends.
/// </summary>
public sealed class WebhookService(
    StarStudioDb db,
    IDataProtectionProvider protection,
    IOptionsMonitor<WebhookOptions> options,
    IOptionsMonitor<SecurityOptions> security,
    TimeProvider clock,
    Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost = null,
    IClientAddress? clientAddress = null) : IWebhookService
{
    private readonly IDataProtector protector = protection.CreateProtector(ProtectionPurposes.OutboundWebhookSecret);

    public Task<IReadOnlyList<WebhookView>> ListAsync(bool everyone = false, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<WebhookView>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            var hooks = ctx.Webhooks.AsNoTracking();
            if (!(everyone && user.IsAdmin))
            {
                hooks = hooks.Where(w => w.OwnerId == me);
            }

            var rows = await hooks.OrderByDescending(w => w.CreatedAt).Take(500).ToListAsync(ct);
            var ids = rows.Select(r => r.Id).ToList();
            var counts = await ctx.Set<WebhookDelivery>().AsNoTracking()
                .Where(d => ids.Contains(d.WebhookId) && d.Status != WebhookDeliveryStatus.Delivered)
                .GroupBy(d => new { d.WebhookId, d.Status })
                .Select(g => new { g.Key.WebhookId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
            var owners = rows.Select(r => r.OwnerId).Distinct().ToList();
            var names = await ctx.Users.AsNoTracking().Where(u => owners.Contains(u.Id))
                .Select(u => new { u.Id, u.DisplayName, u.Email }).ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email : u.DisplayName, ct);
            var now = clock.GetUtcNow();
            return rows.Select(w => ToView(w, names.GetValueOrDefault(w.OwnerId), now,
                counts.Where(c => c.WebhookId == w.Id && c.Status == WebhookDeliveryStatus.Pending).Sum(c => c.Count),
                counts.Where(c => c.WebhookId == w.Id && c.Status == WebhookDeliveryStatus.Failed).Sum(c => c.Count))).ToList();
        }, ct);

    public Task<IReadOnlyList<WebhookStarOption>> StarOptionsAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<WebhookStarOption>>(async (ctx, user) =>
            user.UserId is not { } me
                ? []
                : await ctx.Stars.AsNoTracking().Where(s => s.OwnerId == me && s.Status != StarStatus.Archived)
                    .OrderBy(s => s.Name).Select(s => new WebhookStarOption(s.Id, s.Name)).Take(500).ToListAsync(ct), ct);

    public async Task<Result<WebhookCreated>> CreateAsync(WebhookInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var events = input.EventTypes.Distinct(StringComparer.Ordinal).ToList();
        var errors = WebhookRules.Validate(input.Url, events);
        if (errors.Count > 0)
        {
            return Result<WebhookCreated>.Invalid(errors);
        }

        // Save-time SSRF check: the host must resolve, and only to public addresses (unless private networks are allowed).
        var check = await UrlSafety.CheckAsync(input.Url, security.CurrentValue.AllowPrivateNetworkUrls, resolveHost, ct);
        if (!check.Ok)
        {
            return Result<WebhookCreated>.Invalid("Url", check.Code!);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<WebhookCreated>.Forbidden();
            }

            var stars = input.StarIds.Distinct().ToList();
            if (stars.Count > 0 && await ctx.Stars.CountAsync(s => stars.Contains(s.Id) && s.OwnerId == me, ct) != stars.Count)
            {
                return Result<WebhookCreated>.Invalid("StarIds", WebhookRules.StarNotYoursCode);
            }

            if (await ctx.Webhooks.CountAsync(w => w.OwnerId == me, ct) >= WebhookRules.MaxWebhooksPerOwner)
            {
                return Result<WebhookCreated>.Invalid("Url", WebhookRules.TooManyCode, WebhookRules.MaxWebhooksPerOwner);
            }

            var secret = WebhookRules.GenerateSecret();
            var now = clock.GetUtcNow();
            var hook = new Webhook
            {
                Id = Guid.CreateVersion7(now),
                OwnerId = me,
                Url = check.Uri!.AbsoluteUri,
                EventTypes = events,
                StarIds = stars,
                SecretProtected = protector.Protect(secret),
                Status = WebhookStatus.Active,
                CreatedAt = now,
                UpdatedAt = now,
            };
            ctx.Webhooks.Add(hook);
            await ctx.SaveChangesAsync(ct);
            return Result<WebhookCreated>.Ok(new WebhookCreated(ToView(hook, null, now, 0, 0), secret));
        }, ct);
    }

    public Task<Result<WebhookView>> SetPausedAsync(Guid webhookId, bool paused, CancellationToken ct = default) =>
        ChangeAsync(webhookId, (hook, now) =>
        {
            hook.Status = paused ? WebhookStatus.Paused : WebhookStatus.Active;
            return Task.FromResult(Result<WebhookView>.Ok(ToView(hook, null, now, 0, 0)));
        }, ct);

    public Task<Result<bool>> DeleteAsync(Guid webhookId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var hook = await FindAsync(ctx, user, webhookId, ct);
            if (hook is null)
            {
                return Result<bool>.NotFound();
            }

            // Its deliveries go with it (foreign key cascade): nothing is sent for a webhook that no longer exists.
            ctx.Webhooks.Remove(hook);
            await ctx.SaveChangesAsync(ct);
            return Result<bool>.Ok(true);
        }, ct);

    public Task<Result<WebhookCreated>> RotateSecretAsync(Guid webhookId, CancellationToken ct = default) =>
        ChangeAsync(webhookId, (hook, now) =>
        {
            var secret = WebhookRules.GenerateSecret();
            // The secret being replaced signs alongside the new one for the overlap, so receivers can switch at leisure.
            // A second rotation inside the overlap drops the oldest secret.
            hook.PreviousSecretProtected = hook.SecretProtected;
            hook.PreviousSecretExpiresAt = now + options.CurrentValue.RotationOverlap;
            hook.SecretProtected = protector.Protect(secret);
            return Task.FromResult(Result<WebhookCreated>.Ok(new WebhookCreated(ToView(hook, null, now, 0, 0), secret)));
        }, ct);

    public Task<Result<WebhookDeliveryView>> SendTestAsync(Guid webhookId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var hook = await FindAsync(ctx, user, webhookId, ct);
            if (hook is null)
            {
                return Result<WebhookDeliveryView>.NotFound();
            }

            var now = clock.GetUtcNow();
            var eventId = Guid.CreateVersion7(now);
            var delivery = new WebhookDelivery
            {
                Id = Guid.CreateVersion7(now),
                WebhookId = hook.Id,
                OwnerId = hook.OwnerId,
                EventId = eventId,
                EventType = WebhookEvents.Test,
                Body = WebhookRules.Body(eventId, WebhookEvents.Test, now, null, new { message = "A test event from StarStudio.", webhook_id = hook.Id }),
                Status = WebhookDeliveryStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            };
            ctx.Set<WebhookDelivery>().Add(delivery);
            await ctx.SaveChangesAsync(ct);
            return Result<WebhookDeliveryView>.Ok(ToView(delivery));
        }, ct);

    public Task<Result<IReadOnlyList<WebhookDeliveryView>>> DeliveriesAsync(Guid webhookId, int take = 50, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (await FindAsync(ctx, user, webhookId, ct) is null)
            {
                return Result<IReadOnlyList<WebhookDeliveryView>>.NotFound();
            }

            var rows = await ctx.Set<WebhookDelivery>().AsNoTracking().Where(d => d.WebhookId == webhookId)
                .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
            return Result<IReadOnlyList<WebhookDeliveryView>>.Ok(rows.Select(ToView).ToList());
        }, ct);

    public Task<Result<WebhookDeliveryView>> RedeliverAsync(Guid deliveryId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<WebhookDeliveryView>.Forbidden();
            }

            var delivery = await ctx.Set<WebhookDelivery>().FromSql($"SELECT * FROM webhook_deliveries WHERE id = {deliveryId} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (delivery is null || (delivery.OwnerId != me && !user.IsAdmin))
            {
                return Result<WebhookDeliveryView>.NotFound();
            }

            var now = clock.GetUtcNow();
            if (delivery.LeaseUntil is { } lease && lease > now)
            {
                return Result<WebhookDeliveryView>.Invalid("Delivery", WebhookRules.InFlightCode);
            }

            var before = new { status = delivery.Status.ToString().ToLowerInvariant(), attempts = delivery.Attempts };
            // The same row, so the same event id and body: the receiver sees a retry, not a new event.
            delivery.Status = WebhookDeliveryStatus.Pending;
            delivery.NextAttemptAt = now;
            await ctx.SaveChangesAsync(ct);
            if (user.IsAdmin)
            {
                await AuditTrail.AppendAsync(ctx, new AuditEvent(
                    WebhookAuditActions.Redelivered, WebhookAuditActions.DeliveryTarget, delivery.Id.ToString(), delivery.EventType,
                    Before: before, After: new { status = "pending", event_id = delivery.EventId, webhook_id = delivery.WebhookId }, Reason: null),
                    clientAddress?.Get(), ct);
            }

            return Result<WebhookDeliveryView>.Ok(ToView(delivery));
        }, ct);

    private Task<Result<T>> ChangeAsync<T>(Guid webhookId, Func<Webhook, DateTimeOffset, Task<Result<T>>> change, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            var hook = await FindAsync(ctx, user, webhookId, ct);
            if (hook is null)
            {
                return Result<T>.NotFound();
            }

            var now = clock.GetUtcNow();
            var result = await change(hook, now);
            hook.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            return result;
        }, ct);

    /// <summary>The webhook when the caller owns it or is an admin (RLS would hide it otherwise anyway).</summary>
    private static async Task<Webhook?> FindAsync(StarStudioDbContext ctx, UserContext user, Guid id, CancellationToken ct)
    {
        if (user.UserId is not { } me)
        {
            return null;
        }

        var hook = await ctx.Webhooks.FirstOrDefaultAsync(w => w.Id == id, ct);
        return hook is not null && (hook.OwnerId == me || user.IsAdmin) ? hook : null;
    }

    private static WebhookView ToView(Webhook w, string? ownerName, DateTimeOffset now, int pending, int failed) =>
        new(w.Id, w.OwnerId, ownerName, w.Url, w.EventTypes, w.StarIds, w.Status, w.CreatedAt,
            w.PreviousSecretExpiresAt is { } until && until > now ? until : null, pending, failed);

    private static WebhookDeliveryView ToView(WebhookDelivery d) =>
        new(d.Id, d.WebhookId, d.EventId, d.EventType, d.Status, d.Attempts, d.LastHttpStatus, d.LastLatencyMs, WebhookAttemptError.Parse(d.LastError),
            d.ResponseExcerpt, d.CreatedAt, d.LastAttemptAt, d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt);
}
