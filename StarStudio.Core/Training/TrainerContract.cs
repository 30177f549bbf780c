using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarStudio.Core.Training;

/// <summary>
/// The external trainer contract (docs/training.md): the OpenAI fine-tuning API's shape. <c>POST {base}/v1/fine_tuning/jobs</c>
/// with this body and a Bearer key creates a job.
/// </summary>
public sealed record FineTuningJobRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("training_file")] string TrainingFile,
    [property: JsonPropertyName("validation_file")] string? ValidationFile,
    [property: JsonPropertyName("method")] FineTuningMethod Method,
    [property: JsonPropertyName("suffix")] string Suffix,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string> Metadata);

/// <summary><c>method</c> of a fine-tuning request: <c>supervised</c> (sft, qlora) or <c>dpo</c>.</summary>
public sealed record FineTuningMethod([property: JsonPropertyName("type")] string Type)
{
    public static FineTuningMethod For(Stars.TrainingMethod method) => new(method == Stars.TrainingMethod.Dpo ? "dpo" : "supervised");
}

/// <summary>
/// A fine-tuning job as the trainer reports it (create and poll): <c>status</c> validating_files | queued | running |
/// succeeded | failed | cancelled; <c>error.message</c> when failed; StarStudio's extensions <c>artifact_uri</c> and
/// <c>metrics</c> ({name: number}).
/// </summary>
public sealed record FineTuningJobStatus(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("fine_tuned_model")] string? FineTunedModel,
    [property: JsonPropertyName("error")] FineTuningError? Error,
    [property: JsonPropertyName("artifact_uri")] string? ArtifactUri,
    [property: JsonPropertyName("metrics")] JsonElement? Metrics)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>True once the trainer will not change the job again.</summary>
    [JsonIgnore]
    public bool IsFinal => Status is Succeeded or Failed or Cancelled;
}

/// <summary><c>error</c> of a failed fine-tuning job.</summary>
public sealed record FineTuningError([property: JsonPropertyName("message")] string? Message, [property: JsonPropertyName("code")] string? Code = null);

/// <summary><c>GET …/jobs/{id}/events</c>: OpenAI's list shape.</summary>
public sealed record FineTuningEventList([property: JsonPropertyName("data")] IReadOnlyList<FineTuningEvent>? Data);

/// <summary>One event of a fine-tuning job (a log line).</summary>
public sealed record FineTuningEvent(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("level")] string? Level,
    [property: JsonPropertyName("message")] string? Message);
