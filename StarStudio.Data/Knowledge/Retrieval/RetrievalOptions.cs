using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>
/// <c>StarStudio:Retrieval</c>: how the hybrid search scans. The defaults come from the retrieval benchmark
/// (bench/StarStudio.Bench/Retrieval, numbers in docs/performance.md): the highest recall that keeps a
/// 100,000-chunk star's vector query within p95 10 ms on two cores.
/// </summary>
public sealed class RetrievalOptions
{
    public const string Section = "StarStudio:Retrieval";

    /// <summary>
    /// <c>hnsw.ef_search</c>: candidates the HNSW scan keeps per step. pgvector's default (40) loses recall
    /// on text embeddings, whose near neighbours sit close together. 200 measured recall@10 0.85 at p95 8.4 ms
    /// for short questions on a 100,000-chunk star with the local embedder (400: 0.90 at 11 ms).
    /// </summary>
    public int EfSearch { get; set; } = 200;

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

    /// <summary>How the ranked lists are combined (docs/knowledge.md: the evaluation that chose it).</summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.Coverage;

    /// <summary>
    /// Weight of the default model's vector list. The local hashing embedder's list is weaker than full text on every kind
    /// of question but literal English ones: 0.1 beside coverage (0.25 was chosen for relative score fusion; docs/knowledge.md, "Fusion").
    /// </summary>
    public double VectorWeight { get; set; } = 0.1;

    /// <summary>
    /// Coverage fusion: how much of a full-text list's scaled score (the best of text, expansion and translation) is added
    /// to a passage's coverage — a tie-break by term frequency and length among passages that cover the same words.
    /// </summary>
    public double LexicalWeight { get; set; } = 0.2;

    /// <summary>Coverage fusion: a cosine similarity of the semantic model at or below this adds nothing (0.2: on the evaluation set the median cosine of a semantic candidate that is not the answer is 0.18).</summary>
    public double SemanticThreshold { get; set; } = 0.2;

    /// <summary>Coverage: what a translation's match counts of the question word it translates (a passage in the other language says it in its words).</summary>
    public double CoverageTranslationWeight { get; set; } = 1.0;

    /// <summary>Coverage: what a synonym's match counts (one sense of the word, often not the question's).</summary>
    public double CoverageSynonymWeight { get; set; } = 0.5;

    /// <summary>Coverage: what another form of the word counts (the stemming the index lacks: the same word).</summary>
    public double CoverageInflectionWeight { get; set; } = 1.0;

    /// <summary>
    /// Coverage: what a name (a romanised word the pinyin bridge reads, or a Chinese name romanised; <c>QueryTerm.Name</c>)
    /// counts in a passage that does not say it when another candidate passage of the same document (task) does, times that
    /// passage's match — a name said once in a document's opening ("Yunlan") belongs to its other passages too. 0 turns it
    /// off (docs/knowledge.md, "Fusion").
    /// </summary>
    public double CoverageDocumentWeight { get; set; } = 1.0;

    /// <summary>
    /// True (the default): the ranked lists of a question go to the database in one round trip (an <c>NpgsqlBatch</c>) and
    /// coverage's tokens are intersected in the database. False: the data path before issue 10's third round — a round
    /// trip per list, and every candidate's whole <c>search_text</c> sent and scanned in the app — kept to measure the
    /// difference (docs/performance.md, "Answer quality"). The results are the same.
    /// </summary>
    public bool BatchLists { get; set; } = true;

    /// <summary>Weight of the full-text list of the question's own words.</summary>
    public double TextWeight { get; set; } = 1.0;

    /// <summary>Weight of the full-text list of the expansions (below the question's own words).</summary>
    public double ExpansionWeight { get; set; } = 0.5;

    /// <summary>Weight of the full-text list of the question's translations into the other language.</summary>
    public double TranslationWeight { get; set; } = 1.0;

    /// <summary>Weight of the semantic model's list for an English question.</summary>
    public double SemanticWeight { get; set; } = 1.0;

    /// <summary>
    /// Weight of the semantic model's list for a question in another language, whose semantic text is its translation: it
    /// can only find English passages, and for a Chinese question about Chinese knowledge it must not crowd them out.
    /// </summary>
    public double SemanticWeightOtherLanguage { get; set; } = 1.0;

