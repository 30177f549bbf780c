namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>A row of one ranked list and its score in that list (higher is better).</summary>
public readonly record struct RankedHit(Guid Id, double Score);

/// <summary>
/// One ranked list of a search (best first) and its weight in the fusion. <see cref="Absolute"/>: its scores already
/// mean the same thing from one question to the next (a sentence model's cosine similarity), so relative score fusion
/// takes them as they are (clamped to [0, 1]) instead of scaling the list's best to 1 — a list with nothing close then
/// contributes little.
/// </summary>
public sealed record RankedList(RetrievalLists Kind, IReadOnlyList<RankedHit> Hits, double Weight = 1.0, bool Absolute = false);

/// <summary>A fused row: its fused score and its 1-based rank in each list that has it.</summary>
public sealed record FusedHit(Guid Id, double Score, int? VectorRank, int? TextRank, int? ExpansionRank, int? SemanticRank)
{
    public int? TranslationRank { get; init; }

    public int? RankIn(RetrievalLists kind) => kind switch
    {
        RetrievalLists.Vector => VectorRank,
        RetrievalLists.Text => TextRank,
        RetrievalLists.Expansion => ExpansionRank,
        RetrievalLists.Semantic => SemanticRank,
        RetrievalLists.Translation => TranslationRank,
        _ => null,
    };
}

/// <summary>How ranked lists are combined.</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion: <c>Σ wᵢ / (k + rankᵢ)</c>. Blind to how far apart the scores are.</summary>
    ReciprocalRank,

    /// <summary>
    /// Relative score fusion: each list's scores scaled to [0, 1] by the list's own best score
    /// (<c>score / max</c>), then <c>Σ wᵢ · scaledᵢ</c>. A list's strong hits stay strong even when the other list
    /// misses them; a list with nothing close contributes little.
    /// </summary>
    RelativeScore,

    /// <summary>
    /// Coverage fusion (<see cref="ScoreFusion.FuseByCoverage"/>): a passage's <see cref="CoverageScoring"/> share of
    /// what the question asks about, in either language, plus the semantic list's similarity above a threshold, the
    /// vector list's scaled score, and the best scaled full-text rank as a tie-break. Chosen on the evaluation set
    /// (docs/knowledge.md, "Fusion").
    /// </summary>
    Coverage,
}

/// <summary>Fuses ranked lists into one ranking (pure; the retriever and the evaluation both call it).</summary>
public static class ScoreFusion
{
    /// <summary>
    /// The best <paramref name="topK"/> rows of <paramref name="lists"/> fused by <paramref name="method"/>; ties go to
    /// the row ranked better in any list, then to the smaller id, so the order is stable. A row repeated within one
    /// list counts at its first (best) place.
    /// </summary>
    public static List<FusedHit> Fuse(IReadOnlyList<RankedList> lists, int topK, FusionMethod method, int rrfK = 60)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var byId = new Dictionary<Guid, Accumulator>();
        foreach (var list in lists)
        {
            if (list.Hits.Count == 0 || list.Weight <= 0)
            {
                continue;
            }

            var max = 0.0;
            foreach (var hit in list.Hits)
            {
                max = Math.Max(max, hit.Score);
            }

            for (var i = 0; i < list.Hits.Count; i++)
            {
                var hit = list.Hits[i];
                if (!byId.TryGetValue(hit.Id, out var acc))
                {
                    acc = new Accumulator();
                    byId[hit.Id] = acc;
                }

                if (acc.RankIn(list.Kind) is not null)
                {
                    continue;
                }

                acc.SetRank(list.Kind, i + 1);
                acc.BestRank = Math.Min(acc.BestRank, i + 1);
                acc.Score += method switch
                {
                    FusionMethod.ReciprocalRank => list.Weight / (rrfK + i + 1),
                    _ when list.Absolute => list.Weight * Math.Clamp(hit.Score, 0, 1),
                    _ => list.Weight * (max > 0 ? Math.Max(hit.Score, 0) / max : 0),
                };
            }
        }

