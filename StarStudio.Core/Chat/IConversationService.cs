using System.Threading.RateLimiting;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;

namespace StarStudio.Core.Chat;

/// <summary>Conversations between a user and a star: start, stream answers, stop, retry, rate, and the owner's view.</summary>
/// <remarks>Every call acts as the current user: a conversation is its user's (and readable by the star's owner).</remarks>
public interface IConversationService
{
    /// <summary>The current user's conversations (optionally with one star), newest activity first; deleted ones are left out.</summary>
    Task<Page<ConversationSummary>> ListMineAsync(Guid? starId, int page, int pageSize, CancellationToken ct = default);

    /// <summary>Starts a conversation with an active public star, or with one of the user's own stars.</summary>
    Task<Result<Conversation>> StartAsync(Guid starId, ConversationChannel channel, CancellationToken ct = default);

    /// <summary>The conversation with its messages; not found (or not the user's) gives <see cref="ResultKind.Forbidden"/>.</summary>
    Task<Result<ConversationView>> GetAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>Sends a message and streams the star's answer. The first update is <see cref="ChatRefused"/> when the message is not accepted.</summary>
    IAsyncEnumerable<ChatUpdate> SendAsync(Guid conversationId, string message, CancellationToken ct = default);

    /// <summary>Answers the last user message again, replacing the last answer (also how a failed answer is retried).</summary>
    IAsyncEnumerable<ChatUpdate> RegenerateAsync(Guid conversationId, CancellationToken ct = default);

    Task<Result<Conversation>> RenameAsync(Guid conversationId, string title, CancellationToken ct = default);

    /// <summary>Closes a conversation: it stays readable but takes no new messages.</summary>
    Task<Result<Conversation>> CloseAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>Soft-deletes a conversation (it leaves the history list).</summary>
    Task<Result<bool>> DeleteAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>Rates the conversation 1–5 with labels and a comment; keeps <c>conversations.feedback_score</c> in step.</summary>
    Task<Result<ConversationFeedback>> RateAsync(Guid conversationId, short rating, IReadOnlyList<string> labels, string? comment, CancellationToken ct = default);

    /// <summary>
    /// Rates one generation of a completed answer in the user's own conversation (docs/training-datasets.md): rating the same
    /// generation again updates it; a regenerated answer is a new generation with a rating of its own.
    /// </summary>
    Task<Result<AnswerFeedback>> RateAnswerAsync(Guid conversationId, Guid messageId, short rating, IReadOnlyList<string> labels, CancellationToken ct = default);

    /// <summary>The current user's ratings of the generations in a conversation, by trace id (empty when there are none or it is not theirs).</summary>
    Task<IReadOnlyDictionary<Guid, AnswerRatingView>> GetMyAnswerRatingsAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>The trace of one answer, for the star's owner (or an admin).</summary>
    Task<Result<TraceView>> GetTraceAsync(Guid messageId, CancellationToken ct = default);

    /// <summary>The text of a cited passage, for whoever may read the conversation.</summary>
    Task<Result<string>> GetCitedPassageAsync(Guid conversationId, Guid chunkId, CancellationToken ct = default);

    /// <summary>Feedback on a star's conversations for its owner: averages, labels, recent comments, daily trend.</summary>
    Task<Result<StarFeedbackReport>> GetFeedbackReportAsync(Guid starId, CancellationToken ct = default);
}

/// <summary>A row of the conversation history list.</summary>
public sealed record ConversationSummary(Guid Id, Guid StarId, string StarName, string Title, ConversationStatus Status, short? FeedbackScore, DateTimeOffset UpdatedAt);

/// <summary>A conversation as the chat page shows it.</summary>
public sealed record ConversationView(
    Conversation Conversation,
    string StarName,
    string StarDomain,
    string StarTone,
    bool StarHasAvatar,
    bool ViewerOwnsStar,
    bool ViewerIsParticipant,
    IReadOnlyList<ConversationMessageDocument> Messages,
    ConversationFeedback? Feedback,
    string Greeting = "",
    int? PersonaVersionNo = null);

/// <summary>A rating of one generation as the chat shows it.</summary>
public sealed record AnswerRatingView(Guid MessageId, Guid TraceId, short Rating, IReadOnlyList<string> Labels);

/// <summary>Something that happened while a message is sent and answered.</summary>
public abstract record ChatUpdate;

/// <summary>The message was not accepted; nothing was stored.</summary>
public sealed record ChatRefused(FieldError Error) : ChatUpdate;

/// <summary>The user's message is stored.</summary>
public sealed record ChatUserMessage(ConversationMessageDocument Message) : ChatUpdate;

/// <summary>More of the answer's text.</summary>
public sealed record ChatAnswerDelta(string Text) : ChatUpdate;

/// <summary>More of the model's thinking (docs/chat.md), shown collapsed above the answer.</summary>
public sealed record ChatThinking(string Text) : ChatUpdate;

/// <summary>The answer is stored (completed, stopped or failed).</summary>
public sealed record ChatAnswered(ConversationMessageDocument Message, string? Error) : ChatUpdate;

/// <summary>A trace with its steps, as its owner sees it.</summary>
/// <param name="PersonaVersionNo">The number of the persona version the answer used, if it recorded one.</param>
public sealed record TraceView(ChatTrace Summary, IReadOnlyList<ChatTraceStep> Steps, int? PersonaVersionNo = null);

/// <summary>What players said about a star's conversations.</summary>
public sealed record StarFeedbackReport(int Ratings, double? Average, IReadOnlyDictionary<string, int> Labels, IReadOnlyList<FeedbackComment> Recent, IReadOnlyList<DailyRating> Trend);

