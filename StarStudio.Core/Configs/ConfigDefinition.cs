using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using StarStudio.Core.Common;

namespace StarStudio.Core.Configs;

/// <summary>The type of a <c>system_configs</c> value; stored in <c>value_type</c> as its <see cref="ConfigValueTypes.Label"/>.</summary>
public enum ConfigValueType
{
    Int,
    Decimal,
    Bool,
    String,
    Json,
}

/// <summary>The <c>value_type</c> labels (the database's check constraint lists the same five).</summary>
public static class ConfigValueTypes
{
    public static string Label(ConfigValueType type) => type switch
    {
        ConfigValueType.Int => "int",
        ConfigValueType.Decimal => "decimal",
        ConfigValueType.Bool => "bool",
        ConfigValueType.String => "string",
        _ => "json",
    };

    public static ConfigValueType Parse(string? label) => label switch
    {
        "int" => ConfigValueType.Int,
        "decimal" => ConfigValueType.Decimal,
        "bool" => ConfigValueType.Bool,
        "string" => ConfigValueType.String,
        _ => ConfigValueType.Json,
    };
}

/// <summary>
/// One known <c>system_configs</c> key (docs/admin-configs.md): its type, default, bounds, descriptions and flags. The
/// registry (<see cref="ConfigRegistry"/>) is the one place a key is declared; readers take their defaults from it.
/// </summary>
public sealed record ConfigDefinition
{
    public const string Field = "Value";
    public const string NotNumberCode = "Configs.Value.NotInteger";
    public const string NotDecimalCode = "Configs.Value.NotDecimal";
    public const string NotBoolCode = "Configs.Value.NotBool";
    public const string BelowMinCode = "Configs.Value.BelowMin";
    public const string AboveMaxCode = "Configs.Value.AboveMax";
    public const string RequiredCode = "Configs.Value.Required";
    public const string TooLongCode = "Configs.Value.TooLong";
    public const string NotAllowedCode = "Configs.Value.NotAllowed";
    public const string PatternCode = "Configs.Value.Pattern";
    public const string NotJsonCode = "Configs.Value.NotJson";
    public const string SchemaCode = "Configs.Value.Schema";

    /// <summary>Largest JSON value (UTF-8 bytes) and deepest nesting a <c>json</c> key accepts; checked before the schema.</summary>
    public const int MaxJsonBytes = 64 * 1024;
    public const int MaxJsonDepth = 32;

    /// <summary>Longest value of a <c>string</c> key unless the key says less.</summary>
    public const int DefaultMaxLength = 2000;

    public required string Key { get; init; }
    public required ConfigValueType Type { get; init; }
    /// <summary>The default as JSON (<c>500</c>, <c>true</c>, <c>"x"</c>, <c>null</c>, <c>{...}</c>).</summary>
    public required string DefaultJson { get; init; }
    public required string DescriptionEn { get; init; }
    public required string DescriptionZh { get; init; }
    /// <summary>Inclusive bounds of an <c>int</c> or <c>decimal</c> key.</summary>
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    /// <summary>For a <c>string</c> key: the only values allowed (empty: any).</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];
    /// <summary>For a <c>string</c> key: a regular expression the whole value must match.</summary>
    public string? Pattern { get; init; }
    public int MaxLength { get; init; } = DefaultMaxLength;
    /// <summary>Whether <c>null</c> is a value (an empty input means null).</summary>
    public bool Nullable { get; init; }
    /// <summary>For a <c>json</c> key: the JSON Schema (draft 2020-12) its value must satisfy.</summary>
    public string? SchemaText { get; init; }
    /// <summary>Whether any signed-in user may be shown the value (seed 002 <c>is_public</c>); otherwise only admins.</summary>
    public bool IsPublic { get; init; }
    /// <summary>A secret is never shown or written to the audit log, only whether it was set, replaced or removed.</summary>
    public bool IsSecret { get; init; }
    /// <summary>Unit shown beside the value (<c>bytes</c>, <c>tokens</c>…), or null.</summary>
    public string? Unit { get; init; }
    /// <summary>The admin page that owns this key when another rule guards it (the chat model selection); edited there, not here.</summary>
    public string? ManagedAt { get; init; }

    /// <summary>The description in the UI culture (zh-CN first, English otherwise).</summary>
    public string Description(CultureInfo culture) =>
        culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? DescriptionZh : DescriptionEn;

    private JsonSchema? compiled;

