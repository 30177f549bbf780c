namespace StarStudio.Core.Chat;

/// <summary>
/// A rating of one generated answer (docs/training.md), beside the seed's per-conversation <see cref="ConversationFeedback"/>.
/// A regenerated answer keeps its message id but gets a new trace, so each generation is rated on its own
/// (<see cref="TraceId"/> is unique) and the text it had is kept here: two generations of one message with different
/// ratings are a DPO pair.
/// </summary>
public class AnswerFeedback
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid StarId { get; set; }
    /// <summary>The participant who rated (the conversation's user).</summary>
    public Guid UserId { get; set; }
    public Guid MessageId { get; set; }
    /// <summary>The trace of the generation rated; one rating per generation.</summary>
    public Guid TraceId { get; set; }
    public short Rating { get; set; }
    public List<string> Labels { get; set; } = [];
    /// <summary>The user message the answer replied to, as it was.</summary>
    public string Prompt { get; set; } = "";
    /// <summary>The answer as it was when rated.</summary>
    public string Answer { get; set; } = "";
    /// <summary>The model version that wrote the answer (null: the star's base persona).</summary>
    public Guid? ModelVersionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
