using StarStudio.Core.Notifications;

namespace StarStudio.Data.Notifications;

/// <summary>Database facts of notifications that the migration, the configuration and tests share.</summary>
public static class NotificationSchema
{
    /// <summary>The known kinds as an SQL array literal.</summary>
    public static string KindsArray => "ARRAY['" + string.Join("', '", NotificationKinds.All) + "']::text[]";

    /// <summary>The star-owner kinds as an SQL array literal.</summary>
    public static string StarOwnerKindsArray => "ARRAY['" + string.Join("', '", NotificationKinds.ForStarOwner) + "']::text[]";

    /// <summary>CHECK on <c>user_preferences.muted_notifications</c>: known kinds only.</summary>
    public static string MutedCheck => $"muted_notifications <@ {KindsArray}";

    public const string EmitStarSignature = "notification_emit_star(text, uuid, uuid, jsonb, text)";
    public const string EmitReportSignature = "notification_emit_report_decided(uuid, text)";
    public const string PruneSignature = "notifications_prune(timestamp with time zone, timestamp with time zone)";
}
