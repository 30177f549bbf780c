namespace StarStudio.Core.Storage;

/// <summary>A message of a conversation; seed 000 §2 <c>conversation_messages</c>.</summary>
/// <remarks>
/// Beyond the seed's fields: a status (a failed generation is kept and can be retried), the model, the trace, citations,
/// and the star's model version that wrote a star message (id and name; null: the base persona; docs/training.md), and a
/// <c>has_thinking</c> model's thinking text (docs/chat.md: shown collapsed above the answer, never sent to the model again).
/// </remarks>
public sealed record ConversationMessageDocument(
    Guid Id,
    Guid ConversationId,
    string Sender,
    string Content,
    int Tokens,
    IReadOnlyList<ToolCallRecord> ToolCalls,
    DateTimeOffset CreatedAt,
    string Status = MessageStatuses.Completed,
    string? Model = null,
    Guid? TraceId = null,
    IReadOnlyList<MessageCitation>? Citations = null,
    Guid? ModelVersionId = null,
    string? ModelVersion = null,
    string? Thinking = null);

/// <summary>States of a message.</summary>
public static class MessageStatuses
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Stopped = "stopped";
}

/// <summary>A passage a star's answer cites, pointing back to its chunk.</summary>
/// <param name="AttachmentId">Set when the passage is from a file attached to the conversation (docs/chat-attachments.md);
/// <see cref="TaskId"/> then holds the same id and <see cref="ChunkId"/> names the attachment's chunk.</param>
public sealed record MessageCitation(int Number, Guid ChunkId, Guid TaskId, string SourceName, int? Page, Guid? AttachmentId = null);

/// <summary>One tool call made while producing a message.</summary>
public sealed record ToolCallRecord(string Name, string Arguments, string? Result);

/// <summary>Senders of seed 000 <c>conversation_messages.sender</c>.</summary>
public static class MessageSenders
{
    public const string User = "user";
    public const string Star = "star";
}

/// <summary>A chunk of a star's knowledge; seed 000 §2 <c>knowledge_chunks</c>.</summary>
public sealed record KnowledgeChunkDocument(
    Guid Id,
    Guid TaskId,
    Guid StarId,
    int Seq,
    string ChunkText,
    Guid? EmbeddingVectorId,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>A log line of a training job phase; seed 000 §2 <c>training_logs</c>.</summary>
public sealed record TrainingLogDocument(
    Guid Id,
    Guid JobId,
    Guid StarId,
    string Phase,
    string Stdout,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset CreatedAt);

/// <summary>Phases of seed 000 <c>training_logs.phase</c>, plus <c>publish</c> (docs/training.md).</summary>
public static class TrainingPhases
{
    public const string Prepare = "prepare";
    public const string Train = "train";
    public const string Evaluate = "evaluate";
    public const string Publish = "publish";
}

/// <summary>The <c>conversation_messages</c> collection.</summary>
public interface IConversationMessageStore
{
    Task AppendAsync(ConversationMessageDocument message, CancellationToken ct = default);

    /// <summary>Messages of a conversation, oldest first.</summary>
    Task<IReadOnlyList<ConversationMessageDocument>> ListAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>Messages of many conversations in one round trip, oldest first within each (a dataset build reads thousands).</summary>
    Task<IReadOnlyList<ConversationMessageDocument>> ListManyAsync(IReadOnlyCollection<Guid> conversationIds, CancellationToken ct = default);

    Task<long> DeleteByConversationAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>Replaces a message (a retried or regenerated answer keeps its id); appends it if it is new.</summary>
    Task UpsertAsync(ConversationMessageDocument message, CancellationToken ct = default);

    /// <summary>Removes one message.</summary>
    Task DeleteAsync(Guid messageId, CancellationToken ct = default);
}

/// <summary>The <c>knowledge_chunks</c> collection.</summary>
public interface IKnowledgeChunkStore
{
    /// <summary>Writes chunks; writing a chunk id that exists replaces it, so a retried batch never duplicates.</summary>
    Task UpsertManyAsync(IReadOnlyList<KnowledgeChunkDocument> chunks, CancellationToken ct = default);

    /// <summary>A star's chunks (optionally of one task) ordered by task and sequence.</summary>
    Task<Common.Page<KnowledgeChunkDocument>> ListAsync(Guid starId, Guid? taskId, int skip, int take, CancellationToken ct = default);

    Task<IReadOnlyList<KnowledgeChunkDocument>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default);

    Task<long> DeleteByTaskAsync(Guid taskId, CancellationToken ct = default);
}

/// <summary>The <c>training_logs</c> collection.</summary>
public interface ITrainingLogStore
{
    Task AppendAsync(TrainingLogDocument log, CancellationToken ct = default);

    /// <summary>A job's log lines, oldest first.</summary>
    Task<IReadOnlyList<TrainingLogDocument>> ListAsync(Guid jobId, CancellationToken ct = default);
}

/// <summary>Liveness of the document store, for <c>/healthz</c>.</summary>
public interface IDocumentStoreHealth
{
    Task<bool> PingAsync(CancellationToken ct = default);
}
