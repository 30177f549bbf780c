using StarStudio.Core.Common;

namespace StarStudio.Core.Creation;

/// <summary>
/// The creation assistant (<c>/studio/create</c>): sessions of the current user from a one-line idea to a published
/// star. Every change recomputes the findings and the publish gate; a session can be left and resumed, or taken back
/// to a checkpoint. Another user's session is not found (row-level security).
/// </summary>
public interface ICreationAssistantService
{
    /// <summary>The current user's sessions, most recently changed first (at most 100).</summary>
    Task<IReadOnlyList<CreationSessionSummary>> ListMineAsync(CancellationToken ct = default);

    /// <summary>Starts a session from an idea: stores it, proposes anchors (offline rules) and takes the first checkpoint.</summary>
    Task<Result<CreationSessionView>> StartAsync(string idea, CancellationToken ct = default);

    Task<Result<CreationSessionView>> GetAsync(Guid sessionId, CancellationToken ct = default);

    /// <summary>Stores the owner's anchors (validated per field) and takes a checkpoint.</summary>
    Task<Result<CreationSessionView>> UpdateAnchorsAsync(Guid sessionId, CreationAnchors anchors, CancellationToken ct = default);

    /// <summary>
    /// Drafts the four cards from the anchors: through the configured chat model when there is one (falling back to the
    /// offline drafter, with the reason, when it fails), else offline. Replaces every card, moves to drafting and takes a checkpoint.
    /// </summary>
    Task<Result<CreationSessionView>> DraftAsync(Guid sessionId, CancellationToken ct = default);

    /// <summary>Stores the owner's text of one card (marked edited).</summary>
    Task<Result<CreationSessionView>> EditCardAsync(Guid sessionId, CreationDraftKind kind, string content, CancellationToken ct = default);

    /// <summary>Moves a drafted session to reviewing.</summary>
    Task<Result<CreationSessionView>> ReviewAsync(Guid sessionId, CancellationToken ct = default);

    /// <summary>Takes a checkpoint of the session as it is now, with the owner's label.</summary>
    Task<Result<CreationSessionView>> AddCheckpointAsync(Guid sessionId, string label, CancellationToken ct = default);

    /// <summary>Brings the session back to a checkpoint (stage, anchors, cards); the restore is itself recorded as a message.</summary>
    Task<Result<CreationSessionView>> RestoreAsync(Guid sessionId, Guid checkpointId, CancellationToken ct = default);

    /// <summary>
    /// Creates the star (<c>IStarService.CreateAsync</c>, version source Assistant) and a knowledge note with the knowledge
    /// plan; refused with the gate's blockers as field errors while the gate is closed. Returns the new star's id.
    /// </summary>
    Task<Result<Guid>> PublishAsync(Guid sessionId, CancellationToken ct = default);
}

/// <summary>A row of the session list.</summary>
public sealed record CreationSessionSummary(Guid Id, string SeedText, string Name, CreationStage Stage, int ProgressPercent, Guid? PublishedStarId, DateTimeOffset UpdatedAt);

/// <summary>A session with everything its page shows.</summary>
public sealed record CreationSessionView(
    Guid Id,
    string SeedText,
    CreationStage Stage,
    int ProgressPercent,
    int CurrentTurn,
    string? Engine,
    Guid? PublishedStarId,
    string? LastAssistantReply,
    DateTimeOffset UpdatedAt,
    CreationAnchors Anchors,
    IReadOnlyList<CreationCardView> Cards,
    IReadOnlyList<CreationFinding> Findings,
    PublishGateResult Gate,
    IReadOnlyList<CreationMessageView> Messages,
    IReadOnlyList<CreationCheckpointView> Checkpoints)
{
    /// <summary>The cards as text (empty strings for kinds not drafted).</summary>
    public CreationDrafts Drafts => CreationCards.ToDrafts(Cards.Select(c => (c.Kind, c.Content)));

    /// <summary>Whether the last draft came from the offline templates.</summary>
    public bool DraftedOffline => Engine == CreationEngines.Offline;
}

/// <summary>A draft card.</summary>
public sealed record CreationCardView(CreationDraftKind Kind, CreationDraftStatus Status, string Title, string Content, int WarningCount, DateTimeOffset UpdatedAt);

/// <summary>A message of the session log.</summary>
public sealed record CreationMessageView(CreationMessageRole Role, string Kind, string Text, DateTimeOffset CreatedAt);

/// <summary>A checkpoint (its snapshot stays on the server).</summary>
public sealed record CreationCheckpointView(Guid Id, int Turn, string Label, CreationStage Stage, DateTimeOffset CreatedAt);

/// <summary><c>creation_agent_sessions.engine</c>: who drafted last.</summary>
public static class CreationEngines
{
    public const string Offline = "offline";
    public const string Llm = "llm";
}

/// <summary><c>creation_agent_messages.kind</c>.</summary>
public static class CreationMessageKinds
{
    public const string Idea = "idea";
    public const string Anchors = "anchors";
    public const string Draft = "draft";
    public const string Findings = "findings";
    public const string Note = "note";
    public const string Checkpoint = "checkpoint";
}

/// <summary>Cards ↔ <see cref="CreationDrafts"/>, their titles and limits.</summary>
public static class CreationCards
{
    public static readonly IReadOnlyList<CreationDraftKind> Kinds = [CreationDraftKind.Persona, CreationDraftKind.Greeting, CreationDraftKind.Examples, CreationDraftKind.KnowledgePlan];