    // Stored and audited as written: Chinese text and quotes stay readable instead of \uXXXX (jsonb keeps it either way).
    private static readonly JsonSerializerOptions Canonical = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Checks what an admin typed and returns the value as canonical JSON (what is stored), or a field error with a
    /// readable reason. Numbers and booleans are typed as text (<c>640</c>, <c>true</c>); a string is typed without quotes.
    /// </summary>
    public Result<string> Parse(string? input)
    {
        var text = input?.Trim() ?? "";
        if (text.Length == 0 && Type != ConfigValueType.String)
        {
            return Nullable ? Result<string>.Ok("null") : Result<string>.Invalid(Field, RequiredCode);
        }

        switch (Type)
        {
            case ConfigValueType.Int:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    return Result<string>.Invalid(Field, NotNumberCode);
                }

                return Bounded(n) ?? Result<string>.Ok(n.ToString(CultureInfo.InvariantCulture));
            case ConfigValueType.Decimal:
                if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
                {
                    return Result<string>.Invalid(Field, NotDecimalCode);
                }

                return Bounded(d) ?? Result<string>.Ok(d.ToString(CultureInfo.InvariantCulture));
            case ConfigValueType.Bool:
                return text.ToLowerInvariant() switch
                {
                    "true" => Result<string>.Ok("true"),
                    "false" => Result<string>.Ok("false"),
                    _ => Result<string>.Invalid(Field, NotBoolCode),
                };
            case ConfigValueType.String:
                if (text.Length == 0)
                {
                    return Nullable ? Result<string>.Ok("null") : Result<string>.Invalid(Field, RequiredCode);
                }

                if (text.Length > MaxLength)
                {
                    return Result<string>.Invalid(Field, TooLongCode, MaxLength);
                }

                if (AllowedValues.Count > 0 && !AllowedValues.Contains(text, StringComparer.Ordinal))
                {
                    return Result<string>.Invalid(Field, NotAllowedCode, string.Join(", ", AllowedValues));
                }

                if (Pattern is { } p && !Regex.IsMatch(text, p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
                {
                    return Result<string>.Invalid(Field, PatternCode);
                }

                return Result<string>.Ok(JsonSerializer.Serialize(text, Canonical));
            default:
                return ParseJson(text);
        }
    }

    /// <summary>Whether stored JSON is a valid value of this key (a row written around the admin page may not be).</summary>
    public bool Accepts(string? json)
    {
        if (json is null)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return Nullable;
            }

            var asInput = Type switch
            {
                ConfigValueType.String when root.ValueKind == JsonValueKind.String => root.GetString(),
                ConfigValueType.Int or ConfigValueType.Decimal when root.ValueKind == JsonValueKind.Number => root.GetRawText(),
                ConfigValueType.Bool when root.ValueKind is JsonValueKind.True or JsonValueKind.False => root.GetRawText(),
                ConfigValueType.Json => root.GetRawText(),
                _ => null,
            };
            return asInput is not null && Parse(asInput).Succeeded;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What a stored JSON value looks like in the editor: numbers and booleans as is, a string without quotes, null empty.</summary>
    public static string ToInput(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.String => doc.RootElement.GetString() ?? "",
                _ => doc.RootElement.GetRawText(),
            };
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private Result<string>? Bounded(decimal value) =>
        value < Min ? Result<string>.Invalid(Field, BelowMinCode, Min.Value)
        : value > Max ? Result<string>.Invalid(Field, AboveMaxCode, Max.Value)
        : null;

    private Result<string> ParseJson(string text)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxJsonBytes)
        {
            return Result<string>.Invalid(Field, TooLongCode, MaxJsonBytes);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException e)
        {
            return Result<string>.Invalid(Field, NotJsonCode, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind == JsonValueKind.Null && !Nullable)
            {
                return Result<string>.Invalid(Field, RequiredCode);
            }

            if (SchemaText is not null && doc.RootElement.ValueKind != JsonValueKind.Null)
            {
                compiled ??= Build(SchemaText);
                var results = compiled.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (!results.IsValid)
                {
                    // The deepest failure names the place to fix (a parent's "properties" failure only repeats it).
                    var first = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                        .Select(d => (Where: d.InstanceLocation.ToString(), Why: d.Errors!.First().Value))
                        .OrderByDescending(d => d.Where.Length)
                        .FirstOrDefault();
                    return Result<string>.Invalid(Field, SchemaCode, first.Where is { Length: > 0 } w ? w : "/", first.Why ?? "");
                }
            }

            return Result<string>.Ok(JsonSerializer.Serialize(doc.RootElement, Canonical));
        }
    }

    /// <summary>Compiles a schema text (the registry's own; a bad one is a programming error the unit tests catch).</summary>
    public static JsonSchema Build(string schemaText)
    {
        using var doc = JsonDocument.Parse(schemaText);
        return Json.Schema.JsonSchema.Build(doc.RootElement.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}
