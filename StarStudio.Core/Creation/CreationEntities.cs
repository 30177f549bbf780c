namespace StarStudio.Core.Creation;

/// <summary>
/// A creation assistant session: from a one-line idea through anchors and draft cards to a published star (seed 003
/// <c>custom_world_agent_session</c>; docs/creation-assistant.md).
/// </summary>
public class CreationSession
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public string SeedText { get; set; } = "";
    public int CurrentTurn { get; set; }
    public short ProgressPercent { get; set; }
    public CreationStage Stage { get; set; } = CreationStage.CollectingAnchors;
    /// <summary>Raw JSON of the anchors (name, domain, persona, tone, audience, boundaries, sample questions).</summary>
    public string Anchors { get; set; } = "{}";
    /// <summary>Raw JSON array of the quality findings.</summary>
    public string QualityFindings { get; set; } = "[]";
    /// <summary>Raw JSON of the publish gate (what still blocks publishing).</summary>
    public string PublishGate { get; set; } = "{}";
    public string? LastAssistantReply { get; set; }
    /// <summary>Who drafted last: <c>offline</c> (templates) or <c>llm</c>.</summary>
    public string? Engine { get; set; }
    public Guid? PublishedStarId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Seed 003 <c>RpgAgentStage</c>, for stars.</summary>
public enum CreationStage
{
    CollectingAnchors,
    Drafting,
    Reviewing,
    Published,
}

/// <summary>A message of a creation session (seed 003 <c>custom_world_agent_message</c>).</summary>
public class CreationMessage
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    public CreationMessageRole Role { get; set; }
    /// <summary>idea, anchors, draft, findings, note, checkpoint.</summary>
    public string Kind { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Who wrote a creation message.</summary>
public enum CreationMessageRole
{
    User,
    Assistant,
}

/// <summary>A draft card of a session, one per kind (seed 003 <c>custom_world_draft_card</c>).</summary>
public class CreationDraftCard
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    public CreationDraftKind Kind { get; set; }
    public CreationDraftStatus Status { get; set; } = CreationDraftStatus.Drafted;
    public string Title { get; set; } = "";
    public string Content { get; set; } = "";
    public int WarningCount { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The cards the assistant drafts.</summary>
public enum CreationDraftKind
{
    Persona,
    Greeting,
    Examples,
    KnowledgePlan,
}

/// <summary>Whether the owner has edited a drafted card.</summary>
public enum CreationDraftStatus
{
    Drafted,
    Edited,
}

/// <summary>A point of a session the owner can go back to: stage, anchors and drafts as they were.</summary>
public class CreationCheckpoint
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    public int Turn { get; set; }
    public string Label { get; set; } = "";
    /// <summary>Raw JSON: stage, anchors and drafts.</summary>
    public string Snapshot { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
}
