using System.Globalization;
using System.Text.Json;
using StarStudio.Core.Common;

namespace StarStudio.Core.Configs;

/// <summary>
/// The platform's settings as every reader sees them (docs/admin-configs.md): one cached copy of <c>system_configs</c>
/// per app instance, dropped at once when an admin changes a value here, and within moments on every other instance
/// (PostgreSQL LISTEN/NOTIFY, with a short time-to-live as the safety net).
/// </summary>
public interface ISystemConfigs
{
    /// <summary>The settings of the moment (from the cache while it is valid).</summary>
    ValueTask<SystemConfigSnapshot> CurrentAsync(CancellationToken ct = default);

    /// <summary>Forgets the cached copy; the next read goes to the database.</summary>
    void Invalidate();
}

/// <summary>
/// A read of <c>system_configs</c>: raw JSON by key, and typed accessors that fall back to the registry's default when a
/// key is missing or its stored value is not a valid value of its definition (a row written around the admin page).
/// </summary>
public sealed class SystemConfigSnapshot(IReadOnlyDictionary<string, string> values)
{
    public static readonly SystemConfigSnapshot Empty = new(new Dictionary<string, string>());

    /// <summary>The stored JSON of every row, registered or not.</summary>
    public IReadOnlyDictionary<string, string> Values { get; } = values;

    /// <summary>The effective JSON of a registered key: the stored value when valid, else the default.</summary>
    public string Json(string key)
    {
        var definition = ConfigRegistry.Get(key);
        return Values.TryGetValue(key, out var stored) && definition.Accepts(stored) ? stored : definition.DefaultJson;
    }

    public long Int64(string key) => long.Parse(Json(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public int Int32(string key) => (int)Math.Clamp(Int64(key), int.MinValue, int.MaxValue);

    public decimal Decimal(string key) => decimal.Parse(Json(key), NumberStyles.Float, CultureInfo.InvariantCulture);

    public bool Bool(string key) => Json(key) == "true";

    /// <summary>A string key's value; null when it is null.</summary>
    public string? String(string key)
    {
        using var doc = JsonDocument.Parse(Json(key));
        return doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString() : null;
    }
}

/// <summary>A row of <c>/admin/configs</c>: the definition (null for a key the platform does not know) and the stored row.</summary>
/// <param name="StoredJson">The value in the table, or null when the key has no row (it reads as its default).</param>
/// <param name="UpdatedByEmail">Who last changed it (null: a migration, a script, or nobody yet).</param>
public sealed record SystemConfigEntry(
    string Key,
    ConfigDefinition? Definition,
    string? StoredJson,
    string EffectiveJson,
    bool StoredIsValid,
    bool IsPublic,
    DateTimeOffset? UpdatedAt,
    Guid? UpdatedBy,
    string? UpdatedByEmail)
{
    public const string Mask = "••••••";

    /// <summary>Whether the stored value equals the default (or there is no row).</summary>
    public bool IsDefault => Definition is { } d && (StoredJson is null || SameJson(StoredJson, d.DefaultJson));

    /// <summary>The value as the page shows it (a secret masked).</summary>
    public string Display(string json) => Definition?.IsSecret == true ? (json == "null" ? "" : Mask) : ConfigDefinition.ToInput(json);

    public static bool SameJson(string a, string b)
    {
        try
        {
            using var x = JsonDocument.Parse(a);
            using var y = JsonDocument.Parse(b);
            return JsonElement.DeepEquals(x.RootElement, y.RootElement);
        }
        catch (JsonException)
        {
            return a == b;
        }
    }
}

/// <summary>The admin side of <c>system_configs</c>: list, change with validation, reset to default; each change audited.</summary>
public interface ISystemConfigAdminService
{
    /// <summary>Every registered key (with its row or its default) and every unknown row.</summary>
    Task<Result<IReadOnlyList<SystemConfigEntry>>> ListAsync(CancellationToken ct = default);

    /// <summary>Sets a registered key from what the admin typed (<see cref="ConfigDefinition.Parse"/>); audited as <c>config.changed</c>.</summary>
    Task<Result<SystemConfigEntry>> SetAsync(string key, string? input, string? reason = null, CancellationToken ct = default);

    /// <summary>Puts a registered key back to its default; audited as <see cref="ConfigAuditActions.Reset"/>.</summary>
    Task<Result<SystemConfigEntry>> ResetAsync(string key, string? reason = null, CancellationToken ct = default);
}

/// <summary>Audit actions of this feature that are not (yet) in <see cref="Audit.AuditActions"/>; the lead folds them in at merge.</summary>
public static class ConfigAuditActions
{
    /// <summary>A config put back to its registry default.</summary>
    public const string Reset = StarStudio.Core.Audit.AuditActions.ConfigReset;

    public static readonly IReadOnlyList<string> All = [Reset];
}

/// <summary>Audit target types of this feature that are not in <see cref="Audit.AuditTargets"/>.</summary>
public static class ConfigAuditTargets
{
    /// <summary>A row of <c>chat_models</c> (its changes are audited as <c>provider.changed</c>).</summary>
    public const string ChatModel = "chat_model";
}

/// <summary>Field errors of the config service beyond the value's own.</summary>
public static class ConfigErrors
{
    public const string UnknownKey = "Configs.Key.Unknown";
    public const string Managed = "Configs.Key.Managed";
    public const string ReasonTooLong = "Configs.Reason.TooLong";
    public const int ReasonMax = 500;
}
