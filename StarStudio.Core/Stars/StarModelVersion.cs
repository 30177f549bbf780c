namespace StarStudio.Core.Stars;

/// <summary>A trained model version of a star; seed 000 §1.3.</summary>
public class StarModelVersion
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public string VersionName { get; set; } = "";
    public string? ArtifactUri { get; set; }
    public TrainingMethod TrainingMethod { get; set; }
    /// <summary>The window of data the version was trained on (<c>tstzrange</c>).</summary>
    public TimeWindow? TrainingDataSpan { get; set; }
    public string Metrics { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }

    // Not in the seed (docs/training.md): where the version came from and how it is served.

    /// <summary>The training job that published it (null for a version registered otherwise).</summary>
    public Guid? TrainingJobId { get; set; }
    public Guid? DatasetId { get; set; }
    /// <summary>The external trainer that made it, or null for the built-in prompt adapter.</summary>
    public Guid? TrainerId { get; set; }
    /// <summary>The model id an external trainer returned, served by its serving provider; null for a prompt adapter.</summary>
    public string? ServedModelId { get; set; }
    public Guid? CreatedBy { get; set; }
}

/// <summary>Seed 000 <c>star_model_versions.training_method</c>.</summary>
public enum TrainingMethod
{
    Qlora,
    Dpo,
    Sft,
}

/// <summary>A half-open time window [Start, End); either end may be open.</summary>
public sealed record TimeWindow(DateTimeOffset? Start, DateTimeOffset? End);
