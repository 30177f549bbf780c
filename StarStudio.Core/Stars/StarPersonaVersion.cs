namespace StarStudio.Core.Stars;

/// <summary>
/// An immutable snapshot of a star's persona, made on every publish (seed 002 <c>agent_versions</c>); PostgreSQL refuses
/// updates and deletes (docs/persona-versions.md).
/// </summary>
public class StarPersonaVersion
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    /// <summary>1, 2, … per star.</summary>
    public int VersionNo { get; set; }
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public string Persona { get; set; } = "";
    public string Tone { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public string SystemPrompt { get; set; } = "";
    public string Greeting { get; set; } = "";
    public List<string> AlternateGreetings { get; set; } = [];
    public string ExampleDialogues { get; set; } = "";
    public string Scenario { get; set; } = "";
    public string CreatorNotes { get; set; } = "";
    public PersonaVersionSource Source { get; set; }
    /// <summary>The version a rollback restored.</summary>
    public Guid? BasedOnVersionId { get; set; }
    public string ChangeLog { get; set; } = "";
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How a persona version came about.</summary>
public enum PersonaVersionSource
{
    Create,
    Edit,
    Import,
    Rollback,
    Assistant,
}

/// <summary>An owner's request to show a persona version to players, and an admin's verdict (seed 002 publish review).</summary>
public class StarReview
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public Guid PersonaVersionId { get; set; }
    public StarReviewStatus Status { get; set; } = StarReviewStatus.Pending;
    /// <summary>Why it was rejected (required then), shown to the owner.</summary>
    public string? Reason { get; set; }
    public Guid RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public Guid? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
}

/// <summary>Where a review stands.</summary>
public enum StarReviewStatus
{
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}
