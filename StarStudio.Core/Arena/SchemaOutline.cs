using System.Globalization;
using System.Text.Json;

namespace StarStudio.Core.Arena;

/// <summary>One field of an answer schema as a reader sees it.</summary>
/// <param name="Path">Where it sits: <c>title</c>, <c>sections[].heading</c>; empty for the root.</param>
/// <param name="Depth">Nesting level (0 = a property of the root).</param>
/// <param name="Type">JSON type(s), e.g. <c>string</c>, <c>array</c>, <c>integer | null</c>; empty when any.</param>
/// <param name="Required">Whether its parent requires it.</param>
/// <param name="Rules">Its constraints: a kind the page words in its language and the value, e.g. (Length, "1–80").</param>
/// <param name="Description">Its title and description.</param>
public sealed record SchemaField(string Path, int Depth, string Type, bool Required, IReadOnlyList<SchemaRule> Rules, string Description);

/// <summary>A constraint of a field: <see cref="Kind"/> names the resource key <c>Arena.Rule.{Kind}</c>, <see cref="Value"/> fills it.</summary>
public sealed record SchemaRule(string Kind, string Value);

/// <summary>
/// Flattens an answer schema into the rows the trial page shows (what to answer, field by field), following local
/// <c>$ref</c>s into <c>$defs</c>. Works on schemas <see cref="AnswerSchemas.Accept"/> let in; stops at a depth of 12 and
/// at a repeated reference, so a recursive schema prints once.
/// </summary>
public static class SchemaOutline
{
    public const int MaxDepth = 12;
    public const int MaxFields = 500;

    public static IReadOnlyList<SchemaField> Of(string schemaJson)
    {
        using var doc = JsonDocument.Parse(schemaJson, new JsonDocumentOptions { MaxDepth = 64 });
        var rows = new List<SchemaField>();
        var root = doc.RootElement;
        Visit(root, root, "", -1, false, rows, []);
        return rows;
    }

    private static void Visit(JsonElement root, JsonElement schema, string path, int depth, bool required, List<SchemaField> rows, HashSet<string> refs)
    {
        if (rows.Count >= MaxFields || depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String && Resolve(root, r.GetString()!) is { } target)
        {
            var reference = r.GetString()!;
            if (!refs.Add(reference))
            {
                rows.Add(new SchemaField(path, Math.Max(depth, 0), "→ " + reference, required, [], ""));
                return;
            }

            Visit(root, target, path, depth, required, rows, refs);
            refs.Remove(reference);
            return;
        }

        if (depth >= 0)
        {
            rows.Add(new SchemaField(path, depth, TypeOf(schema), required, Rules(schema), Describe(schema)));
        }

        var requiredNames = schema.TryGetProperty("required", out var req) && req.ValueKind == JsonValueKind.Array
            ? req.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        if (schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in props.EnumerateObject())
            {
                Visit(root, p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, depth + 1, requiredNames.Contains(p.Name), rows, refs);
            }
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            Visit(root, items, (path.Length == 0 ? "" : path) + "[]", depth + 1, false, rows, refs);
        }

        if (schema.TryGetProperty("prefixItems", out var prefix) && prefix.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in prefix.EnumerateArray())
            {
                Visit(root, item, $"{path}[{i++}]", depth + 1, false, rows, refs);
            }
        }
    }

    private static JsonElement? Resolve(JsonElement root, string reference)
    {
        if (reference == "#")
        {
            return root;
        }

        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var at = root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var part = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (at.ValueKind == JsonValueKind.Object && at.TryGetProperty(part, out var next))
            {
                at = next;
            }
            else if (at.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < at.GetArrayLength())
            {
                at = at[i];
            }
            else
            {
                return null;
            }
        }

        return at;
    }

    private static string TypeOf(JsonElement s)
    {
        if (!s.TryGetProperty("type", out var t))
        {
            return s.TryGetProperty("enum", out _) || s.TryGetProperty("const", out _) ? "value" : "";
        }

        return t.ValueKind == JsonValueKind.Array ? string.Join(" | ", t.EnumerateArray().Select(x => x.ToString())) : t.ToString();
    }

    private static string Describe(JsonElement s)
    {
        var title = s.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var description = s.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
        return title.Length > 0 && description.Length > 0 ? $"{title}: {description}" : title + description;
    }

    private static List<SchemaRule> Rules(JsonElement s)
    {
        var rules = new List<SchemaRule>();
        string? Num(string name) => s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;
        void Range(string min, string max, string kind)
        {
            var (lo, hi) = (Num(min), Num(max));
            if (lo is not null && hi is not null)
            {
                rules.Add(new SchemaRule(kind, lo == hi ? lo : $"{lo}–{hi}"));
            }
            else if (lo is not null)
            {
                rules.Add(new SchemaRule(kind, $"≥ {lo}"));
            }
            else if (hi is not null)
            {
                rules.Add(new SchemaRule(kind, $"≤ {hi}"));
            }
        }

        Range("minLength", "maxLength", "Length");
        Range("minItems", "maxItems", "Items");
        Range("minProperties", "maxProperties", "Properties");
        Range("minimum", "maximum", "Range");
        if (Num("exclusiveMinimum") is { } xmin)
        {
            rules.Add(new SchemaRule("Range", $"> {xmin}"));
        }

        if (Num("exclusiveMaximum") is { } xmax)
        {
            rules.Add(new SchemaRule("Range", $"< {xmax}"));
        }

        if (Num("multipleOf") is { } m)
        {
            rules.Add(new SchemaRule("MultipleOf", m));
        }

        if (s.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array)
        {
            rules.Add(new SchemaRule("OneOf", string.Join(", ", e.EnumerateArray().Take(20).Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText()))));
        }

        if (s.TryGetProperty("const", out var c))
        {
            rules.Add(new SchemaRule("Exactly", (c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText())!));
        }

        foreach (var (name, kind) in new[] { ("pattern", "Pattern"), ("format", "Format") })
        {
            if (s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
            {
                rules.Add(new SchemaRule(kind, v.GetString()!));
            }
        }

        if (s.TryGetProperty("uniqueItems", out var u) && u.ValueKind == JsonValueKind.True)
        {
            rules.Add(new SchemaRule("Unique", ""));
        }

        if (s.TryGetProperty("additionalProperties", out var a) && a.ValueKind == JsonValueKind.False)
        {
            rules.Add(new SchemaRule("Closed", ""));
        }

        foreach (var name in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
            {
                rules.Add(new SchemaRule("Combinator", $"{name} × {v.GetArrayLength()}"));
            }
        }

        return rules;
    }
}
