using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Webhooks;

namespace StarStudio.Data.Webhooks;

/// <summary>
/// The bodies of the events other features emit, in one place, so each emit point is one line in its own code and the
/// wire format has one writer (docs/webhooks.md lists the fields).
/// </summary>
public static class WebhookEmitters
{
    /// <summary><c>subscription.created/renewed/cancelled</c> for a skill subscription the current transaction can see.</summary>
    public static async Task EmitSubscriptionAsync(StarStudioDbContext db, string type, Guid subscriptionId, DateTimeOffset now, CancellationToken ct)
    {
        var s = await db.SkillSubscriptions.AsNoTracking().Where(x => x.Id == subscriptionId)
            .Select(x => new { x.Id, x.StarId, x.SkillId, x.Plan, x.Status, x.PeriodMonths, x.Price }).FirstOrDefaultAsync(ct);
        if (s is null)
        {
            return;
        }

        await WebhookOutbox.EmitAsync(db, type, s.StarId, new
        {
            subscription_id = s.Id,
            skill_id = s.SkillId,
            plan = s.Plan,
            status = s.Status.ToString().ToLowerInvariant(),
            period_months = s.PeriodMonths,
            price = s.Price,
        }, now, ct);
    }

    /// <summary>
    /// A stable event id for a fact that a re-run may emit again (a trial scored twice): the same fact gives the same
    /// id, and the (webhook, event id) unique index drops the second.
    /// </summary>
    public static Guid StableEventId(string kind, Guid a, Guid b)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{kind}:{a:N}:{b:N}"), hash);
        hash[6] = (byte)((hash[6] & 0x0f) | 0x80); // version 8 (custom)
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
