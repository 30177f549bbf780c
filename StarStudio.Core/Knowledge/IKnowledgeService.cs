using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Knowledge;

/// <summary>A star owner's knowledge: sources in, tasks that turn them into chunks and vectors, retrieval out.</summary>
/// <remarks>Every call is authorized for the current user: only the star's owner (or an admin) reaches it.</remarks>
public interface IKnowledgeService
{
    Task<Page<KnowledgeTask>> ListTasksAsync(Guid starId, int page, int pageSize, CancellationToken ct = default);

    /// <summary>Stores an uploaded file in <c>knowledge-raw</c> and queues a task. Refuses content that does not match
    /// its extension, files over <c>max_upload_file_size</c>, and content the star already has (<c>Knowledge.Duplicate</c>).</summary>
    Task<Result<KnowledgeTask>> UploadAsync(Guid starId, string fileName, Stream content, long declaredLength, CancellationToken ct = default);

    /// <summary>Adds a Markdown note written in the studio.</summary>
    Task<Result<KnowledgeTask>> AddNoteAsync(Guid starId, string title, string markdown, CancellationToken ct = default);

    /// <summary>Adds content that arrived on a signed webhook of <paramref name="sourceId"/> (already verified).</summary>
    Task<Result<KnowledgeTask>> AddWebhookContentAsync(Guid starId, Guid sourceId, string name, Stream content, long declaredLength, CancellationToken ct = default);

    /// <summary>Runs a failed task again.</summary>
    Task<Result<KnowledgeTask>> RetryAsync(Guid taskId, CancellationToken ct = default);

    /// <summary>Stops a pending or running task; it ends failed with the reason "cancelled".</summary>
    Task<Result<KnowledgeTask>> CancelAsync(Guid taskId, CancellationToken ct = default);

    /// <summary>Builds a completed task's chunks and vectors again (e.g. after the chunk size or model changed).</summary>
    Task<Result<KnowledgeTask>> ReindexAsync(Guid taskId, CancellationToken ct = default);

    /// <summary>Removes a task with its chunks, vectors and raw object.</summary>
    Task<Result<bool>> DeleteAsync(Guid taskId, CancellationToken ct = default);

    /// <summary>A star's chunks (optionally of one task), in document order, with where each came from.</summary>
    Task<Page<KnowledgeChunkView>> ListChunksAsync(Guid starId, Guid? taskId, int page, int pageSize, CancellationToken ct = default);

    /// <summary>The star's chunking settings: its own values, or null where it uses the platform's defaults.</summary>
    Task<Result<KnowledgeSettingsView>> GetSettingsAsync(Guid starId, CancellationToken ct = default);

    /// <summary>Sets (or with null clears) the star's chunk size and overlap; applies to tasks processed from now on.</summary>
    Task<Result<KnowledgeSettingsView>> UpdateSettingsAsync(Guid starId, int? chunkSize, int? chunkOverlap, CancellationToken ct = default);

    /// <summary>"Ask the knowledge": the ranked passages retrieval would give chat, and how the question was read (its terms and expansions).</summary>
    Task<Result<RetrievalResult>> AskAsync(RetrievalQuery query, CancellationToken ct = default);
}

/// <summary>A star's chunking settings next to the platform defaults they override.</summary>
public sealed record KnowledgeSettingsView(int? ChunkSize, int? ChunkOverlap, int DefaultChunkSize, int DefaultChunkOverlap);

/// <summary>Limits of the per-star chunking settings.</summary>
public static class KnowledgeSettingsRules
{
    public const int MinChunkSize = 100;
    public const int MaxChunkSize = 2000;

    public static IReadOnlyList<FieldError> Validate(int? chunkSize, int? chunkOverlap, int defaultChunkSize)
    {
        var errors = new List<FieldError>();
        if (chunkSize is { } size && (size < MinChunkSize || size > MaxChunkSize))
        {
            errors.Add(new FieldError("ChunkSize", "Knowledge.Settings.ChunkSize.Range", MinChunkSize, MaxChunkSize));
        }

        var effective = chunkSize ?? defaultChunkSize;
        if (chunkOverlap is { } overlap && (overlap < 0 || overlap >= effective / 2))
        {
            errors.Add(new FieldError("ChunkOverlap", "Knowledge.Settings.ChunkOverlap.Range", effective / 2 - 1));
        }

        return errors;
    }
}

/// <summary>A chunk as the chunk browser shows it.</summary>
public sealed record KnowledgeChunkView(Guid ChunkId, Guid TaskId, int Seq, string Text, Citation Citation, int Tokens);
