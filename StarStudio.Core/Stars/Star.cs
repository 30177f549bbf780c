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
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
