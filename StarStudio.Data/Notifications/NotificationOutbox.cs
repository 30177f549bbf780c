using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Notifications;

namespace StarStudio.Data.Notifications;

/// <summary>
/// The emit points features call inside their own transaction (docs/notifications.md): the notification commits with
/// the fact or not at all. Rows are written by SECURITY DEFINER functions, because the acting user (a player rating a
/// star, a job, an admin deciding a report) may not insert for someone else; each function picks the recipient itself
/// from the fact (the star's owner, the report's reporter) and writes nothing for a kind the recipient muted.
/// </summary>
public static class NotificationOutbox
{
    /// <summary>
    /// Notifies the owner of <paramref name="starId"/> of <paramref name="kind"/> (a webhook event type; kinds that are not
    /// notifications, like <c>subscription.created</c>, are ignored). Called by <c>WebhookOutbox.EmitAsync</c>, so every
    /// webhook event is also a notification in the same transaction. Returns the rows written (0 or 1).
    /// </summary>
    public static async Task<int> EmitForStarOwnerAsync(StarStudioDbContext db, string kind, Guid starId, Guid eventId, object data, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!NotificationKinds.ForStarOwner.Contains(kind))
        {
            return 0;
        }

        var args = JsonSerializer.SerializeToElement(data);
        if (args.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("A notification's data must be an object.", nameof(data));
        }

        var link = NotificationRules.Link(kind, starId, args);
        var json = args.GetRawText();
        return (await db.Database.SqlQuery<int>($"SELECT notification_emit_star({kind}, {starId}, {eventId}, {json}::jsonb, {link}) AS \"Value\"").ToListAsync(ct)).Single();
    }

    /// <summary>
    /// Tells the reporter that <paramref name="reportId"/> was decided. Only an admin's transaction writes it, and only for a
    /// report that is resolved or dismissed; the text's arguments come from the report row itself.
    /// </summary>
    public static async Task<int> EmitReportDecidedAsync(StarStudioDbContext db, Guid reportId, string? link, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await db.Database.SqlQuery<int>($"SELECT notification_emit_report_decided({reportId}, {link}) AS \"Value\"").ToListAsync(ct)).Single();
    }
}