/// <summary>A recent comment with its rating.</summary>
public sealed record FeedbackComment(Guid ConversationId, short Rating, string? Comment, IReadOnlyList<string> Labels, DateTimeOffset CreatedAt);

/// <summary>The average rating of one day.</summary>
public sealed record DailyRating(DateOnly Day, double Average, int Count);

/// <summary>Rules for messages and feedback.</summary>
public static class ChatRules
{
    public const int TitleMax = 120;
    public const int CommentMax = 2000;
    public const int DefaultMaxMessageChars = 4000;
    public const int DefaultRatePerMinute = 20;

    /// <summary>Labels a player can give (seed 000 §1.6: 深度/准确 …).</summary>
    public static readonly IReadOnlyList<string> Labels = ["深度", "准确", "有用", "有趣", "啰嗦", "错误"];

    public static FieldError? ValidateMessage(string? message, int maxChars)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return new FieldError("Message", "Chat.Message.Empty");
        }

        return message.Length > maxChars ? new FieldError("Message", "Chat.Message.TooLong", maxChars) : null;
    }

    public static IReadOnlyList<FieldError> ValidateFeedback(short rating, IReadOnlyList<string> labels, string? comment)
    {
        var errors = new List<FieldError>();
        if (rating is < 1 or > 5)
        {
            errors.Add(new FieldError("Rating", "Chat.Feedback.Rating.Range"));
        }

        if (labels.FirstOrDefault(l => !Labels.Contains(l)) is { } unknown)
        {
            errors.Add(new FieldError("Labels", "Chat.Feedback.Label.Unknown", unknown));
        }

        if (comment?.Length > CommentMax)
        {
            errors.Add(new FieldError("Comment", "Chat.Feedback.Comment.TooLong", CommentMax));
        }

        return errors;
    }

    /// <summary>
    /// Why a message cannot be rated as an answer (null: it can): only a completed star answer that has a trace (the
    /// generation the rating names) is rated.
    /// </summary>
    public static FieldError? RateableAnswer(Storage.ConversationMessageDocument? message)
    {
        if (message is null || message.Sender != Storage.MessageSenders.Star)
        {
            return new FieldError("Message", "Chat.AnswerRating.NotAnAnswer");
        }

        return message.Status != Storage.MessageStatuses.Completed || message.TraceId is null || string.IsNullOrWhiteSpace(message.Content)
            ? new FieldError("Message", "Chat.AnswerRating.NotCompleted")
            : null;
    }

    /// <summary>The user message an answer replied to: the last user message before it (null: none).</summary>
    public static Storage.ConversationMessageDocument? PromptOf(IReadOnlyList<Storage.ConversationMessageDocument> messages, Guid answerId)
    {
        Storage.ConversationMessageDocument? prompt = null;
        foreach (var m in messages)
        {
            if (m.Id == answerId)
            {
                return prompt;
            }

            if (m.Sender == Storage.MessageSenders.User)
            {
                prompt = m;
            }
        }

        return null;
    }

    /// <summary>The answer failed without a more specific reason.</summary>
    public const string AnswerFailed = "Chat.Answer.Failed";

    /// <summary>The model service failed, timed out or answered garbage (before or while streaming).</summary>
    public const string AnswerFailedProvider = "Chat.Answer.Failed.Provider";

    /// <summary>
    /// What the person who asked is told when an answer fails: a resource key by phase, because a provider's error text can
    /// carry its endpoint, account or request details (and whatever a compromised or injected upstream chose to write).
    /// Admins, who configure providers, get the engine's own text; the trace keeps it for the star's owner and admins.
    /// </summary>
    public static string AnswerError(string? errorPhase, string? engineError, bool isAdmin)
    {
        if (isAdmin && !string.IsNullOrWhiteSpace(engineError))
        {
            return engineError;
        }

        return errorPhase is Engine.ChatErrorPhases.ModelCall or Engine.ChatErrorPhases.Stream ? AnswerFailedProvider : AnswerFailed;
    }

    /// <summary>A title from the first message: its first line, at most 30 characters.</summary>
    public static string TitleFrom(string message)
    {
        var line = message.Trim().Split('\n')[0].Trim();
        return line.Length <= 30 ? line : line[..30] + "…";
    }
}

/// <summary>
/// Messages per user per minute, in process (one app instance; see docs/chat.md): a sliding window of six 10-second
/// segments per user, from <c>System.Threading.RateLimiting</c>. A user's window is dropped once it has refilled and stayed
/// idle (the partitioned limiter evicts idle partitions), so memory follows the users chatting now, not every user since
/// start. The limit is part of the partition key, so an admin's change applies from the next message.
/// </summary>
public sealed class ChatRateLimiter : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // AutoReplenishment off: the partitioned limiter's own 100 ms heartbeat replenishes every window, instead of one timer per user.
    private readonly PartitionedRateLimiter<(Guid User, int PerMinute)> limiter = PartitionedRateLimiter.Create<(Guid User, int PerMinute), (Guid User, int PerMinute)>(
        key => RateLimitPartition.GetSlidingWindowLimiter(key, k => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = k.PerMinute,
            Window = Window,
            SegmentsPerWindow = 6,
            QueueLimit = 0,
            AutoReplenishment = false,
        }));

    /// <summary>Takes a permit for <paramref name="userId"/>; false when the user sent <paramref name="perMinute"/> messages in the last minute.</summary>
    public bool TryAcquire(Guid userId, int perMinute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        using var lease = limiter.AttemptAcquire((userId, perMinute));
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
