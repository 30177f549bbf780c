using System.Globalization;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Training;

/// <summary>
/// The built-in trainer's training step (docs/training.md): no weights change. It derives explainable rules from the
/// dataset (answer length and language of the good answers, whether they cite sources, what the DPO-rejected answers did
/// that the chosen ones did not, the star's tone) and picks the training pairs that best cover the held-out questions as
/// few-shot exemplars (greedy coverage by <see cref="TextOverlap.Similarity"/> of questions).
/// </summary>
public static partial class PromptAdapterBuilder
{
    /// <summary>Most training pairs considered as exemplars (the coverage search is candidates × targets).</summary>
    public const int MaxCandidates = 2000;

    /// <summary>Most held-out questions the coverage aims at.</summary>
    public const int MaxTargets = 300;

    /// <summary>The adapter and the rules it was built from, one line each (written to the job's log).</summary>
    public sealed record Built(PromptAdapter Adapter, IReadOnlyList<string> Rules, double Coverage);

    public static Built Build(TrainingData data, string? tone)
    {
        ArgumentNullException.ThrowIfNull(data);
        var good = data.SftTrain.Select(e => e.Answer)
            .Concat(data.DpoTrain.Select(e => e.Chosen))
            .Concat(data.QaTrain.Select(e => e.Answer))
            .Where(a => !string.IsNullOrWhiteSpace(a))
            .ToList();
        var rules = new List<string>();
        if (good.Count > 0)
        {
            var median = Median(good.Select(a => a.Trim().Length));
            rules.Add(string.Create(CultureInfo.InvariantCulture, $"回答长度约 {median} 字左右（训练集中好回答长度的中位数）。"));
            var cjk = good.Average(CjkShare);
            rules.Add(cjk >= 0.3 ? "用中文回答。" : "Answer in English.");
            var citing = good.Count(Cites) / (double)good.Count;
            if (citing >= 0.5)
            {
                rules.Add(string.Create(CultureInfo.InvariantCulture, $"引用资料时标注来源（{citing:P0} 的好回答这样做）。"));
            }
        }

        if (data.DpoTrain.Count > 0)
        {
            var pairs = data.DpoTrain.Count;
            var shorter = data.DpoTrain.Count(p => p.Chosen.Trim().Length < p.Rejected.Trim().Length) / (double)pairs;
            var longer = data.DpoTrain.Count(p => p.Chosen.Trim().Length > p.Rejected.Trim().Length) / (double)pairs;
            if (shorter >= 0.6)
            {
                rules.Add(string.Create(CultureInfo.InvariantCulture, $"宁短勿长：被否决的回答更冗长（{shorter:P0} 的对比中偏好较短的回答）。"));
            }
            else if (longer >= 0.6)
            {
                rules.Add(string.Create(CultureInfo.InvariantCulture, $"回答要充分展开：被否决的回答过于简短（{longer:P0} 的对比中偏好较长的回答）。"));
            }

            var citedOnlyChosen = data.DpoTrain.Count(p => Cites(p.Chosen) && !Cites(p.Rejected)) / (double)pairs;
            if (citedOnlyChosen >= 0.5)
            {
                rules.Add(string.Create(CultureInfo.InvariantCulture, $"给出依据：被否决的回答没有引用来源（{citedOnlyChosen:P0} 的对比）。"));
            }
        }

        if (!string.IsNullOrWhiteSpace(tone))
        {
            rules.Add($"保持语气：{tone.Trim()}。");
        }

        var candidates = data.SftTrain.Select(e => new PromptExemplar(e.Question, e.Answer))
            .Concat(data.QaTrain.Select(e => new PromptExemplar(e.Question, e.Answer)))
            .Where(e => !string.IsNullOrWhiteSpace(e.Question) && !string.IsNullOrWhiteSpace(e.Answer))
            .Take(MaxCandidates)
            .ToList();
        var targets = HeldOut(data).Select(h => h.Question).Take(MaxTargets).ToList();
        if (targets.Count == 0)
        {
            // No held-out split: cover the training questions themselves.
            targets = candidates.Select(c => c.Question).Take(MaxTargets).ToList();
        }

        var (exemplars, coverage) = Cover(candidates, targets, PromptAdapter.MaxExemplars);
        var instructions = string.Join("\n", rules);
        var adapter = PromptAdapter.Parse(new PromptAdapter(instructions, exemplars).ToJson())!;
        return new Built(adapter, rules, coverage);
    }

    /// <summary>The held-out questions with the answer the star should give: SFT and Q&amp;A answers, DPO chosen answers.</summary>
    public static IReadOnlyList<(string Question, string Expected)> HeldOut(TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.SftHoldout.Select(e => (e.Question, e.Answer))
            .Concat(data.DpoHoldout.Select(e => (e.Prompt, e.Chosen)))
            .Concat(data.QaHoldout.Select(e => (e.Question, e.Answer)))
            .Where(h => !string.IsNullOrWhiteSpace(h.Item1))
            .ToList();
    }

    /// <summary>
    /// Greedy maximum coverage: each step takes the candidate that raises Σ over targets of the best question similarity
    /// so far the most; stops at <paramref name="max"/> or when no candidate adds anything. Returns the mean coverage (0–1).
    /// </summary>
    public static (IReadOnlyList<PromptExemplar> Chosen, double Coverage) Cover(IReadOnlyList<PromptExemplar> candidates, IReadOnlyList<string> targets, int max)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(targets);
        if (candidates.Count == 0 || targets.Count == 0 || max <= 0)
        {
            return ([], 0);
        }