        return Ranked(byId, topK);
    }

    /// <summary>
    /// Coverage fusion: each candidate of <paramref name="lists"/> scores its <paramref name="coverage"/> (0 when absent),
    /// plus, per list: vector (and any other list not named below) <c>weight · score / best</c>; semantic
    /// <c>weight · max(0, (cosine − threshold) / (1 − threshold))</c>, so a similarity every passage has says nothing
    /// and a Chinese passage (which has no semantic vector) is not outscored by an English one for being English; the
    /// full-text lists (text, expansion, translation) only the best of their <c>weight · score / best</c>, a tie-break
    /// among passages of equal coverage by term frequency and length. Ties as in <see cref="Fuse"/>.
    /// </summary>
    public static List<FusedHit> FuseByCoverage(
        IReadOnlyList<RankedList> lists, IReadOnlyDictionary<Guid, double> coverage, int topK, double semanticThreshold)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(coverage);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var byId = new Dictionary<Guid, Accumulator>();
        var lexical = new Dictionary<Guid, double>();
        foreach (var list in lists)
        {
            if (list.Hits.Count == 0)
            {
                continue;
            }

            var max = list.Hits.Max(h => h.Score);
            var fullText = list.Kind is RetrievalLists.Text or RetrievalLists.Expansion or RetrievalLists.Translation;
            for (var i = 0; i < list.Hits.Count; i++)
            {
                var hit = list.Hits[i];
                if (!byId.TryGetValue(hit.Id, out var acc))
                {
                    acc = new Accumulator { Score = coverage.GetValueOrDefault(hit.Id) };
                    byId[hit.Id] = acc;
                }

                if (acc.RankIn(list.Kind) is not null)
                {
                    continue;
                }

                acc.SetRank(list.Kind, i + 1);
                acc.BestRank = Math.Min(acc.BestRank, i + 1);
                if (list.Weight <= 0)
                {
                    continue;
                }

                var scaled = max > 0 ? Math.Max(hit.Score, 0) / max : 0;
                if (fullText)
                {
                    lexical[hit.Id] = Math.Max(lexical.GetValueOrDefault(hit.Id), list.Weight * scaled);
                }
                else if (list.Kind == RetrievalLists.Semantic)
                {
                    acc.Score += list.Weight * Math.Max(0, (Math.Min(hit.Score, 1) - semanticThreshold) / (1 - semanticThreshold));
                }
                else
                {
                    acc.Score += list.Weight * scaled;
                }
            }
        }

        foreach (var (id, value) in lexical)
        {
            byId[id].Score += value;
        }

        return Ranked(byId, topK);
    }

    /// <summary>The best <paramref name="topK"/> by score, ties by the best rank in any list, then by id (deterministic).</summary>
    private static List<FusedHit> Ranked(Dictionary<Guid, Accumulator> byId, int topK) => byId
        .OrderByDescending(p => p.Value.Score)
        .ThenBy(p => p.Value.BestRank)
        .ThenBy(p => p.Key)
        .Take(topK)
        .Select(p => new FusedHit(p.Key, p.Value.Score, p.Value.Vector, p.Value.Text, p.Value.Expansion, p.Value.Semantic)
        {
            TranslationRank = p.Value.Translation,
        })
        .ToList();

    private sealed class Accumulator
    {
        public double Score;
        public int BestRank = int.MaxValue;
        public int? Vector, Text, Expansion, Semantic, Translation;

        public int? RankIn(RetrievalLists kind) => kind switch
        {
            RetrievalLists.Vector => Vector,
            RetrievalLists.Text => Text,
            RetrievalLists.Expansion => Expansion,
            RetrievalLists.Semantic => Semantic,
            RetrievalLists.Translation => Translation,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A list is one kind."),
        };

        public void SetRank(RetrievalLists kind, int rank)
        {
            switch (kind)
            {
                case RetrievalLists.Vector: Vector = rank; break;
                case RetrievalLists.Text: Text = rank; break;
                case RetrievalLists.Expansion: Expansion = rank; break;
                case RetrievalLists.Semantic: Semantic = rank; break;
                case RetrievalLists.Translation: Translation = rank; break;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "A list is one kind.");
            }
        }
    }
}
