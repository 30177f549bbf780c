namespace StarStudio.TestSupport.Eval;

/// <summary>A slice of the questions: one kind (or <c>all</c>) in one question language (or <c>all</c>).</summary>
public sealed record EvalGroup(string Kind, string Lang, EvalMetrics Metrics);

/// <summary>Metrics by kind × question language, and the comparison of a fused mode with its single lists.</summary>
public static class EvalGroups
{
    public const string All = "all";

    /// <summary>All questions; each language; each kind; each kind in each language — in that order, empty slices left out.</summary>
    public static IReadOnlyList<EvalGroup> Of(IReadOnlyList<QuestionOutcome> outcomes)
    {
        var groups = new List<EvalGroup> { new(All, All, EvalMetrics.Of(outcomes)) };
        foreach (var lang in EvalSet.Languages)
        {
            Add(All, lang);
        }

        foreach (var kind in EvalSet.Kinds)
        {
            Add(kind, All);
            foreach (var lang in EvalSet.Languages)
            {
                Add(kind, lang);
            }
        }

        return groups;

        void Add(string kind, string lang)
        {
            var slice = outcomes.Where(o => (kind == All || o.Question.Kind == kind) && (lang == All || o.Question.Lang == lang)).ToList();
            if (slice.Count > 0)
            {
                groups.Add(new EvalGroup(kind, lang, EvalMetrics.Of(slice)));
            }
        }
    }

    /// <summary>
    /// The smallest, over every kind × language slice, of the fused mode's recall@5 minus the best recall@5 of the
    /// single lists on that slice (negative: the fusion lost to one of its own halves there), with the slice it occurred on.
    /// </summary>
    public static (double Lead, string Kind, string Lang) MinLeadOverBestSingle(IReadOnlyList<QuestionOutcome> fused, IReadOnlyList<IReadOnlyList<QuestionOutcome>> singles)
    {
        if (singles.Count == 0)
        {
            throw new ArgumentException("At least one single list is needed.", nameof(singles));
        }

        var worst = (Lead: double.PositiveInfinity, Kind: "", Lang: "");
        foreach (var group in Of(fused).Where(g => g.Kind != All && g.Lang != All))
        {
            var best = singles.Max(s => Recall5(s, group.Kind, group.Lang));
            var lead = group.Metrics.RecallAt5 - best;
            if (lead < worst.Lead)
            {
                worst = (lead, group.Kind, group.Lang);
            }
        }

        return worst;
    }

    private static double Recall5(IReadOnlyList<QuestionOutcome> outcomes, string kind, string lang) =>
        EvalMetrics.Of(outcomes.Where(o => o.Question.Kind == kind && o.Question.Lang == lang)).RecallAt5;
}
