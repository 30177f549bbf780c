using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StarStudio.Core.Market.Maker;

/// <summary>How the "try it" form asks for one argument.</summary>
public enum TryFieldKind
{
    String,
    Number,
    Integer,
    Boolean,
    Enum,

    /// <summary>Anything else (objects, arrays, unions): a JSON text box.</summary>
    Json,
}

/// <summary>One top-level property of the input schema as a form field.</summary>
public sealed record TryField(string Name, TryFieldKind Kind, bool Required, IReadOnlyList<string> Options, string? Description);

/// <summary>
/// The "try it" form: fields generated from the input schema's top-level <c>properties</c> (string, number, integer,
/// boolean, string enum; anything else as JSON text), and the arguments object composed back from what the maker typed.
/// </summary>
public static class TryItForm
{
    /// <summary>The form's fields; empty when the schema has no properties or is not readable.</summary>
    public static IReadOnlyList<TryField> Fields(string? inputSchema)
    {
        var fields = new List<TryField>();
        if (string.IsNullOrWhiteSpace(inputSchema))
        {
            return fields;
        }

        try
        {
            using var doc = JsonDocument.Parse(inputSchema);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
            {
                return fields;
            }

            var required = root.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var p in props.EnumerateObject())
            {
                var description = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                    ? d.GetString()
                    : null;
                var (kind, options) = KindOf(p.Value);
                fields.Add(new TryField(p.Name, kind, required.Contains(p.Name), options, description));
            }
        }
        catch (JsonException)
        {
            // The schema is refused where it is edited; the form just has no fields.
        }

        return fields;
    }

    /// <summary>
    /// The arguments object from the typed values: empty fields are left out; numbers, integers and booleans are
    /// written as JSON values when they parse, otherwise as the text typed (the input schema then says what is wrong);
    /// JSON fields are embedded when they parse, otherwise sent as a string.
    /// </summary>
    public static string Compose(IReadOnlyList<TryField> fields, IReadOnlyDictionary<string, string?> values)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var f in fields)
            {
                // An empty box is an argument left out; a required one is then reported missing by the input schema.
                if (!values.TryGetValue(f.Name, out var raw) || string.IsNullOrEmpty(raw))
                {
                    continue;
                }

                w.WritePropertyName(f.Name);
                switch (f.Kind)
                {
                    case TryFieldKind.Number when decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n):
                        w.WriteNumberValue(n);
                        break;
                    case TryFieldKind.Integer when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i):
                        w.WriteNumberValue(i);
                        break;
                    case TryFieldKind.Boolean when bool.TryParse(raw, out var b):
                        w.WriteBooleanValue(b);
                        break;
                    case TryFieldKind.Json when TryParse(raw) is { } json:
                        json.WriteTo(w);
                        break;
                    default:
                        w.WriteStringValue(raw);
                        break;
                }
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static JsonElement? TryParse(string raw)
    {
        try
        {
            using var doc = JsonDocument.Parse(raw);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (TryFieldKind, IReadOnlyList<string>) KindOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return (TryFieldKind.Json, []);
        }

        if (schema.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array
            && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) && e.GetArrayLength() > 0)
        {
            return (TryFieldKind.Enum, e.EnumerateArray().Select(x => x.GetString()!).ToList());
        }

        if (!schema.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            return (TryFieldKind.Json, []);
        }

        return (t.GetString() switch
        {
            "string" => TryFieldKind.String,
            "number" => TryFieldKind.Number,
            "integer" => TryFieldKind.Integer,
            "boolean" => TryFieldKind.Boolean,
            _ => TryFieldKind.Json,
        }, []);
    }
}
