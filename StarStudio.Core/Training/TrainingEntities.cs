using StarStudio.Core.Stars;

namespace StarStudio.Core.Training;

/// <summary>
/// A training dataset built from one star's own data (docs/training.md): SFT pairs, DPO pairs and knowledge-grounded
/// Q&amp;A, with players' personal data masked and a held-out split. The files and their manifest are in
/// <c>model-artifacts</c> under <see cref="ManifestUri"/>'s folder; the row is written once the files are.
/// </summary>
public class TrainingDataset
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public Guid CreatedBy { get; set; }
    /// <summary>The filters it was built with (<see cref="DatasetFilters"/> as JSON).</summary>
    public string Filters { get; set; } = "{}";
    /// <summary>What it holds (<see cref="DatasetCounts"/> as JSON): pairs by kind, held-out size, masked items.</summary>
    public string Counts { get; set; } = "{}";
    /// <summary>Object URI of <c>manifest.json</c> (<c>s3://model-artifacts/…</c>).</summary>
    public string ManifestUri { get; set; } = "";
    /// <summary>The time window of the conversations it was built from (<c>tstzrange</c>).</summary>
    public TimeWindow? DataSpan { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One training run of a star (docs/training.md): phases prepare → train → evaluate → publish, with a lease so a run
/// whose process died is resumed (the knowledge task pattern). At most one queued or running job per star (a unique index).
/// </summary>
public class TrainingJob
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public Guid DatasetId { get; set; }
    public TrainingMethod Method { get; set; }
    /// <summary>The external trainer, or null for the built-in prompt-adapter trainer.</summary>
    public Guid? TrainerId { get; set; }
    public TrainingJobStatus Status { get; set; } = TrainingJobStatus.Queued;
    /// <summary>The phase running or last reached.</summary>
    public TrainingJobPhase? Phase { get; set; }
    /// <summary>0–100.</summary>
    public short Progress { get; set; }
    /// <summary>A readable reason when the job failed.</summary>
    public string? Error { get; set; }
    /// <summary>The external trainer's job id (OpenAI fine-tuning <c>ftjob-…</c>), once it accepted the job.</summary>
    public string? ExternalJobId { get; set; }
    /// <summary>The version that was active when the job started; the new version is evaluated against it.</summary>
    public Guid? BaseVersionId { get; set; }
    /// <summary>The version the job published (set in the publish phase).</summary>
    public Guid? ModelVersionId { get; set; }
    /// <summary>The latest metrics reported (JSON object of numbers).</summary>
    public string Metrics { get; set; } = "{}";
    public int Attempts { get; set; }
    public int InterruptedRuns { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>Until when the run working on the job holds it; a run that dies stops renewing it.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? EnqueuedAt { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where a training job stands; the PostgreSQL enum <c>training_job_status</c>.</summary>
public enum TrainingJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>Phases of a training job; the PostgreSQL enum <c>training_phase</c> (seed 000 <c>training_logs.phase</c> plus publish).</summary>
public enum TrainingJobPhase
{
    Prepare,
    Train,
    Evaluate,
    Publish,
}

/// <summary>
/// An external trainer registered by an admin: an HTTP endpoint in the OpenAI fine-tuning API's shape
/// (docs/training.md). Versions it produces are served through <see cref="ServingProviderId"/> under the model id it returns.
/// </summary>
public class Trainer
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Base URL without <c>/v1</c>.</summary>
    public string BaseUrl { get; set; } = "";
    /// <summary>Protected with Data Protection; never shown again once saved.</summary>
    public string? ApiKeyProtected { get; set; }
    /// <summary>The methods it accepts.</summary>
    public List<TrainingMethod> Methods { get; set; } = [];
    /// <summary>The model it fine-tunes (OpenAI <c>model</c>).</summary>
    public string BaseModel { get; set; } = "";
    /// <summary>The <c>llm_providers</c> row that serves the models it returns (null: versions keep the platform's model).</summary>
    public Guid? ServingProviderId { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
