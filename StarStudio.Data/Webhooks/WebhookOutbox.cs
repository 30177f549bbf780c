using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Webhooks;

namespace StarStudio.Data.Webhooks;

/// <summary>
/// The emit point other features call inside their own transaction, next to the fact itself: the delivery rows (one per
/// matching webhook of the star's owner) commit with the fact or not at all, and the worker sends them later. Rows are
/// written by the SECURITY DEFINER function <c>webhook_emit</c>, because the acting user (a player rating a star, the
/// job scoring a trial) cannot see the owner's webhooks; the function only ever fans an event out to the webhooks of
/// the star's own owner, active and subscribed to the type.
/// </summary>
public static class WebhookOutbox
{
    /// <summary>Queues <paramref name="type"/> for <paramref name="starId"/>; returns how many webhooks will receive it.</summary>
    /// <param name="eventId">A stable id when the same fact may be emitted twice (a re-run): the second is dropped.</param>
    public static async Task<int> EmitAsync(StarStudioDbContext db, string type, Guid starId, object data, DateTimeOffset now, CancellationToken ct, Guid? eventId = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!WebhookEvents.All.Contains(type))
        {
            throw new ArgumentException($"'{type}' is not a webhook event type.", nameof(type));
        }

        var id = eventId ?? Guid.CreateVersion7(now);
        var body = WebhookRules.Body(id, type, now, starId, data);
        var rows = await db.Database.SqlQuery<int>($"SELECT webhook_emit({type}, {starId}, {id}, {body}) AS \"Value\"").ToListAsync(ct);
        // The same event in the owner's notification centre, in this transaction (docs/notifications.md).
        await Notifications.NotificationOutbox.EmitForStarOwnerAsync(db, type, starId, id, data, ct);
        return rows.Single();
    }
}
