namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>Where a passage came from, precisely enough to open it again.</summary>
public sealed record Citation(Guid TaskId, Guid ChunkId, string SourceName, int? Page, IReadOnlyList<string> HeadingPath, int CharStart, int CharEnd);

/// <summary>A passage retrieved for a question, with its fused score.</summary>
public sealed record RetrievedPassage(string Text, double Score, double? VectorDistance, int? VectorRank, int? TextRank, Citation Citation);

/// <summary>What to search and how many passages to return.</summary>
public sealed record RetrievalQuery(Guid StarId, string Question, int TopK = KnowledgeConfigKeys.DefaultTopK)
{
    /// <summary>Only passages of this task.</summary>
    public Guid? TaskId { get; init; }

    /// <summary>Only passages of sources with this exact name.</summary>
    public string? SourceName { get; init; }

    /// <summary>Only passages tagged with this tag (chunk metadata <c>tags</c>).</summary>
    public string? Tag { get; init; }
}

/// <summary>Hybrid retrieval over a star's knowledge: vector and full-text results fused by reciprocal rank.</summary>
public interface IKnowledgeRetriever
{
    Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken ct = default);
}
