using System.Text;
using System.Text.Json;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Market.Catalog;

/// <summary>
/// What a skill version's <c>search_text</c> holds: <see cref="SearchText.For"/> of its name, both descriptions, its
/// category key and its example questions, so a query in Chinese or English finds it by any of them.
/// </summary>
public static class SkillSearchText
{
    /// <summary>The search text of a version with these fields; <paramref name="examplesJson"/> is the <c>examples</c> array.</summary>
    public static string For(string name, string? description, string? descriptionEn, string category, string? examplesJson)
    {
        var sb = new StringBuilder();
        sb.Append(name).Append('\n').Append(description).Append('\n').Append(descriptionEn).Append('\n').Append(category);
        foreach (var question in ExampleQuestions(examplesJson))
        {
            sb.Append('\n').Append(question);
        }

        return SearchText.For(sb.ToString());
    }

    /// <summary>The <c>question</c> of each example; nothing for text that is not a JSON array of objects.</summary>
    public static IEnumerable<string> ExampleQuestions(string? examplesJson)
    {
        if (string.IsNullOrWhiteSpace(examplesJson))
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(examplesJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return doc.RootElement.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String)
                .Select(e => e.GetProperty("question").GetString()!)
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
