using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Analytics;

/// <summary>What a tracking event is counted against (seed 003 <c>RuntimeTrackingScopeKind</c>).</summary>
public enum TrackingScope
{
    Site,
    Star,
    Module,
    User,
}

/// <summary>
/// One raw fact for seed 003's <c>tracking_event</c>. <see cref="EventId"/> makes recording idempotent: an event derived from
/// a row (an order, a message) takes <see cref="TrackingEventIds.For"/> of that row, so a retried action is counted once.
/// The Beijing <c>day_key</c> is computed by the database from <see cref="OccurredAt"/> (<see cref="AnalyticsCalendar.DayKey(DateTimeOffset)"/>).
/// </summary>
public sealed record TrackingEvent(
    Guid EventId,
    string EventKey,
    TrackingScope ScopeKind,
    string ScopeId,
    DateTimeOffset OccurredAt,
    Guid? UserId = null,
    Guid? OwnerUserId = null,
    string? ModuleKey = null,
    IReadOnlyDictionary<string, object?>? Metadata = null)
{
    private static readonly Regex KeyShape = new("^[a-z0-9_]+(\\.[a-z0-9_]+)+$", RegexOptions.CultureInvariant);

    public const int MaxKeyLength = 64;
    public const int MaxScopeIdLength = 64;

    /// <summary>Whether <paramref name="key"/> is a well-formed event key (lower-case dotted, like audit actions).</summary>
    public static bool IsWellFormedKey(string? key) => key is { Length: > 0 and <= MaxKeyLength } && KeyShape.IsMatch(key);
}

/// <summary>Event ids: random (time-ordered) for events that happen many times, derived for events that stand for a row.</summary>
public static class TrackingEventIds
{
    /// <summary>A new time-ordered id (UUIDv7: new rows land at the right edge of the primary key's index).</summary>
    public static Guid New() => Guid.CreateVersion7();

    /// <summary>The same id for the same event key and natural key, every time (SHA-256, shaped as a version-8 UUID).</summary>
    public static Guid For(string eventKey, string naturalKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(eventKey + "\n" + naturalKey), hash);
        var bytes = hash[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>The event keys StarStudio records (docs/analytics.md lists where each is emitted).</summary>
public static class TrackingEventKeys
{
    public const string SignIn = "user.signed_in";
    public const string ConversationStarted = "chat.conversation_started";
    public const string MessageAnswered = "chat.message_answered";
    public const string RatingGiven = "rating.given";
    public const string KnowledgeUploaded = "knowledge.uploaded";
    public const string TrialEntered = "trial.entered";
    public const string OrderPaid = "order.paid";

    public static readonly IReadOnlyList<string> All =
        [SignIn, ConversationStarted, MessageAnswered, RatingGiven, KnowledgeUploaded, TrialEntered, OrderPaid];
}

/// <summary>
/// The port features record tracking events through. <see cref="Track"/> never blocks, never throws and never touches the
/// caller's transaction: the event is queued and written in batches in the background (docs/analytics.md, "writer"). When
/// the queue is full the event is dropped and counted, so analytics can lose an event under overload but can never slow or
/// break the user's action.
/// </summary>
public interface ITrackingEvents
{
    /// <summary>Queues <paramref name="e"/>; false when it was dropped (malformed, or the queue is full).</summary>
    bool Track(TrackingEvent e);
}

/// <summary>Records nothing: for hosts and tests that have no writer.</summary>
public sealed class NoTrackingEvents : ITrackingEvents
{
    public static readonly NoTrackingEvents Instance = new();

    public bool Track(TrackingEvent e) => false;
}

/// <summary>The emit points' one-liners (each picks the event's scope and id the same way everywhere).</summary>
public static class TrackingEventsExtensions
{
    public static bool SignedIn(this ITrackingEvents t, Guid userId, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.New(), TrackingEventKeys.SignIn, TrackingScope.User, userId.ToString(), at, userId, ModuleKey: "identity"));

    public static bool ConversationStarted(this ITrackingEvents t, Guid conversationId, Guid userId, Guid starId, Guid? starOwnerId, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.For(TrackingEventKeys.ConversationStarted, conversationId.ToString()), TrackingEventKeys.ConversationStarted,
            TrackingScope.Star, starId.ToString(), at, userId, starOwnerId, "chat"));

    public static bool MessageAnswered(this ITrackingEvents t, Guid messageId, Guid userId, Guid starId, Guid? starOwnerId, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.For(TrackingEventKeys.MessageAnswered, messageId.ToString()), TrackingEventKeys.MessageAnswered,
            TrackingScope.Star, starId.ToString(), at, userId, starOwnerId, "chat"));

    public static bool RatingGiven(this ITrackingEvents t, string ratingKind, string ratingId, Guid userId, Guid? starId, int? score, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.For(TrackingEventKeys.RatingGiven, ratingKind + ":" + ratingId), TrackingEventKeys.RatingGiven,
            starId is { } s ? TrackingScope.Star : TrackingScope.User, starId?.ToString() ?? userId.ToString(), at, userId, ModuleKey: ratingKind,
            Metadata: score is { } v ? new Dictionary<string, object?> { ["score"] = v } : null));

    public static bool KnowledgeUploaded(this ITrackingEvents t, Guid taskId, Guid userId, Guid starId, long bytes, string sourceType, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.For(TrackingEventKeys.KnowledgeUploaded, taskId.ToString()), TrackingEventKeys.KnowledgeUploaded,
            TrackingScope.Star, starId.ToString(), at, userId, userId, "knowledge",
            new Dictionary<string, object?> { ["bytes"] = bytes, ["source"] = sourceType }));

    public static bool TrialEntered(this ITrackingEvents t, Guid entryId, Guid userId, Guid trialId, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.For(TrackingEventKeys.TrialEntered, entryId.ToString()), TrackingEventKeys.TrialEntered,
            TrackingScope.Module, "arena", at, userId, ModuleKey: "arena", Metadata: new Dictionary<string, object?> { ["trial_id"] = trialId }));

    public static bool OrderPaid(this ITrackingEvents t, Guid orderId, Guid userId, decimal amount, DateTimeOffset at) =>
        t.Track(new TrackingEvent(TrackingEventIds.For(TrackingEventKeys.OrderPaid, orderId.ToString()), TrackingEventKeys.OrderPaid,
            TrackingScope.User, userId.ToString(), at, userId, ModuleKey: "billing", Metadata: new Dictionary<string, object?> { ["amount"] = amount }));
}