    /// <summary>
    /// Coverage: the semantic and vector lists' weights, times this, for a question that is not Chinese and names something
    /// the candidates write in Chinese — a romanised name whose pinyin bridge matched ("Yunlan" → <c>yunlan0</c>), or
    /// Chinese characters it quotes ("Star Harbour Guild (星港商会)"): <see cref="CoverageScoring.NameWrittenInChinese"/>.
    /// Such a question is about a Chinese document, and both lists can only see English passages (the semantic model reads
    /// English; the hashing vectors are the question's own words), so they hold passages that are not about it. 0 (the
    /// default) leaves both lists out of such a question whole: their scores, and the passages only they brought, which
    /// would otherwise still be candidates and change every word's weight (IDF) among them (docs/knowledge.md, "Fusion").
    /// </summary>
    public double NamedInChineseListFactor { get; set; }

    /// <summary>Relative score fusion takes the semantic list's cosine similarities as they are instead of scaling its best to 1.</summary>
    public bool SemanticAbsolute { get; set; } = true;

    /// <summary>
    /// The most full-text matches ranked per search. <c>ts_rank_cd</c> reads each match's tsvector (stored out of line),
    /// about 20 µs a row, and an OR of common words matches tens of thousands of a big star's chunks; so the search
    /// (<c>knowledge_text_search</c>) ranks the matches of the question's rare words first and at most this many in
    /// all. A star, task or pool of no more chunks than this is ranked exactly. 500 keeps the full-text half of a
    /// 100,000-chunk star at about 20 ms (docs/knowledge.md).
    /// </summary>
    public int FullTextRankLimit { get; set; } = 500;

    /// <summary>
    /// <see cref="FullTextRankLimit"/> of the expansion and translation lists. They only bring candidates (coverage fusion
    /// scores every candidate from its tokens; their rank is a tie-break at half weight or less), and their ORs of many
    /// words match more than the question's own words do, so ranking them fully was most of the cost of expansions
    /// (docs/performance.md, "Answer quality").
    /// </summary>
    public int ExpansionRankLimit { get; set; } = 150;

    /// <summary>The largest <see cref="FullTextRankLimit"/> (the search function caps it there too).</summary>
    public const int MaxFullTextRankLimit = 10_000;

    /// <summary>
    /// How many searches may hold a database transaction at once (<see cref="RetrievalGate"/>); 0 means twice the
    /// processor count, at least 4.
    /// </summary>
    public int MaxConcurrentSearches { get; set; }

    /// <summary><see cref="MaxConcurrentSearches"/> with 0 resolved.</summary>
    public int EffectiveMaxConcurrentSearches => MaxConcurrentSearches > 0 ? MaxConcurrentSearches : Math.Max(4, 2 * Environment.ProcessorCount);

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

        if (VectorWeight < 0 || TextWeight < 0 || ExpansionWeight < 0 || SemanticWeight < 0 || TranslationWeight < 0 || SemanticWeightOtherLanguage < 0
            || !double.IsFinite(VectorWeight + TextWeight + ExpansionWeight + SemanticWeight + TranslationWeight + SemanticWeightOtherLanguage))
        {
            throw new InvalidOperationException($"{Section}: the list weights must be finite and not negative.");
        }

        if (LexicalWeight < 0 || CoverageTranslationWeight < 0 || CoverageSynonymWeight < 0 || CoverageInflectionWeight < 0
            || !double.IsFinite(LexicalWeight + CoverageTranslationWeight + CoverageSynonymWeight + CoverageInflectionWeight)
            || !(CoverageDocumentWeight is >= 0 and <= 1)
            || !(NamedInChineseListFactor is >= 0 and <= 1)
            || !(SemanticThreshold is >= 0 and < 1))
        {
            throw new InvalidOperationException($"{Section}: the coverage weights must be finite and not negative, SemanticThreshold in [0, 1), CoverageDocumentWeight and NamedInChineseListFactor in [0, 1].");
        }

        if (CandidateFactor < 1 || MinCandidates < 1 || RrfK < 1 || MaxTopK < 1)
        {
            throw new InvalidOperationException($"{Section}: CandidateFactor, MinCandidates, RrfK and MaxTopK must be positive.");
        }

        if (MaxConcurrentSearches < 0)
        {
            throw new InvalidOperationException($"{Section}:MaxConcurrentSearches must be 0 (automatic) or positive, not {MaxConcurrentSearches}.");
        }

        if (FullTextRankLimit is < 1 or > MaxFullTextRankLimit || ExpansionRankLimit is < 1 or > MaxFullTextRankLimit)
        {
            throw new InvalidOperationException($"{Section}:FullTextRankLimit and ExpansionRankLimit must be 1–{MaxFullTextRankLimit}, not {FullTextRankLimit} and {ExpansionRankLimit}.");
        }
    }
}
