using System.Text.Json;
using StarStudio.Core.Common;

namespace StarStudio.Core.Arena.Entries;

/// <summary>
/// Entering stars into trials (issue 11 item 2), as the current user: a star writes answers (drafts) through the chat
/// engine on channel <c>trial</c>, its owner submits one of them, once, and never edits it.
/// </summary>
public interface ITrialEntryService
{
    /// <summary>What the entry panel shows for a trial: its window and limits, and each of my stars with its drafts and entry.</summary>
    Task<Result<TrialEntryPanelState>> GetPanelAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>
    /// Has the star write an answer for the trial (a new draft): only in the submission window, only the star's owner,
    /// star not archived, at most 1 + max_regenerations drafts per star and trial, and not once the owner has entered
    /// as many stars as the trial allows.
    /// </summary>
    Task<Result<TrialDraftView>> GenerateAsync(Guid trialId, Guid starId, CancellationToken ct = default);

    /// <summary>The star's drafts for the trial, first attempt first.</summary>
    Task<Result<IReadOnlyList<TrialDraftSummary>>> ListDraftsAsync(Guid trialId, Guid starId, CancellationToken ct = default);

    /// <summary>A draft with its JSON text and its errors (JSON pointer + message).</summary>
    Task<Result<TrialDraftView>> GetDraftAsync(Guid draftId, CancellationToken ct = default);

    /// <summary>
    /// Enters the star with this draft: once per star and trial, within the window and the owner's limit. A draft that
    /// is JSON but breaks the schema may be submitted (it scores 0 for validity); one that is not JSON may not.
    /// </summary>
    Task<Result<MyTrialEntry>> SubmitAsync(Guid draftId, CancellationToken ct = default);

    /// <summary>My entries in every trial, newest first.</summary>
    Task<IReadOnlyList<MyTrialEntry>> ListMyEntriesAsync(CancellationToken ct = default);
}

/// <summary>A draft as lists show it.</summary>
public sealed record TrialDraftSummary(
    Guid Id, Guid TrialId, Guid StarId, int Attempt, bool SchemaValid, int ErrorCount, string Provider, string Model, Guid? ConversationId, DateTimeOffset CreatedAt);

/// <summary>A draft with its answer text (as the star wrote it, fences stripped) and every error.</summary>
public sealed record TrialDraftView(TrialDraftSummary Draft, string Answer, IReadOnlyList<AnswerError> Errors)
{
    /// <summary>The answer indented for reading, or the text as it is when it is not JSON.</summary>
    public string Readable => TrialEntryRules.Indent(Answer);
}

/// <summary>One of my stars as the entry panel offers it.</summary>
/// <param name="DraftsLeft">How many more answers the star may write for this trial.</param>
/// <param name="EntryId">Its entry when it has been submitted.</param>
public sealed record TrialEntryStar(Guid StarId, string Name, int Drafts, int DraftsLeft, Guid? EntryId, Guid? EnteredDraftId);

/// <summary>The entry panel of one trial for the current user.</summary>
public sealed record TrialEntryPanelState(
    Guid TrialId,
    string Title,
    TrialPhase Phase,
    DateTimeOffset SubmitUntil,
    int MaxEntriesPerOwner,
    int MaxDrafts,
    int Entered,
    IReadOnlyList<TrialEntryStar> Stars);

/// <summary>One of my entries (the lead's "my entries" page): where it stands and, after scoring, its results.</summary>
public sealed record MyTrialEntry(
    Guid EntryId,
    Guid TrialId,
    string TrialTitle,
    TrialPhase Phase,
    Guid StarId,
    string StarName,
    Guid? DraftId,
    bool SchemaValid,
    decimal? Score,
    int? Rank,
    int? RankBest,
    int? RankWorst,
    int RewardPoints,
    DateTimeOffset SubmittedAt);

/// <summary>Rules and refusal codes of entering trials.</summary>
public static class TrialEntryRules
{
    public const string Field = "Entry";
    public const string NotOpenCode = "Arena.Entry.NotOpen";
    public const string StarArchivedCode = "Arena.Entry.StarArchived";
    public const string DraftsUsedCode = "Arena.Entry.DraftsUsed";
    public const string LimitCode = "Arena.Entry.Limit";
    public const string AlreadyEnteredCode = "Arena.Entry.AlreadyEntered";
    public const string DraftNotJsonCode = "Arena.Entry.DraftNotJson";
    public const string AnswerFailedCode = "Arena.Entry.AnswerFailed";
    public const string BusyCode = "Arena.Entry.Busy";
    public const string SchemaCode = "Arena.Entry.Schema";
    public const string StorageFailedCode = "Arena.Entry.StorageFailed";

    /// <summary>Drafts a star may write for a trial: the first answer and its regenerations.</summary>
    public static int MaxDrafts(StarTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return 1 + Math.Max(0, trial.MaxRegenerations);
    }

    /// <summary>
    /// The JSON a model answered: the text inside a Markdown code fence (<c>```json … ```</c>) when the answer is
    /// fenced, else the trimmed text. Nothing else is cut, so prose around the JSON stays and fails validation.
    /// </summary>
    public static string ExtractJson(string? answer)
    {
        var text = (answer ?? "").Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstLine = text.IndexOf('\n');
        if (firstLine < 0)
        {
            return text.Trim('`').Trim();
        }

        var body = text[(firstLine + 1)..];
        var close = body.LastIndexOf("```", StringComparison.Ordinal);
        return (close >= 0 ? body[..close] : body).Trim();
    }

    /// <summary>The errors as stored in <c>trial_entry_drafts.errors</c>: a JSON array of {pointer, keyword, message}.</summary>
    public static string ErrorsJson(IReadOnlyList<AnswerError> errors) =>
        JsonSerializer.Serialize(errors.Select(e => new StoredError(e.Pointer, e.Keyword, e.Message)), StoredJson);

    /// <summary>Reads <see cref="ErrorsJson"/> back; anything unreadable gives no errors.</summary>
    public static IReadOnlyList<AnswerError> ParseErrors(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return (JsonSerializer.Deserialize<List<StoredError>>(json, StoredJson) ?? []).Select(e => new AnswerError(e.Pointer ?? "", e.Keyword ?? "", e.Message ?? "")).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>JSON indented for reading; other text as it is.</summary>
    public static string Indent(string answer)
    {
        try
        {
            using var doc = JsonDocument.Parse(answer, new JsonDocumentOptions { MaxDepth = AnswerSchemas.MaxAnswerDepth });
            return JsonSerializer.Serialize(doc.RootElement, IndentedJson);
        }
        catch (JsonException)
        {
            return answer;
        }
    }

    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record StoredError(string? Pointer, string? Keyword, string? Message);
}
