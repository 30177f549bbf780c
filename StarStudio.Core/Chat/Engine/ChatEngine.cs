using StarStudio.Core.Storage;

namespace StarStudio.Core.Chat.Engine;

/// <summary>The star a reply speaks as.</summary>
/// <param name="SystemPrompt">The card's extra instructions, appended to the built system prompt.</param>
/// <param name="Scenario">Where the conversation takes place (a card's scenario).</param>
/// <param name="ExampleDialogues">Example exchanges showing the star's style (<c>&lt;START&gt;</c> blocks).</param>
/// <param name="UserName">The chatting user's name, for <c>{{user}}</c>; empty renders a neutral word.</param>
/// <param name="PersonaVersionId">The persona version these fields come from (recorded with the answer), null for a
/// star that has none yet.</param>
public sealed record StarPersona(
    Guid StarId,
    string Name,
    string Domain,
    string Persona,
    string Tone,
    string? ModelVersion,
    string SystemPrompt = "",
    string Scenario = "",
    string ExampleDialogues = "",
    string UserName = "",
    Guid? PersonaVersionId = null);

/// <summary>A past turn of the conversation, oldest first.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>Everything the engine needs for one reply.</summary>
public sealed record ChatRequest(StarPersona Star, IReadOnlyList<ChatTurn> History, string UserMessage, Guid ConversationId, Guid UserId, Guid RequestId)
{
    /// <summary>
    /// A JSON Schema (draft 2020-12 text) the answer must satisfy, or null for a free-text chat answer. With a schema the
    /// engine asks the model for JSON only (<c>response_format</c> json_schema) and the offline engine writes an instance.
    /// </summary>
    public string? ResponseSchema { get; init; }

    /// <summary>The active model version's prompt adapter (refined instructions and exemplars), or null; docs/training.md.</summary>
    public Training.PromptAdapter? Adapter { get; init; }

    /// <summary>
    /// The model an external trainer's version is served as (the trainer's serving provider and the returned model id),
    /// or null for the platform's default model.
    /// </summary>
    public ServedModel? ModelOverride { get; init; }

    /// <summary>
    /// The chatting user's own system prompt (docs/preferences.md), or null: added after the star's persona as the user's
    /// preferences, never above the star's boundaries; left out of the trace the owner reads.
    /// </summary>
    public string? UserSystemPrompt { get; init; }

    /// <summary>
    /// Text from files attached to this conversation (docs/chat-attachments.md), best first: given to the model as
    /// numbered passages before the star's knowledge, cited like them.
    /// </summary>
    public IReadOnlyList<Knowledge.Retrieval.RetrievedPassage> AttachmentPassages { get; init; } = [];

    /// <summary>Images attached to this conversation by name: stored and shown, never read by the model (it is told so).</summary>
    public IReadOnlyList<string> UnreadAttachments { get; init; } = [];
    /// <summary>The chatting user's enabled chat template (an extension), or null; docs/extensions.md.</summary>
    public Extensions.ChatTemplatePack? Template { get; init; }
}

/// <summary>A model a version is served as: an <c>llm_providers</c> row and the model id there.</summary>
public sealed record ServedModel(Guid ProviderId, string ModelId);

/// <summary>Something the engine reports while it answers.</summary>
public abstract record ChatEvent;

/// <summary>More text of the answer.</summary>
public sealed record ChatDelta(string Text) : ChatEvent;

/// <summary>More of the model's thinking (a <c>has_thinking</c> model's reasoning), shown apart from the answer.</summary>
public sealed record ChatThinkingDelta(string Text) : ChatEvent;

/// <summary>A tool the model called, with what it returned.</summary>
public sealed record ChatToolEvent(string Name, string Arguments, string Result, int DurationMs) : ChatEvent;

/// <summary>The end of the reply (always the last event, also after a failure or cancellation).</summary>
public sealed record ChatCompleted(ChatOutcome Outcome) : ChatEvent;

/// <summary>How a reply went: the text, what it cost, where it came from, and the trace to keep.</summary>
public sealed record ChatOutcome(
    string Content,
    string Provider,
    string Model,
    int TokensIn,
    int TokensOut,
    IReadOnlyList<MessageCitation> Citations,
    IReadOnlyList<ToolCallRecord> ToolCalls,
    IReadOnlyList<TraceStepRecord> Steps,
    string PromptJson,
    int? FirstTokenMs,
    int TotalMs,
    bool Success,
    bool Cancelled,
    string? ErrorPhase,
    string? Error,
    decimal Cost)
{
    /// <summary>The share of the answer's word 5-grams found in the passages it was given (null: none given, or it failed).</summary>
    public double? CopiedShare { get; init; }

    /// <summary>How many of the given passages the answer cites by number.</summary>
    public int CitationCount { get; init; }

    /// <summary>What a <c>has_thinking</c> model thought before answering (null: none); kept with the answer, never sent back.</summary>
    public string? Thinking { get; init; }
}

/// <summary>A step of the trace as the engine saw it (persisted as <see cref="ChatTraceStep"/>).</summary>
public sealed record TraceStepRecord(string Kind, string Name, string? InputJson, string? OutputJson, int TokensIn, int TokensOut, int DurationMs, bool Success, string? Error);

/// <summary>Answers as a star: builds the prompt (persona, knowledge, history), calls the model or the offline engine, streams.</summary>
public interface IStarChatEngine
{
    /// <summary>Streams the reply. Never throws for model failures: the final <see cref="ChatCompleted"/> says what happened.</summary>
    IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, CancellationToken ct = default);
}
