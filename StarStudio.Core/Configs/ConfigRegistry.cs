using System.Globalization;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Chat;
using StarStudio.Core.Growth;
using StarStudio.Core.Knowledge;

namespace StarStudio.Core.Configs;

/// <summary>
/// Every <c>system_configs</c> key the platform reads (docs/admin-configs.md). A key not listed here can sit in the
/// table (the page shows it as unknown, read-only) but nothing reads it; a key listed here but missing from the table
/// reads as its default.
/// </summary>
public static class ConfigRegistry
{
    /// <summary>Rows the audit export returns at most (<c>/admin/audit</c>'s CSV).</summary>
    public const string AuditExportMaxRows = "audit_export_max_rows";
    public const int DefaultAuditExportMaxRows = 10_000;

    /// <summary>Messages one user may send per minute (read by the conversation service).</summary>
    public const string ChatRatePerMinute = "chat_rate_limit_per_minute";

    /// <summary>Longest message a user may send.</summary>
    public const string ChatMaxMessageChars = "chat_max_message_chars";

    private const string Uuid = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    public static readonly IReadOnlyList<ConfigDefinition> All =
    [
        Int(KnowledgeConfigKeys.ChunkSize, KnowledgeConfigKeys.DefaultChunkSize, KnowledgeSettingsRules.MinChunkSize, KnowledgeSettingsRules.MaxChunkSize,
            "Default chunk size of knowledge, in cl100k tokens (a star may override it)", "知识默认切片大小（cl100k token 数，星灵可单独设置）", unit: "tokens"),
        Int(KnowledgeConfigKeys.ChunkOverlap, KnowledgeConfigKeys.DefaultChunkOverlap, 1, KnowledgeSettingsRules.MaxChunkSize / 2 - 1,
            "Default overlap between knowledge chunks, in tokens (kept below half the chunk size)", "知识切片之间的默认重叠（token 数，不超过切片大小的一半）", unit: "tokens"),
        Int(KnowledgeConfigKeys.MaxUploadFileSize, KnowledgeConfigKeys.DefaultMaxUploadFileSize, 1, 1024L * 1024 * 1024,
            "Largest knowledge upload or webhook body, in bytes", "知识上传文件与 Webhook 请求体的最大字节数", unit: "bytes", isPublic: true),
        Int(KnowledgeConfigKeys.TopK, KnowledgeConfigKeys.DefaultTopK, 1, 50,
            "Knowledge passages retrieved per question", "每个问题检索的知识片段数"),
        new ConfigDefinition
        {
            Key = ChatModelConfigKeys.DefaultChatModel, Type = ConfigValueType.String, DefaultJson = "null", Nullable = true, Pattern = Uuid,
            DescriptionEn = "Id of the chat model stars answer with (empty: the offline engine)",
            DescriptionZh = "星灵回答所用聊天模型的 ID（为空：离线引擎）", ManagedAt = "/admin/models",
        },
        new ConfigDefinition
        {
            Key = ChatModelConfigKeys.FallbackChatModel, Type = ConfigValueType.String, DefaultJson = "null", Nullable = true, Pattern = Uuid,
            DescriptionEn = "Id of the chat model used when the default fails (empty: none)",
            DescriptionZh = "默认模型失败时使用的聊天模型 ID（为空：无）", ManagedAt = "/admin/models",
        },
        Int(ChatRatePerMinute, ChatRules.DefaultRatePerMinute, 1, 1000,
            "Messages one user may send per minute", "每位用户每分钟可发送的消息数"),
        Int(ChatMaxMessageChars, ChatRules.DefaultMaxMessageChars, 1, 100_000,
            "Longest message a user may send, in characters", "用户单条消息的最大字符数", unit: "chars", isPublic: true),
        Int(InviteRules.InviterPointsConfig, InviteRules.DefaultInviterPoints, 1, 1_000_000,
            "Points the inviter receives when an invitee binds the code", "被邀请人绑定邀请码后邀请人获得的积分", unit: "points", isPublic: true),
        Int(InviteRules.InviteePointsConfig, InviteRules.DefaultInviteePoints, 1, 1_000_000,
            "Points the invitee receives for binding an invite code", "被邀请人绑定邀请码获得的积分", unit: "points", isPublic: true),
        Int(AuditExportMaxRows, DefaultAuditExportMaxRows, 100, 100_000,
            "Rows one CSV export of the audit log returns at most", "审计日志单次 CSV 导出的最大行数", unit: "rows"),
    ];

    private static readonly Dictionary<string, ConfigDefinition> ByKey = All.ToDictionary(d => d.Key, StringComparer.Ordinal);

    /// <summary>The definition of <paramref name="key"/>, or null for a key the platform does not know.</summary>
    public static ConfigDefinition? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The definition of a key the caller knows is registered.</summary>
    public static ConfigDefinition Get(string key) =>
        ByKey.TryGetValue(key, out var d) ? d : throw new ArgumentException($"'{key}' is not a registered system config.", nameof(key));

    private static ConfigDefinition Int(string key, long @default, long min, long max, string en, string zh, string? unit = null, bool isPublic = false) => new()
    {
        Key = key,
        Type = ConfigValueType.Int,
        DefaultJson = @default.ToString(CultureInfo.InvariantCulture),
        Min = min,
        Max = max,
        DescriptionEn = en,
        DescriptionZh = zh,
        Unit = unit,
        IsPublic = isPublic,
    };
}
