namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>
/// <c>StarStudio:Retrieval</c>: how the hybrid search scans. The defaults are the ones the retrieval
/// benchmark (bench/StarStudio.Bench.Retrieval) measured to keep recall@10 ≥ 0.98 against exact search.
/// </summary>
public sealed class RetrievalOptions
{
    public const string Section = "StarStudio:Retrieval";

    /// <summary>
    /// <c>hnsw.ef_search</c>: candidates the HNSW scan keeps per step. pgvector's default (40) loses recall
    /// on text embeddings, whose near neighbours sit close together.
    /// </summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>
    /// <c>hnsw.iterative_scan</c>: <c>relaxed_order</c> keeps scanning the index until enough rows pass the
    /// star and filter conditions (a small star among big ones would otherwise get almost nothing back).
    /// </summary>
    public string IterativeScan { get; set; } = "relaxed_order";

    /// <summary><c>hnsw.max_scan_tuples</c>: where an iterative scan gives up (the exact fallback then takes over).</summary>
    public int MaxScanTuples { get; set; } = 20_000;

    /// <summary>Candidates each half returns: <c>max(TopK × CandidateFactor, MinCandidates)</c>.</summary>
    public int CandidateFactor { get; set; } = 4;

    public int MinCandidates { get; set; } = 40;

    /// <summary>The <c>k</c> of reciprocal rank fusion, <c>1 / (k + rank)</c>; 60 as in Cormack et al.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>
    /// Largest star (in chunks, from its tasks' <c>chunk_count</c>) whose whole knowledge the full-text half
    /// searches. Under row-level security PostgreSQL cannot use the GIN index for <c>@@</c> (it is not leakproof),
    /// so that search reads every chunk of the star, about 10 µs each. Above this size the full-text half ranks
    /// the vector candidates instead. (A SECURITY DEFINER search function, which a migration could add, would let
    /// the search use the index and lift this limit.)
    /// </summary>
    public int FullTextScanLimit { get; set; } = 10_000;

    /// <summary>Largest TopK a query may ask for.</summary>
    public int MaxTopK { get; set; } = 100;

    /// <summary>The candidate count for <paramref name="topK"/> passages.</summary>
    public int CandidatesFor(int topK) => Math.Max(topK * CandidateFactor, MinCandidates);

    internal static readonly string[] IterativeScanModes = ["off", "relaxed_order", "strict_order"];

    /// <summary>Throws when a value would be spliced into SQL unchecked or makes no sense.</summary>
    public void Validate()
    {
        if (EfSearch is < 1 or > 1000)
        {
            throw new InvalidOperationException($"{Section}:EfSearch must be 1–1000, not {EfSearch}.");
        }

        if (!IterativeScanModes.Contains(IterativeScan, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{Section}:IterativeScan must be one of {string.Join(", ", IterativeScanModes)}, not '{IterativeScan}'.");
        }

        if (MaxScanTuples < 1)
        {
            throw new InvalidOperationException($"{Section}:MaxScanTuples must be positive, not {MaxScanTuples}.");
        }

        if (CandidateFactor < 1 || MinCandidates < 1 || RrfK < 1 || MaxTopK < 1 || FullTextScanLimit < 0)
        {
            throw new InvalidOperationException($"{Section}: CandidateFactor, MinCandidates, RrfK and MaxTopK must be positive, FullTextScanLimit not negative.");
        }
    }
}
