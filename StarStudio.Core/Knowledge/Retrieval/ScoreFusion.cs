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

        return byId
            .OrderByDescending(p => p.Value.Score)
            .ThenBy(p => p.Value.BestRank)
            .ThenBy(p => p.Key)
            .Take(topK)
            .Select(p => new FusedHit(p.Key, p.Value.Score, p.Value.Vector, p.Value.Text, p.Value.Expansion, p.Value.Semantic)
            {
                TranslationRank = p.Value.Translation,
            })
            .ToList();
    }

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
