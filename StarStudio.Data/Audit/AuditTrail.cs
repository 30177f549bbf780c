using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;

namespace StarStudio.Data.Audit;

/// <summary>
/// Appends an audit entry inside the caller's transaction, so an admin action and its record commit together or not at
/// all. Goes through <c>audit_append</c> (SECURITY DEFINER): the application role cannot insert, update, delete or
/// truncate <c>audit_logs</c>, and the function takes the actor from the transaction's <c>app.user_id</c>.
/// </summary>
public static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Appends <paramref name="e"/> as the transaction's acting user; returns the entry's id.</summary>
    public static async Task<long> AppendAsync(StarStudioDbContext db, AuditEvent e, string? ipAddress, CancellationToken ct)
    {
        if (!AuditActions.IsWellFormed(e.Action))
        {
            throw new ArgumentException($"'{e.Action}' is not an audit action name.", nameof(e));
        }

        var before = ToJson(e.Before);
        var after = ToJson(e.After);
        return await db.Database.SqlQuery<long>($"""
            SELECT audit_append({e.Action}, {Clip(e.TargetType, 32)}, {Clip(e.TargetId, 128)}, {Clip(e.TargetLabel, 256)},
                                {before}::jsonb, {after}::jsonb, {Clip(e.Reason, 2000)}, {Clip(ipAddress, 64)}) AS "Value"
            """).SingleAsync(ct);
    }

    private static string? ToJson(object? value) => value switch
    {
        null => null,
        JsonDocument doc => doc.RootElement.GetRawText(),
        JsonElement el => el.GetRawText(),
        _ => JsonSerializer.Serialize(value, value.GetType(), Json),
    };

    private static string? Clip(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
