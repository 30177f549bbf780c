using System.Globalization;
using System.Text.Json;

namespace StarStudio.Core.Admin.Chat;

/// <summary>A model an OpenAI-compatible server lists, with the context size it reports (if it reports one).</summary>
/// <param name="Id">The model's id (<c>data[].id</c>).</param>
/// <param name="ContextTokens">From <c>max_model_len</c> (vLLM), <c>context_length</c> or <c>context_window</c>, clamped to the schema's range.</param>
public sealed record ListedModel(string Id, int? ContextTokens);

/// <summary>Reads the answer of <c>GET /v1/models</c>: <c>{"object":"list","data":[{"id":…}]}</c> (a bare array is accepted too).</summary>
public static class OpenAiModelList
{
    /// <summary>The context-size fields servers use, in order of preference.</summary>
    public static readonly IReadOnlyList<string> ContextFields = ["max_model_len", "context_length", "context_window"];

    /// <summary>The distinct models listed (first occurrence wins) and how many entries had no usable id.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not an OpenAI model list.</exception>
    public static (IReadOnlyList<ListedModel> Models, int Skipped) Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("The answer is not JSON: " + e.Message, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var data = root.ValueKind switch
            {
                JsonValueKind.Array => root,
                JsonValueKind.Object when root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Array => d,
                _ => throw new FormatException("The answer has no \"data\" array of models."),
            };

            var models = new List<ListedModel>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var skipped = 0;
            foreach (var item in data.EnumerateArray())
            {
                var id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var idProp) && idProp.ValueKind == JsonValueKind.String
                    ? idProp.GetString()!.Trim()
                    : "";
                if (id.Length == 0 || id.Length > ChatModelAdminRules.ModelIdMax)
                {
                    skipped++;
                    continue;
                }

                if (seen.Add(id))
                {
                    models.Add(new ListedModel(id, ContextOf(item)));
                }
            }

            return (models, skipped);
        }
    }

    private static int? ContextOf(JsonElement item)
    {
        foreach (var field in ContextFields)
        {
            if (!item.TryGetProperty(field, out var value))
            {
                continue;
            }

            long? tokens = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt64(out var n) => n,
                JsonValueKind.Number when value.TryGetDouble(out var f) && f is > 0 and < long.MaxValue => (long)f,
                JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
                _ => null,
            };
            if (tokens is > 0)
            {
                return ChatModelAdminRules.ClampContext(tokens.Value);
            }
        }

        return null;
    }
}
