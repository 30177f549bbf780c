namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>
/// One thing a question asks about: a word of the question (or a phrase or compound the dictionaries know whole) and every
/// way a passage may say it — the word itself, its other forms, its synonyms, its translations — each with the weight a
/// match of it counts (<see cref="QueryTerm.Weight"/>; the question's own word counts 1). An alternative is a list of index
/// tokens that must all occur in the passage (a Chinese word's bigrams, a phrase's words), as the full-text search ANDs them.
/// </summary>
/// <param name="Name">Whether one of its terms is a name's other spelling (<see cref="QueryTerm.Name"/>): only a name's match is lent to the other passages of its document.</param>
public sealed record QueryConcept(string Key, IReadOnlyList<(string[] Tokens, double Weight)> Alternatives, bool Name = false);

/// <summary>
/// Coverage scoring (docs/knowledge.md, "Fusion"): how much of what the question asks about a passage says, in either
/// language. Each concept counts its inverse document frequency among the candidate passages (a word every candidate has —
/// "tea" when four tea documents are candidates — tells them apart by nothing; the one word only the right passage has
/// tells it most), times the weight of the best alternative the passage has; the sum is divided by the sum over the
/// concepts that any candidate has, so a score is a fraction in [0, 1] that means the same in both languages — a Chinese
/// passage that has the translations of most of an English question's words outscores an English one that shares only its
/// common words. Pure: the retriever and the evaluation both call it.
/// </summary>
public static class CoverageScoring
{
    /// <summary>The concepts of a question: its own terms, each with the expansions made from it; expansions of a phrase or compound that is no own term form a concept of their own.</summary>
    public static List<QueryConcept> Concepts(QueryAnalysis analysis, double translationWeight, double synonymWeight, double inflectionWeight)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var byKey = new Dictionary<string, List<(string[] Tokens, double Weight)>>(StringComparer.Ordinal);
        var order = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(string key, string text, double weight)
        {
            var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0 || weight <= 0)
            {
                return;
            }

            if (!byKey.TryGetValue(key, out var list))
            {
                list = [];
                byKey[key] = list;
                order.Add(key);
            }

