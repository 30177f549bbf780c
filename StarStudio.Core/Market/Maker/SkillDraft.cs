using System.Text.Json;

namespace StarStudio.Core.Market.Maker;

/// <summary>What the maker edits in the skill editor (everything but the auth secret, which has its own calls).</summary>
public sealed class SkillDraft
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? DescriptionEn { get; set; }
    public string Category { get; set; } = SkillCategories.Other;
    public string Icon { get; set; } = SkillCategories.DefaultIcon;
    public string ApiEndpoint { get; set; } = "";

    /// <summary>The input JSON Schema (stored in <c>skills.schema</c>); must describe an object.</summary>
    public string InputSchema { get; set; } = SkillRules.DefaultInputSchema;

    public string OutputSchema { get; set; } = "{}";
    public SkillPricingType PricingType { get; set; } = SkillPricingType.Free;
    public decimal Price { get; set; }
    public List<SkillExample> Examples { get; set; } = [];

    /// <summary>The draft as stored in a skill row.</summary>
    public static SkillDraft From(Skill skill) => new()
    {
        Name = skill.Name,
        Description = skill.Description,
        DescriptionEn = skill.DescriptionEn,
        Category = skill.Category,
        Icon = skill.Icon,
        ApiEndpoint = skill.ApiEndpoint,
        InputSchema = skill.Schema,
        OutputSchema = skill.OutputSchema,
        PricingType = skill.PricingType,
        Price = skill.Price,
        Examples = SkillExample.ParseList(skill.Examples),
    };
}

/// <summary>A worked example: a question a player might ask and the arguments the call takes for it.</summary>
/// <param name="Arguments">The arguments object as JSON text (validated against the input schema).</param>
public sealed record SkillExample(string Question, string Arguments, string? Note = null)
{
    /// <summary>Reads the <c>examples</c> jsonb array; entries that are not objects are skipped.</summary>
    public static List<SkillExample> ParseList(string? json)
    {
        var list = new List<SkillExample>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return list;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return list;
            }

            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var question = e.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()! : "";
                var args = e.TryGetProperty("arguments", out var a) ? a.GetRawText() : "{}";
                var note = e.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                list.Add(new SkillExample(question, args, note));
            }
        }
        catch (JsonException)
        {
            // Stored examples were validated when saved; unreadable ones show as none rather than breaking the editor.
        }

        return list;
    }

    /// <summary>The <c>examples</c> jsonb text; call only with examples that passed <see cref="SkillRules.Validate"/>.</summary>
    public static string ToJson(IEnumerable<SkillExample> examples)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var e in examples)
            {
                w.WriteStartObject();
                w.WriteString("question", e.Question.Trim());
                w.WritePropertyName("arguments");
                using (var args = JsonDocument.Parse(e.Arguments))
                {
                    args.RootElement.WriteTo(w);
                }

                if (!string.IsNullOrWhiteSpace(e.Note))
                {
                    w.WriteString("note", e.Note.Trim());
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
