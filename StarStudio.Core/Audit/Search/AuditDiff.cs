using System.Text.Json;

namespace StarStudio.Core.Audit.Search;

/// <summary>How one path of an entry's before/after differs.</summary>
public enum AuditDiffKind
{
    Unchanged,
    Added,
    Removed,
    Changed,
}

/// <summary>One line of a diff: a JSON path (<c>value</c>, <c>models[0].name</c>; empty for the whole document) and its two values as JSON.</summary>
public sealed record AuditDiffLine(string Path, AuditDiffKind Kind, string? Before, string? After);

/// <summary>
/// A readable diff of an audit entry's <c>before_value</c> and <c>after_value</c>: both flattened to their leaf paths
/// (object members by name, array items by index), paired by path, in the order the paths first appear.
/// </summary>
public static class AuditDiff
{
    /// <summary>Paths past this depth are compared as whole JSON (audit values are small; this bounds a hostile one).</summary>
    public const int MaxDepth = 16;

    public static IReadOnlyList<AuditDiffLine> Compute(string? beforeJson, string? afterJson)
    {
        var before = Flatten(beforeJson);
        var after = Flatten(afterJson);
        var paths = before.Keys.Concat(after.Keys).Distinct(StringComparer.Ordinal).ToList();
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in before.Keys.Concat(after.Keys))
        {
            order.TryAdd(p, order.Count);
        }

        return paths.OrderBy(p => order[p]).Select(p =>
        {
            var had = before.TryGetValue(p, out var b);
            var has = after.TryGetValue(p, out var a);
            var kind = !had ? AuditDiffKind.Added : !has ? AuditDiffKind.Removed : b == a ? AuditDiffKind.Unchanged : AuditDiffKind.Changed;
            return new AuditDiffLine(p, kind, had ? b : null, has ? a : null);
        }).ToList();
    }

    private static Dictionary<string, string> Flatten(string? json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return result;
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            Walk(doc.RootElement, "", 0, result);
        }
        catch (JsonException)
        {
            result[""] = json;
        }

        return result;
    }

    private static void Walk(JsonElement e, string path, int depth, Dictionary<string, string> into)
    {
        if (depth < MaxDepth && e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any())
        {
            foreach (var p in e.EnumerateObject())
            {
                Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, depth + 1, into);
            }
        }
        else if (depth < MaxDepth && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0)
        {
            var i = 0;
            foreach (var item in e.EnumerateArray())
            {
                Walk(item, $"{path}[{i++}]", depth + 1, into);
            }
        }
        else
        {
            into[path] = e.GetRawText();
        }
    }
}
