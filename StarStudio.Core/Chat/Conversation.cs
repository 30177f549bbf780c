namespace StarStudio.Core.Chat;

/// <summary>A conversation between a user and a star; seed 000 §1.5.</summary>
public class Conversation
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public Guid UserId { get; set; }
    public ConversationChannel Channel { get; set; } = ConversationChannel.Web;
    public ConversationStatus Status { get; set; } = ConversationStatus.Active;
    public short? FeedbackScore { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    // Not in the seed (docs/decisions.md): a title for the history list, soft delete, activity time.
    public string Title { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>The persona version the latest answer used (docs/persona-versions.md).</summary>
    public Guid? PersonaVersionId { get; set; }
}

/// <summary>A user's rating of a conversation; seed 000 §1.6.</summary>
public class ConversationFeedback
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public short Rating { get; set; }
    public string? Comment { get; set; }
    public List<string> Labels { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Seed 000 <c>conversations.channel</c>.</summary>
public enum ConversationChannel
{
    Web,
    Mobile,
    Api,
    Trial,
}

/// <summary>Seed 000 <c>conversations.status</c>.</summary>
public enum ConversationStatus
{
    Active,
    Closed,
}