    /// <summary>The knowledge plan is a note of the star's knowledge base; far below the note limit.</summary>
    public const int KnowledgePlanMax = 8000;

    public static CreationDrafts ToDrafts(IEnumerable<(CreationDraftKind Kind, string Content)> cards)
    {
        var map = cards.ToDictionary(c => c.Kind, c => c.Content);
        return new CreationDrafts(
            map.GetValueOrDefault(CreationDraftKind.Persona) ?? "",
            map.GetValueOrDefault(CreationDraftKind.Greeting) ?? "",
            map.GetValueOrDefault(CreationDraftKind.Examples) ?? "",
            map.GetValueOrDefault(CreationDraftKind.KnowledgePlan) ?? "");
    }

    public static string ContentOf(CreationDrafts drafts, CreationDraftKind kind) => kind switch
    {
        CreationDraftKind.Persona => drafts.Persona,
        CreationDraftKind.Greeting => drafts.Greeting,
        CreationDraftKind.Examples => drafts.Examples,
        _ => drafts.KnowledgePlan,
    };

    /// <summary>The <c>creation_draft_cards.kind</c> label, also the finding field of a card's warnings.</summary>
    public static string KeyOf(CreationDraftKind kind) => kind switch
    {
        CreationDraftKind.Persona => "persona",
        CreationDraftKind.Greeting => "greeting",
        CreationDraftKind.Examples => "examples",
        _ => "knowledge_plan",
    };

    /// <summary>A card's stored title (the UI shows its own localized heading).</summary>
    public static string TitleOf(CreationDraftKind kind, bool english) => (kind, english) switch
    {
        (CreationDraftKind.Persona, false) => "人设",
        (CreationDraftKind.Greeting, false) => "开场白",
        (CreationDraftKind.Examples, false) => "示例对话",
        (CreationDraftKind.KnowledgePlan, false) => "知识库计划",
        (CreationDraftKind.Persona, true) => "Persona",
        (CreationDraftKind.Greeting, true) => "Greeting",
        (CreationDraftKind.Examples, true) => "Example dialogues",
        _ => "Knowledge plan",
    };

    /// <summary>The longest text a card may hold (the star's own limits).</summary>
    public static int MaxOf(CreationDraftKind kind) => kind switch
    {
        CreationDraftKind.Persona => Stars.StarRules.PersonaMax,
        CreationDraftKind.Greeting => Stars.StarRules.GreetingMax,
        CreationDraftKind.Examples => Stars.StarRules.ExampleDialoguesMax,
        _ => KnowledgePlanMax,
    };
}

/// <summary>Input rules of the assistant: the idea, the anchors and a card, each error at its field.</summary>
public static class CreationRules
{
    public const int CheckpointLabelMax = 80;

    public static IReadOnlyList<FieldError> ValidateIdea(string? idea)
    {
        var t = (idea ?? "").Trim();
        return t.Length == 0 ? [new FieldError("Idea", "Creation.Idea.Required")]
            : Stars.StarRules.Length(t) > OfflineCreationDrafter.IdeaMax ? [new FieldError("Idea", "Creation.Idea.TooLong", OfflineCreationDrafter.IdeaMax)]
            : [];
    }

    public static IReadOnlyList<FieldError> ValidateAnchors(CreationAnchors anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var a = anchors.Normalized();
        var errors = new List<FieldError>();
        void Max(string field, string value, int max)
        {
            if (Stars.StarRules.Length(value) > max)
            {
                errors.Add(new FieldError(field, $"Creation.Anchors.{field}.TooLong", max));
            }
        }

        Max(nameof(CreationAnchors.Name), a.Name, CreationAnchors.NameMax);
        Max(nameof(CreationAnchors.Domain), a.Domain, CreationAnchors.DomainMax);
        Max(nameof(CreationAnchors.Persona), a.Persona, CreationAnchors.PersonaMax);
        Max(nameof(CreationAnchors.Tone), a.Tone, CreationAnchors.ToneMax);
        Max(nameof(CreationAnchors.Audience), a.Audience, CreationAnchors.AudienceMax);
        Max(nameof(CreationAnchors.Boundaries), a.Boundaries, CreationAnchors.BoundariesMax);
        if (a.SampleQuestions.Count > CreationAnchors.SampleQuestionsMax)
        {
            errors.Add(new FieldError(nameof(CreationAnchors.SampleQuestions), "Creation.Anchors.SampleQuestions.TooMany", CreationAnchors.SampleQuestionsMax));
        }
        else if (a.SampleQuestions.Any(q => Stars.StarRules.Length(q) > CreationAnchors.SampleQuestionMax))
        {
            errors.Add(new FieldError(nameof(CreationAnchors.SampleQuestions), "Creation.Anchors.SampleQuestions.TooLong", CreationAnchors.SampleQuestionMax));
        }

        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateCard(CreationDraftKind kind, string? content)
    {
        var max = CreationCards.MaxOf(kind);
        return Stars.StarRules.Length(content) > max ? [new FieldError(CreationCards.KeyOf(kind), "Creation.Card.TooLong", max)] : [];
    }

    public static IReadOnlyList<FieldError> ValidateLabel(string? label)
    {
        var t = (label ?? "").Trim();
        return t.Length == 0 ? [new FieldError("Label", "Creation.Checkpoint.Label.Required")]
            : Stars.StarRules.Length(t) > CheckpointLabelMax ? [new FieldError("Label", "Creation.Checkpoint.Label.TooLong", CheckpointLabelMax)]
            : [];
    }
}
