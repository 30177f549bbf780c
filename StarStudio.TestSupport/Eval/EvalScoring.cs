using System.Text;

namespace StarStudio.TestSupport.Eval;

/// <summary>A retrieved passage as the evaluation sees it: which document it came from and its text.</summary>
public sealed record EvalPassage(string? Doc, string Text);

/// <summary>Where each gold span of a question was first found among its ranked passages (1-based; null: not found).</summary>
public sealed record QuestionOutcome(EvalQuestion Question, IReadOnlyList<int?> GoldRanks)
{
    /// <summary>The fraction of gold spans found within the first <paramref name="k"/> passages.</summary>
    public double RecallAt(int k) => GoldRanks.Count == 0 ? 0 : GoldRanks.Count(r => r <= k) / (double)GoldRanks.Count;

    /// <summary>1 / the rank of the first passage that hits any gold span; 0 when none does.</summary>
    public double ReciprocalRank => GoldRanks.Min() is { } first ? 1.0 / first : 0;

    /// <summary>Every gold span found within the first <paramref name="k"/> passages (for a one-span question: the span was found).</summary>
    public bool FoundAt(int k) => GoldRanks.Count > 0 && GoldRanks.All(r => r <= k);
}

/// <summary>Recall@1/5/10 (the mean fraction of gold spans found), MRR, and how many questions were fully found at 5.</summary>
public sealed record EvalMetrics(int Questions, double RecallAt1, double RecallAt5, double RecallAt10, double Mrr, int FoundAt5)
{
    public static EvalMetrics Of(IEnumerable<QuestionOutcome> outcomes)
    {
        var list = outcomes.ToList();
        if (list.Count == 0)
        {
            return new EvalMetrics(0, 0, 0, 0, 0, 0);
        }

        return new EvalMetrics(
            list.Count,
            list.Average(o => o.RecallAt(1)),
            list.Average(o => o.RecallAt(5)),
            list.Average(o => o.RecallAt(10)),
            list.Average(o => o.ReciprocalRank),
            list.Count(o => o.FoundAt(5)));
    }
}

/// <summary>
/// Whether a passage hits a gold span: same document, and the passage text contains the span with whitespace runs
/// collapsed — or, where a chunk boundary cuts the span, the passage ends with the span's first half or more, or
/// begins with its last half or more (the text form of "the passage covers ≥ 50 % of the span").
/// </summary>
public static class EvalScoring
{
    public static QuestionOutcome Score(EvalQuestion question, IReadOnlyList<EvalPassage> ranked)
    {
        var ranks = new int?[question.Gold.Count];
        for (var g = 0; g < question.Gold.Count; g++)
        {
            for (var r = 0; r < ranked.Count; r++)
            {
                if (Hits(question.Gold[g], ranked[r]))
                {
                    ranks[g] = r + 1;
                    break;
                }
            }
        }

        return new QuestionOutcome(question, ranks);
    }

    public static bool Hits(EvalGold gold, EvalPassage passage)
    {
        if (!string.Equals(gold.Doc, passage.Doc, StringComparison.Ordinal))
        {
            return false;
        }

        var text = Normalize(passage.Text);
        var span = Normalize(gold.Span);
        if (span.Length == 0)
        {
            return false;
        }

        if (text.Contains(span, StringComparison.Ordinal))
        {
            return true;
        }

        // A span cut by a chunk boundary: the longest head of the span this passage ends with, or tail it starts with.
        var half = (span.Length + 1) / 2;
        for (var n = span.Length - 1; n >= half; n--)
        {
            if (text.EndsWith(span[..n], StringComparison.Ordinal) || text.StartsWith(span[^n..], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whitespace runs become one space; leading and trailing whitespace goes.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
