namespace StarStudio.Core.Stars;

/// <summary>An AI persona (智星) owned by a star owner; seed 000 §1.2.</summary>
public class Star
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public string Persona { get; set; } = "";
    public string Tone { get; set; } = "";
    public StarStatus Status { get; set; } = StarStatus.Active;
    public Guid? CurrentModelVersion { get; set; }
    public List<string> Tags { get; set; } = [];
    /// <summary>Object key in the <c>avatars</c> bucket (not in the seed; see docs/decisions.md).</summary>
    public string? AvatarKey { get; set; }
    /// <summary>Per-star chunk size in tokens; null uses <c>system_configs.rag_default_chunk_size</c>.</summary>
    public int? RagChunkSize { get; set; }
    /// <summary>Per-star chunk overlap in tokens; null uses <c>system_configs.rag_default_chunk_overlap</c>.</summary>
    public int? RagChunkOverlap { get; set; }
    /// <summary>Whether players may find and chat with the star (while it is active).</summary>
    public bool IsPublic { get; set; }

    /// <summary>The owner's content rating (<c>ContentFilter.ContentRatings</c>: general, teen, mature, adult; docs/preferences.md).</summary>
    public string ContentRating { get; set; } = "general";

    /// <summary>An admin's floor for <see cref="ContentRating"/>, or null; players are filtered by the higher of the two and the tags.</summary>
    public string? AdminContentRating { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // Character-card fields (issue 14; docs/cards.md): the working copy the owner edits.

    /// <summary>Extra instructions appended to the built system prompt (a card's <c>system_prompt</c>).</summary>
    public string SystemPrompt { get; set; } = "";
    /// <summary>The star's first message in a new chat (a card's <c>first_mes</c>); <c>{{user}}</c> is rendered.</summary>
    public string Greeting { get; set; } = "";
    public List<string> AlternateGreetings { get; set; } = [];
    /// <summary>Example dialogues (a card's <c>mes_example</c>, <c>&lt;START&gt;</c> blocks).</summary>
    public string ExampleDialogues { get; set; } = "";
    public string Scenario { get; set; } = "";
    /// <summary>Notes for people reading the card; never sent to the model.</summary>
    public string CreatorNotes { get; set; } = "";
    /// <summary>Raw JSON of an imported card's fields StarStudio has no column for, exported back unchanged.</summary>
    public string? CardExtras { get; set; }
    /// <summary>The latest persona version (what the working copy was last published as).</summary>
    public Guid? PersonaVersionId { get; set; }
    /// <summary>The persona version players get: the last one an admin approved (docs/persona-versions.md).</summary>
    public Guid? PublicVersionId { get; set; }
}
