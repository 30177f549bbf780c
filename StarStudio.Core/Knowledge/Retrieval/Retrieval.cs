namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>Where a passage came from, precisely enough to open it again.</summary>
public sealed record Citation(Guid TaskId, Guid ChunkId, string SourceName, int? Page, IReadOnlyList<string> HeadingPath, int CharStart, int CharEnd)
{
    /// <summary>A passage of a file attached to a conversation (<see cref="TaskId"/> is the attachment), not of the star's knowledge.</summary>
    public bool FromAttachment { get; init; }
}

/// <summary>
/// A passage retrieved for a question, with its fused score and its 1-based rank in each list that found it
/// (<see cref="VectorRank"/>: the default model's vectors; <see cref="TextRank"/>: full text of the question's own
/// words; <see cref="ExpansionRank"/>: full text of its synonyms and other forms; <see cref="TranslationRank"/>: full text of
/// its translations into the other language; <see cref="SemanticRank"/>: the semantic model).
/// </summary>
public sealed record RetrievedPassage(string Text, double Score, double? VectorDistance, int? VectorRank, int? TextRank, Citation Citation)
{
    public int? ExpansionRank { get; init; }

    public int? TranslationRank { get; init; }

    public int? SemanticRank { get; init; }
}

/// <summary>The ranked lists a search may fuse. <see cref="All"/> is what chat and "ask the knowledge" use.</summary>
[Flags]
public enum RetrievalLists
{
    None = 0,

    /// <summary>Nearest neighbours by the default embedding model (HNSW).</summary>
    Vector = 1,

    /// <summary>Full text of the question's own words.</summary>
    Text = 2,

    /// <summary>Full text of the words the question was expanded with in its own language (synonyms, other forms, numbers).</summary>
    Expansion = 4,

    /// <summary>Nearest neighbours by the local semantic model (English), where the star's chunks have such vectors.</summary>
    Semantic = 8,

    /// <summary>
    /// Full text of the question's words translated into the other language: a list of its own, so that a passage in the
    /// other language can lead a list instead of trailing the question's own language in a shared one.
    /// </summary>
    Translation = 16,

    All = Vector | Text | Expansion | Semantic | Translation,
}

/// <summary>What to search and how many passages to return.</summary>
public sealed record RetrievalQuery(Guid StarId, string Question, int TopK = KnowledgeConfigKeys.DefaultTopK)
{
    /// <summary>Only passages of this task.</summary>
    public Guid? TaskId { get; init; }

    /// <summary>Only passages of sources with this exact name.</summary>
    public string? SourceName { get; init; }

    /// <summary>Only passages tagged with this tag (chunk metadata <c>tags</c>).</summary>
    public string? Tag { get; init; }

    /// <summary>Which lists to run and fuse (the evaluation compares them; everything else uses <see cref="RetrievalLists.All"/>).</summary>
    public RetrievalLists Lists { get; init; } = RetrievalLists.All;
}

/// <summary>The passages of a search and how its question was read (terms and expansions), for showing and for evaluation.</summary>
public sealed record RetrievalResult(IReadOnlyList<RetrievedPassage> Passages, QueryAnalysis Analysis);

/// <summary>Hybrid retrieval over a star's knowledge: vector, full-text, expansion and semantic lists, fused by score.</summary>
public interface IKnowledgeRetriever
{
    Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken ct = default);

    /// <summary>The passages of <see cref="RetrieveAsync"/>.</summary>
    async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken ct = default) =>
        (await RetrieveAsync(query, ct)).Passages;
}
