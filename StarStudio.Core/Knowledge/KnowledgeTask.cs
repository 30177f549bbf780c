namespace StarStudio.Core.Knowledge;

/// <summary>One ingestion of one source into a star's knowledge; seed 000 §1.4 plus progress and provenance.</summary>
public class KnowledgeTask
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public KnowledgeSourceType SourceType { get; set; }
    public KnowledgeTaskStatus Status { get; set; } = KnowledgeTaskStatus.Pending;
    /// <summary>Object key of the raw content in <c>knowledge-raw</c>.</summary>
    public string? PayloadUri { get; set; }
    public int ChunkCount { get; set; }
    /// <summary>Logical vector collection, <c>star_&lt;starId&gt;</c>.</summary>
    public string? EmbeddingIndex { get; set; }
    /// <summary>A readable reason when the task failed.</summary>
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    // Not in the seed (docs/decisions.md): what the source was, and how far the work got.

    /// <summary>File name, note title or webhook label, as the owner sees it.</summary>
    public string SourceName { get; set; } = "";
    public string? ContentType { get; set; }
    /// <summary>Hex SHA-256 of the raw content; the same content is ingested once per star.</summary>
    public string? ContentSha256 { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>The phase running or last reached: parse, chunk, embed, index.</summary>
    public KnowledgePhase? Phase { get; set; }
    /// <summary>0–100.</summary>
    public short Progress { get; set; }
    public int Attempts { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>The embedding model the vectors of this task were made with.</summary>
    public string? EmbeddingModel { get; set; }
    public Guid? WebhookSourceId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Until when the run working on the task holds it; a run that dies stops renewing it (docs/knowledge.md).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>When a background job for the task was last queued; the re-driver queues one again when none ran.</summary>
    public DateTimeOffset? EnqueuedAt { get; set; }

    /// <summary>Runs that started and never finished (the process died under them) since the owner last queued the task.</summary>
    public int InterruptedRuns { get; set; }

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

/// <summary>The phases of an ingestion, in order.</summary>
public enum KnowledgePhase
{
    Parse,
    Chunk,
    Embed,
    Index,
}
