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
