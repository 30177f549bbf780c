using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Market.Calls;

/// <summary>A worked example of a skill: a question and the arguments that answer it (<c>skills.examples</c> items).</summary>
public sealed record SkillExample(string Question, JsonElement Arguments)
{
    /// <summary>The examples in a version's <c>examples</c> JSON; items without a question or an object of arguments are skipped.</summary>
    public static IReadOnlyList<SkillExample> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var result = new List<SkillExample>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(q.GetString())
                    && item.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.Object)
                {
                    result.Add(new SkillExample(q.GetString()!, a.Clone()));
                }
            }

            return result;
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>The example a question matched: which skill (index into the input), the arguments to call it with, and how.</summary>
public sealed record OfflineSkillMatch(int SkillIndex, string ArgumentsJson, double Score, bool ByTemplate, string ExampleQuestion);

/// <summary>
/// How the offline engine (no language model) decides to call a skill (docs/market-calls.md). An example question is a
/// template whose argument strings are slots: "北京今天天气怎么样" with <c>{"city":"北京"}</c> is <c>(.+?)今天天气怎么样</c>. A
/// question matching a template (whole, ignoring case, surrounding white space and end punctuation) fills the slots from
/// the question. Otherwise a question whose <see cref="SearchText.Tokens"/> overlap an example's by at least
/// <see cref="MinJaccard"/> (Jaccard) takes that example's own arguments. The best example of all skills wins: template
/// matches before overlaps, then the template with more literal characters (the more specific), then the higher overlap.
/// </summary>
public static class OfflineSkillMatcher
{
    public const double MinJaccard = 0.6;

    /// <summary>The best match of <paramref name="question"/> among the examples of <paramref name="skills"/>, or null.</summary>
    public static OfflineSkillMatch? Match(string? question, IReadOnlyList<IReadOnlyList<SkillExample>> skills)
    {
        ArgumentNullException.ThrowIfNull(skills);
        var q = Normalize(question);
        if (q.Length == 0)
        {
            return null;
        }

        var qTokens = SearchText.Tokens(q).ToHashSet(StringComparer.Ordinal);
        OfflineSkillMatch? best = null;
        var bestRank = (-1, -1.0);
        for (var s = 0; s < skills.Count; s++)
        {
            foreach (var example in skills[s])
            {
                var candidate = Template(q, example, s) ?? Overlap(qTokens, example, s);
                if (candidate is null)
                {
                    continue;
                }

                // Template matches rank by their literal length (1000 + n); overlaps below all of them, by score.
                var rank = candidate.ByTemplate ? (1000 + (int)candidate.Score, 0.0) : (0, candidate.Score);
                if (rank.CompareTo(bestRank) > 0)
                {
                    best = candidate;
                    bestRank = rank;
                }
            }
        }

        return best is null ? null : best with { Score = best.ByTemplate ? 1.0 : best.Score };
    }

    /// <summary>The Jaccard overlap of two token sets (0 when both are empty).</summary>
    public static double Jaccard(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 && b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return shared / (double)(a.Count + b.Count - shared);
    }

    private static OfflineSkillMatch? Template(string question, SkillExample example, int skill)
    {
        var text = Normalize(example.Question);
        if (text.Length == 0)
        {
            return null;
        }

        // Slots: each non-empty string argument found in the example question, first occurrence, no overlaps.
        var slots = new List<(int Start, int Length, string Name)>();
        foreach (var p in example.Arguments.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String || Normalize(p.Value.GetString()) is not { Length: > 0 } value)
            {
                continue;
            }

            var at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase);
            while (at >= 0 && slots.Any(x => at < x.Start + x.Length && x.Start < at + value.Length))
            {
                at = text.IndexOf(value, at + 1, StringComparison.OrdinalIgnoreCase);
            }

            if (at >= 0)
            {
                slots.Add((at, value.Length, p.Name));
            }
        }

        slots.Sort((x, y) => x.Start.CompareTo(y.Start));
        var pattern = new StringBuilder("^");
        var pos = 0;
        foreach (var slot in slots)
        {
            pattern.Append(Regex.Escape(text[pos..slot.Start])).Append("(.+?)");
            pos = slot.Start + slot.Length;
        }

        pattern.Append(Regex.Escape(text[pos..])).Append('$');
        var m = Regex.Match(question, pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(50));
        if (!m.Success)
        {
            return null;
        }

        var args = JsonNode.Parse(example.Arguments.GetRawText())!.AsObject();
        for (var i = 0; i < slots.Count; i++)
        {
            var value = m.Groups[i + 1].Value.Trim();
            if (value.Length == 0)
            {
                return null;
            }

            args[slots[i].Name] = value;
        }

        var literal = text.Length - slots.Sum(x => x.Length);
        return new OfflineSkillMatch(skill, args.ToJsonString(), literal, true, example.Question);
    }

    private static OfflineSkillMatch? Overlap(HashSet<string> question, SkillExample example, int skill)
    {
        var tokens = SearchText.Tokens(Normalize(example.Question)).ToHashSet(StringComparer.Ordinal);
        var score = Jaccard(question, tokens);
        return score >= MinJaccard ? new OfflineSkillMatch(skill, example.Arguments.GetRawText(), score, false, example.Question) : null;
    }

    /// <summary>Trimmed, without end punctuation (?？!！。.), so "北京今天天气怎么样？" matches "北京今天天气怎么样".</summary>
    private static string Normalize(string? text) => (text ?? "").Trim().TrimEnd('?', '？', '!', '！', '。', '.', '~', '～').Trim();
}
