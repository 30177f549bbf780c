namespace StarStudio.Core.Growth;

/// <summary>
/// Paraphrased probe questions for the consistency dimension (docs/magnitude.md). The rule is deterministic, so two
/// evaluations of the same material ask the same pairs: strip the question mark, swap the first listed word that
/// occurs for its synonym, toggle a polite prefix (请问/能否 removed when present, 请问 added when absent), end with ？.
/// </summary>
public static class MagnitudeProbes
{
    /// <summary>Pairs asked per on-demand evaluation: each is two answers from the model, so this bounds its cost.</summary>
    public const int MaxPairs = 4;

    /// <summary>Longest question used as a probe (longer rated prompts are skipped: they are rarely paraphrasable).</summary>
    public const int MaxQuestionLength = 120;

    // Word ↔ synonym, tried in order; the first that occurs is swapped (once) and the search stops.
    private static readonly (string A, string B)[] Synonyms =
    [
        ("怎么样", "如何"), ("怎么", "怎样"), ("为什么", "为何"), ("介绍", "讲讲"), ("认为", "觉得"), ("看法", "观点"),
        ("可以", "能够"), ("哪些", "什么"), ("建议", "推荐"), ("区别", "不同"), ("重要", "关键"), ("方法", "办法"),
        ("what is", "what's"), ("how do", "how can"), ("why", "for what reason"), ("explain", "describe"),
    ];

    private static readonly string[] Prefixes = ["请问", "能否"];

    /// <summary>The paraphrase of <paramref name="question"/> under the rule above.</summary>
    public static string Paraphrase(string question)
    {
        var q = (question ?? "").Trim().TrimEnd('?', '？', '。', '.', '!', '！').Trim();
        foreach (var (a, b) in Synonyms)
        {
            var at = q.IndexOf(a, StringComparison.OrdinalIgnoreCase);
            var (from, to) = (a, b);
            if (at < 0)
            {
                at = q.IndexOf(b, StringComparison.OrdinalIgnoreCase);
                (from, to) = (b, a);
            }

            if (at >= 0)
            {
                q = string.Concat(q.AsSpan(0, at), to, q.AsSpan(at + from.Length));
                break;
            }
        }

        var prefix = Prefixes.FirstOrDefault(p => q.StartsWith(p, StringComparison.Ordinal));
        q = prefix is null ? "请问" + q : q[prefix.Length..].TrimStart('，', ',', ' ');
        return q + "？";
    }

    /// <summary>
    /// The probe questions of a star: its rated players' questions first (distinct, short enough, newest first as given),
    /// then questions about its domain so a star nobody rated is still probed; at most <see cref="MaxPairs"/>.
    /// </summary>
    public static IReadOnlyList<(string Question, string Paraphrase)> Pairs(IEnumerable<string> ratedQuestions, string domain)
    {
        ArgumentNullException.ThrowIfNull(ratedQuestions);
        var topic = string.IsNullOrWhiteSpace(domain) ? "你的专长" : domain.Trim();
        var questions = ratedQuestions
            .Select(q => (q ?? "").Trim())
            .Where(q => q.Length is > 1 and <= MaxQuestionLength)
            .Concat([$"你怎么看{topic}的发展？", $"{topic}中最重要的方法是什么？", $"为什么{topic}值得学习？", "可以介绍一下你自己吗？"])
            .Distinct(StringComparer.Ordinal)
            .Take(MaxPairs);
        return questions.Select(q => (q, Paraphrase(q))).ToList();
    }
}
