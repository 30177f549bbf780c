using StarStudio.Core.Common;

namespace StarStudio.Core.Training;

/// <summary>What goes into a dataset (docs/training.md). Stored on the dataset row as JSON.</summary>
/// <param name="From">Conversations and ratings from this time on (null: from the start).</param>
/// <param name="To">… up to (not including) this time (null: until now).</param>
/// <param name="MinRating">SFT takes conversations rated at least this (and answers rated at least this or labelled 有用/准确).</param>
/// <param name="HoldoutShare">The share of examples kept out of training for evaluation (0–0.5).</param>
public sealed record DatasetFilters(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    short MinRating = 4,
    double HoldoutShare = 0.2,
    bool IncludeSft = true,
    bool IncludeDpo = true,
    bool IncludeQa = true);

/// <summary>How much a dataset holds, and how much personal data was masked in it. Stored on the dataset row as JSON.</summary>
public sealed record DatasetCounts(
    int SftTrain,
    int SftHoldout,
    int DpoTrain,
    int DpoHoldout,
    int QaTrain,
    int QaHoldout,
    int Conversations,
    int MaskedNames,
    int MaskedEmails,
    int MaskedPhones)
{
    public int Train => SftTrain + DpoTrain + QaTrain;

    public int Holdout => SftHoldout + DpoHoldout + QaHoldout;
}

/// <summary>One message of an SFT example (OpenAI chat format: <c>system</c>, <c>user</c>, <c>assistant</c>).</summary>
public sealed record DatasetMessage(string Role, string Content);

/// <summary>An SFT example: one line of OpenAI chat JSONL (<c>{"messages":[…]}</c>); the last message is the assistant's answer.</summary>
public sealed record SftExample(IReadOnlyList<DatasetMessage> Messages)
{
    /// <summary>The last user message (the question the answer replies to).</summary>
    public string Question => Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";

    /// <summary>The final assistant message.</summary>
    public string Answer => Messages.Count > 0 && Messages[^1].Role == "assistant" ? Messages[^1].Content : "";
}

/// <summary>A DPO pair in TRL's format (<c>{"prompt","chosen","rejected"}</c>).</summary>
public sealed record DpoExample(string Prompt, string Chosen, string Rejected);

/// <summary>A knowledge-grounded question and answer, with the passages (source names) it rests on.</summary>
public sealed record QaExample(string Question, string Answer, IReadOnlyList<string> Sources);

/// <summary>A dataset's examples, split into training and held-out parts.</summary>
public sealed record TrainingData(
    IReadOnlyList<SftExample> SftTrain,
    IReadOnlyList<SftExample> SftHoldout,
    IReadOnlyList<DpoExample> DpoTrain,
    IReadOnlyList<DpoExample> DpoHoldout,
    IReadOnlyList<QaExample> QaTrain,
    IReadOnlyList<QaExample> QaHoldout);

/// <summary>What a dataset would hold with these filters, before it is written; <see cref="Missing"/> says why it is too little to train.</summary>
/// <param name="Missing">Resource keys of what is missing (empty: enough to train).</param>
public sealed record DatasetPreview(
    DatasetCounts Counts,
    IReadOnlyList<SftExample> SampleSft,
    IReadOnlyList<DpoExample> SampleDpo,
    IReadOnlyList<QaExample> SampleQa,
    IReadOnlyList<string> Missing,
    Stars.TimeWindow? DataSpan);

/// <summary>Builds training datasets from a star's own data; every call acts as the current user (the star's owner or an admin).</summary>
public interface ITrainingDatasetService
{
    /// <summary>Counts and samples with these filters; nothing is written. Field errors are on the filter names.</summary>
    Task<Result<DatasetPreview>> PreviewAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default);

    /// <summary>Builds the dataset, writes its files and manifest to <c>model-artifacts</c>, then the row.</summary>
    Task<Result<TrainingDataset>> BuildAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default);

    /// <summary>The star's datasets, newest first.</summary>
    Task<Result<IReadOnlyList<TrainingDataset>>> ListAsync(Guid starId, CancellationToken ct = default);

    /// <summary>Reads a dataset's examples back from its files (the trainers' input).</summary>
    Task<Result<TrainingData>> ReadAsync(Guid datasetId, CancellationToken ct = default);
}