            list.Add((tokens, weight));
        }

        foreach (var t in analysis.Terms.Where(t => !t.IsExpansion))
        {
            Add(t.Text, t.Text, 1.0);
            if (t.Name)
            {
                names.Add(t.Text);
            }
        }

        foreach (var t in analysis.Terms.Where(t => t.IsExpansion))
        {
            var key = t.From is { Length: > 0 } from ? SearchText.For(from) : t.Text;
            var weight = t.Origin switch
            {
                TermOrigin.Translation => translationWeight,
                TermOrigin.Synonym => synonymWeight,
                _ => inflectionWeight,
            };
            Add(key.Length > 0 ? key : t.Text, t.Text, weight);
            if (t.Name)
            {
                names.Add(key.Length > 0 ? key : t.Text);
            }
        }

        return [.. order.Select(k => new QueryConcept(k, byKey[k], names.Contains(k)))];
    }

    /// <summary>
    /// Whether some passage of <paramref name="tokens"/> has a name concept (<see cref="QueryConcept.Name"/>) written in
    /// Chinese: in the pinyin bridge's syllables of a romanised name ("yunlan" → yunlan0: another spelling than the
    /// question's own, so the passage writes the name in characters), or in the Chinese characters the question quotes
    /// ("Star Harbour Guild (星港商会)"). For a question that is not Chinese, that says it is about a Chinese document.
    /// </summary>
    public static bool NameWrittenInChinese(IReadOnlyList<QueryConcept> concepts, IReadOnlyDictionary<Guid, HashSet<string>> tokens)
    {
        ArgumentNullException.ThrowIfNull(concepts);
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var concept in concepts.Where(c => c.Name))
        {
            foreach (var (alternative, _) in concept.Alternatives)
            {
                var chinese = string.Join(' ', alternative) != concept.Key
                    || alternative.All(SearchText.IsAllCjk);
                if (chinese && tokens.Values.Any(set => alternative.All(set.Contains)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Every token any alternative of <paramref name="concepts"/> needs (what a passage must be checked for).</summary>
    public static HashSet<string> TokensOf(IReadOnlyList<QueryConcept> concepts) =>
        new(concepts.SelectMany(c => c.Alternatives).SelectMany(a => a.Tokens), StringComparer.Ordinal);

    /// <summary>
    /// Each passage's coverage of <paramref name="concepts"/>: <c>Σ idf(c) · best weight of c in the passage ÷ Σ idf(c)</c>
    /// over the concepts some passage has, with <c>idf(c) = ln(1 + (N − df + 0.5) / (df + 0.5))</c> among the
    /// <c>N</c> passages given. <paramref name="tokens"/>: each passage's index tokens (<see cref="SearchText.Tokens"/>), or
    /// only those of them that are in <see cref="TokensOf"/>.
    /// </summary>
    /// <param name="documents">Each passage's document (task), for <paramref name="documentWeight"/>; null: none.</param>
    /// <param name="documentWeight">
    /// What a name concept (<see cref="QueryConcept.Name"/>) counts in a passage that does not say it, times the best match
    /// of it in another passage of the same document among those given (0: nothing). The document frequency (IDF) counts
    /// only the passages that say it.
    /// </param>
    public static Dictionary<Guid, double> Score(
        IReadOnlyList<QueryConcept> concepts, IReadOnlyDictionary<Guid, HashSet<string>> tokens,
        IReadOnlyDictionary<Guid, Guid>? documents = null, double documentWeight = 0)
    {
        ArgumentNullException.ThrowIfNull(concepts);
        ArgumentNullException.ThrowIfNull(tokens);
        var best = new Dictionary<Guid, double[]>(tokens.Count);
        var df = new int[concepts.Count];
        foreach (var (id, set) in tokens)
        {
            var row = new double[concepts.Count];
            for (var c = 0; c < concepts.Count; c++)
            {
                foreach (var (alt, weight) in concepts[c].Alternatives)
                {
                    if (weight > row[c] && alt.All(set.Contains))
                    {
                        row[c] = weight;
                    }
                }

                if (row[c] > 0)
                {
                    df[c]++;
                }
            }

            best[id] = row;
        }

        var n = tokens.Count;
        var idf = new double[concepts.Count];
        var total = 0.0;
        for (var c = 0; c < concepts.Count; c++)
        {
            if (df[c] > 0)
            {
                idf[c] = Math.Log(1 + (n - df[c] + 0.5) / (df[c] + 0.5));
                total += idf[c];
            }
        }

        // The best match of each concept in each document, when passages borrow from their document.
        Dictionary<Guid, double[]>? byDocument = null;
        if (documents is not null && documentWeight > 0)
        {
            byDocument = [];
            foreach (var (id, row) in best)
            {
                if (!documents.TryGetValue(id, out var doc))
                {
                    continue;
                }

                if (!byDocument.TryGetValue(doc, out var docRow))
                {
                    byDocument[doc] = docRow = new double[concepts.Count];
                }

                for (var c = 0; c < row.Length; c++)
                {
                    docRow[c] = Math.Max(docRow[c], row[c]);
                }
            }
        }

        var scores = new Dictionary<Guid, double>(best.Count);
        foreach (var (id, row) in best)
        {
            double[]? docRow = null;
            if (byDocument is not null && documents!.TryGetValue(id, out var doc))
            {
                byDocument.TryGetValue(doc, out docRow);
            }

            var sum = 0.0;
            for (var c = 0; c < row.Length; c++)
            {
                sum += idf[c] * (docRow is null || !concepts[c].Name ? row[c] : Math.Max(row[c], documentWeight * docRow[c]));
            }

            scores[id] = total > 0 ? sum / total : 0;
        }

        return scores;
    }
}
