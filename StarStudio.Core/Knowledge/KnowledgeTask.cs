namespace StarStudio.Core.Knowledge;

/// <summary>One ingestion of one source into a star's knowledge; seed 000 §1.4.</summary>
public class KnowledgeTask
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public KnowledgeSourceType SourceType { get; set; }
    public KnowledgeTaskStatus Status { get; set; } = KnowledgeTaskStatus.Pending;
    public string? PayloadUri { get; set; }
    public int ChunkCount { get; set; }
    /// <summary>Logical vector collection, <c>star_&lt;starId&gt;</c>.</summary>
    public string? EmbeddingIndex { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public static string EmbeddingIndexFor(Guid starId) => $"star_{starId:N}";
}

/// <summary>Seed 000 <c>knowledge_tasks.source_type</c>.</summary>
public enum KnowledgeSourceType
{
    Upload,
    Webhook,
    Note,
}

/// <summary>Seed 000 <c>knowledge_tasks.status</c>.</summary>
public enum KnowledgeTaskStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
}
