using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Training;

/// <summary>A training job as the owner sees it, with the trainer's name (null: the built-in prompt-adapter trainer).</summary>
public sealed record TrainingJobView(
    Guid Id,
    Guid StarId,
    Guid DatasetId,
    TrainingMethod Method,
    Guid? TrainerId,
    string? TrainerName,
    TrainingJobStatus Status,
    TrainingJobPhase? Phase,
    short Progress,
    string? Error,
    Guid? ModelVersionId,
    string? ModelVersionName,
    IReadOnlyDictionary<string, double> Metrics,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>Log lines of a job after a cursor, and the cursor to ask with next (the number of lines read so far).</summary>
public sealed record TrainingLogPage(IReadOnlyList<Storage.TrainingLogDocument> Lines, int NextCursor);

/// <summary>Starts, cancels, retries and lists a star's training jobs; every call acts as the current user (the star's owner or an admin).</summary>
public interface ITrainingJobService
{
    /// <summary>
    /// Queues a job. Field errors: <c>Star</c> (not mine, archived), <c>Dataset</c> (not of this star, too little data for the
    /// method — one error per missing item), <c>Trainer</c> (inactive, or not offering the method), <c>Job</c> (one is
    /// already queued or running for the star).
    /// </summary>
    Task<Result<TrainingJobView>> StartAsync(Guid starId, Guid datasetId, TrainingMethod method, Guid? trainerId, CancellationToken ct = default);

    /// <summary>Asks a queued or running job to stop; the run stops between steps (and cancels the external job).</summary>
    Task<Result<TrainingJobView>> CancelAsync(Guid jobId, CancellationToken ct = default);

    /// <summary>Queues a new job with the same inputs as a failed or cancelled one.</summary>
    Task<Result<TrainingJobView>> RetryAsync(Guid jobId, CancellationToken ct = default);

    /// <summary>The star's jobs, newest first.</summary>
    Task<Result<IReadOnlyList<TrainingJobView>>> ListAsync(Guid starId, CancellationToken ct = default);

    Task<Result<TrainingJobView>> GetAsync(Guid jobId, CancellationToken ct = default);

    /// <summary>The job's log lines after the first <paramref name="cursor"/> lines (for the live view, polled).</summary>
    Task<Result<TrainingLogPage>> LogsAsync(Guid jobId, int cursor, CancellationToken ct = default);

    /// <summary>The trainers the owner may choose (active ones), with the methods each offers.</summary>
    Task<IReadOnlyList<TrainerOption>> TrainersAsync(CancellationToken ct = default);
}

/// <summary>An active external trainer an owner can pick.</summary>
public sealed record TrainerOption(Guid Id, string Name, IReadOnlyList<TrainingMethod> Methods);

/// <summary>Puts a training job on the background queue (Hangfire in the app); the job acts as <paramref name="actingUserId"/>.</summary>
public interface ITrainingJobQueue
{
    void Enqueue(Guid jobId, Guid actingUserId);
}

/// <summary>A model version as the owner sees it.</summary>
public sealed record ModelVersionView(
    Guid Id,
    Guid StarId,
    string VersionName,
    TrainingMethod Method,
    TimeWindow? TrainingDataSpan,
    IReadOnlyDictionary<string, double> Metrics,
    string? TrainerName,
    string? ServedModelId,
    bool HasArtifact,
    bool IsActive,
    DateTimeOffset CreatedAt);

/// <summary>A star's versions, and whether the base persona (no version) is the active one.</summary>
public sealed record ModelVersionList(IReadOnlyList<ModelVersionView> Versions, Guid? ActiveVersionId);

/// <summary>One held-out question answered by two versions (null answer: that version has no stored answer to it).</summary>
public sealed record ComparedAnswer(string Question, string? Expected, string? AnswerA, string? AnswerB);

/// <summary>Two versions side by side: their metrics, and the held-out questions answered by both.</summary>
public sealed record VersionComparison(ModelVersionView A, ModelVersionView B, IReadOnlyList<string> MetricNames, IReadOnlyList<ComparedAnswer> Answers);

/// <summary>The owner's download of a version's artifact.</summary>
public sealed record ArtifactDownload(string FileName, string ContentType, Stream Content);

/// <summary>Lists, activates, rolls back, compares and downloads a star's model versions as the current user.</summary>
public interface IModelVersionService
{
    Task<Result<ModelVersionList>> ListAsync(Guid starId, CancellationToken ct = default);

    /// <summary>
    /// Makes <paramref name="versionId"/> the star's active version (null: back to the base persona), effective for the next
    /// answer. Refused (<c>Version</c> field error) for another star's or another owner's version; the active version is then unchanged.
    /// </summary>
    Task<Result<ModelVersionList>> ActivateAsync(Guid starId, Guid? versionId, CancellationToken ct = default);

    /// <summary>Metrics side by side and the held-out questions both versions answered at evaluation time.</summary>
    Task<Result<VersionComparison>> CompareAsync(Guid versionA, Guid versionB, CancellationToken ct = default);

    /// <summary>The version's artifact for its owner; NotFound for anyone else or a version without an artifact.</summary>
    Task<Result<ArtifactDownload>> OpenArtifactAsync(Guid versionId, CancellationToken ct = default);
}

/// <summary>An external trainer as admins see it: never the API key, only whether one is set.</summary>
public sealed record TrainerView(
    Guid Id,
    string Name,
    string BaseUrl,
    bool HasApiKey,
    IReadOnlyList<TrainingMethod> Methods,
    string BaseModel,
    Guid? ServingProviderId,
    bool IsActive,
    DateTimeOffset UpdatedAt);

/// <summary>What an admin submits for a trainer; a blank <see cref="ApiKey"/> keeps the stored one.</summary>
public sealed record TrainerDraft(
    string Name,
    string BaseUrl,
    string? ApiKey,
    IReadOnlyList<TrainingMethod> Methods,
    string BaseModel,
    Guid? ServingProviderId,
    bool IsActive = true);

/// <summary>External trainers for admins (list, create, update, deactivate).</summary>
public interface ITrainerAdminService
{
    Task<Result<IReadOnlyList<TrainerView>>> ListAsync(CancellationToken ct = default);

    Task<Result<TrainerView>> CreateAsync(TrainerDraft draft, CancellationToken ct = default);

    Task<Result<TrainerView>> UpdateAsync(Guid id, TrainerDraft draft, CancellationToken ct = default);

    Task<Result<TrainerView>> DeactivateAsync(Guid id, CancellationToken ct = default);
}