        // Each text is tokenized once (TextOverlap.Similarity would tokenize both sides for each of the c × t pairs).
        var candidateTokens = candidates.Select(c => Bag(c.Question)).ToList();
        var targetTokens = targets.Select(Bag).ToList();
        var sim = new double[candidates.Count, targets.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            for (var t = 0; t < targets.Count; t++)
            {
                sim[c, t] = F1(candidateTokens[c], targetTokens[t]);
            }
        }

        var covered = new double[targets.Count];
        var taken = new bool[candidates.Count];
        var chosen = new List<PromptExemplar>();
        while (chosen.Count < max)
        {
            var best = -1;
            var bestGain = 1e-9;
            for (var c = 0; c < candidates.Count; c++)
            {
                if (taken[c])
                {
                    continue;
                }

                var gain = 0.0;
                for (var t = 0; t < targets.Count; t++)
                {
                    gain += Math.Max(0, sim[c, t] - covered[t]);
                }

                if (gain > bestGain)
                {
                    bestGain = gain;
                    best = c;
                }
            }

            if (best < 0)
            {
                break;
            }

            taken[best] = true;
            chosen.Add(candidates[best]);
            for (var t = 0; t < targets.Count; t++)
            {
                covered[t] = Math.Max(covered[t], sim[best, t]);
            }
        }

        return (chosen, covered.Average());
    }

    private static (Dictionary<string, int> Counts, int Total) Bag(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var token in Knowledge.Retrieval.SearchText.Tokens(text))
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
            total++;
        }

        return (counts, total);
    }

    /// <summary>The same token F1 as <see cref="TextOverlap.Similarity"/>, over bags counted once.</summary>
    private static double F1((Dictionary<string, int> Counts, int Total) a, (Dictionary<string, int> Counts, int Total) b)
    {
        if (a.Total == 0 && b.Total == 0)
        {
            return 1;
        }

        if (a.Total == 0 || b.Total == 0)
        {
            return 0;
        }

        var (small, large) = a.Counts.Count <= b.Counts.Count ? (a.Counts, b.Counts) : (b.Counts, a.Counts);
        var common = 0;
        foreach (var (token, count) in small)
        {
            if (large.TryGetValue(token, out var other))
            {
                common += Math.Min(count, other);
            }
        }

        if (common == 0)
        {
            return 0;
        }

        var precision = (double)common / a.Total;
        var recall = (double)common / b.Total;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>True when an answer cites a source: a bracketed number like <c>[1]</c>, or 来源/出处/source.</summary>
    public static bool Cites(string? answer) =>
        !string.IsNullOrEmpty(answer) && (CitationMarker().IsMatch(answer) || answer.Contains("来源", StringComparison.Ordinal)
            || answer.Contains("出处", StringComparison.Ordinal) || answer.Contains("source", StringComparison.OrdinalIgnoreCase));

    private static double CjkShare(string text)
    {
        var letters = 0;
        var cjk = 0;
        foreach (var c in text)
        {
            if (c is >= '\u4E00' and <= '\u9FFF')
            {
                cjk++;
                letters++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return letters == 0 ? 0 : (double)cjk / letters;
    }

    private static int Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    [GeneratedRegex(@"\[\d{1,3}\]")]
    private static partial Regex CitationMarker();
}

/// <summary>One held-out question answered by the base and by the new version at evaluation time (stored in <c>evaluation.json</c>).</summary>
public sealed record EvaluationItem(string Question, string Expected, string BaseAnswer, int BaseCitations, string NewAnswer, int NewCitations);

/// <summary>What the evaluate phase stores in the version folder: which version was the base, and every answer of both.</summary>
public sealed record EvaluationRecord(Guid? BaseVersionId, string? BaseVersionName, IReadOnlyList<EvaluationItem> Items);

/// <summary>The built-in evaluation's metrics (docs/training.md), computed from the answers of both versions.</summary>
public static class EvaluationMetrics
{
    /// <summary>Most held-out questions evaluated (each is answered twice by the chat engine).</summary>
    public const int MaxQuestions = 40;

    /// <summary>
    /// <c>{base,new}.similarity</c> (mean <see cref="TextOverlap.Similarity"/> to the expected answer),
    /// <c>{base,new}.grounding_rate</c> (share of answers with ≥ 1 citation), <c>{base,new}.refusal_rate</c> (share that
    /// <see cref="TrainingRules.IsRefusal"/>), and <c>heldout_count</c>. Empty input gives only the count (0).
    /// </summary>
    public static IReadOnlyDictionary<string, double> Compute(IReadOnlyList<EvaluationItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var m = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["heldout_count"] = items.Count };
        if (items.Count == 0)
        {
            return m;
        }

        m["base.similarity"] = Round(items.Average(i => TextOverlap.Similarity(i.BaseAnswer, i.Expected)));
        m["new.similarity"] = Round(items.Average(i => TextOverlap.Similarity(i.NewAnswer, i.Expected)));
        m["base.grounding_rate"] = Round(items.Count(i => i.BaseCitations > 0) / (double)items.Count);
        m["new.grounding_rate"] = Round(items.Count(i => i.NewCitations > 0) / (double)items.Count);
        m["base.refusal_rate"] = Round(items.Count(i => TrainingRules.IsRefusal(i.BaseAnswer)) / (double)items.Count);
        m["new.refusal_rate"] = Round(items.Count(i => TrainingRules.IsRefusal(i.NewAnswer)) / (double)items.Count);
        return m;
    }

    private static double Round(double v) => Math.Round(v, 4);
}
