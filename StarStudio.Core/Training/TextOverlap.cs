using System.Text;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Training;

/// <summary>
/// Lexical measures shared by training evaluation and magnitude (docs/training.md, docs/magnitude.md): how much of an
/// answer is copied from the passages it was given (word 5-grams; a CJK character counts as a word), and how similar two
/// answers are (F1 over the full-text tokens: words, and CJK character bigrams). Lexical on purpose: they run for every
/// answer and every star without a model, and they are explainable in a report.
/// </summary>
public static class TextOverlap
{
    /// <summary>The n of the copy measure.</summary>
    public const int CopyGram = 5;

    /// <summary>
    /// The share (0–1) of the answer's word <paramref name="n"/>-grams that occur in any of the passages; null when the
    /// answer has fewer than <paramref name="n"/> words or no passage was given (nothing to be copied from).
    /// </summary>
    public static double? CopiedShare(string? answer, IEnumerable<string?> passages, int n = CopyGram)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var answerGrams = Grams(Units(answer), n);
        if (answerGrams.Count == 0)
        {
            return null;
        }

        var source = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var passage in passages)
        {
            if (string.IsNullOrWhiteSpace(passage))
            {
                continue;
            }

            any = true;
            source.UnionWith(Grams(Units(passage), n));
        }

        if (!any)
        {
            return null;
        }

        var copied = answerGrams.Count(source.Contains);
        return (double)copied / answerGrams.Count;
    }

    /// <summary>
    /// Token F1 (0–1) between two texts over <see cref="SearchText.Tokens"/> counted with repeats: 1 for the same words,
    /// 0 for nothing in common; 1 when both are empty.
    /// </summary>
    public static double Similarity(string? a, string? b)
    {
        var left = Counts(SearchText.Tokens(a));
        var right = Counts(SearchText.Tokens(b));
        var leftTotal = left.Values.Sum();
        var rightTotal = right.Values.Sum();
        if (leftTotal == 0 && rightTotal == 0)
        {
            return 1;
        }

        if (leftTotal == 0 || rightTotal == 0)
        {
            return 0;
        }

        var common = 0;
        foreach (var (token, count) in left)
        {
            if (right.TryGetValue(token, out var other))
            {
                common += Math.Min(count, other);
            }
        }

        if (common == 0)
        {
            return 0;
        }

        var precision = (double)common / leftTotal;
        var recall = (double)common / rightTotal;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>The words of a text for the copy measure: lowercased runs of letters and digits, and each CJK character alone.</summary>
    public static List<string> Units(string? text)
    {
        var units = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return units;
        }

        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune.Value))
            {
                Flush();
                units.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return units;

        void Flush()
        {
            if (word.Length > 0)
            {
                units.Add(word.ToString());
                word.Clear();
            }
        }
    }

    private static HashSet<string> Grams(List<string> units, int n)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        var array = units.ToArray();
        for (var i = 0; i + n <= array.Length; i++)
        {
            grams.Add(string.Join('\u0001', array, i, n));
        }

        return grams;
    }

    private static Dictionary<string, int> Counts(IEnumerable<string> tokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in tokens)
        {
            counts[t] = counts.GetValueOrDefault(t) + 1;
        }

        return counts;
    }

    private static bool IsCjk(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0xF900 and <= 0xFAFF
            or >= 0x3040 and <= 0x30FF or >= 0xAC00 and <= 0xD7AF;
}
