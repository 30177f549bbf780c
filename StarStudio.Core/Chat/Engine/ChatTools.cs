using System.Text.Json;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Chat.Engine;

/// <summary>
/// A tool the model may call while it answers: a name, a description, the JSON schema of its arguments and the
/// call itself. The built-in <c>search_knowledge</c> is one; a marketplace skill (a JSON schema and an HTTP
/// endpoint) is another, supplied by its own <see cref="IChatToolSource"/>.
/// </summary>
public interface IChatTool
{
    /// <summary>The function name the model calls (<c>^[a-zA-Z0-9_-]{1,64}$</c>, unique per request).</summary>
    string Name { get; }

    /// <summary>What the tool does, for the model.</summary>
    string Description { get; }

    /// <summary>A JSON schema of type <c>object</c> describing the arguments.</summary>
    JsonElement ParametersSchema { get; }

    /// <summary>
    /// Runs the call. Problems the model should hear about (bad arguments, an endpoint that failed) come back as a
    /// result with <see cref="ChatToolResult.Success"/> false; exceptions are caught by the engine and reported the same way.
    /// </summary>
    Task<ChatToolResult> InvokeAsync(JsonElement arguments, ChatToolContext context, CancellationToken ct);
}

/// <summary>
/// A tool with worked examples (a marketplace skill), which the offline engine calls without a model when the question
/// matches one (<see cref="Market.Calls.OfflineSkillMatcher"/>).
/// </summary>
public interface IExampleChatTool : IChatTool
{
    /// <summary>The name people know the tool by (shown in the offline answer).</summary>
    string DisplayName { get; }

    IReadOnlyList<Market.Calls.SkillExample> Examples { get; }
}

/// <summary>Supplies the tools of one request: the built-ins, and later the star's subscribed skills.</summary>
public interface IChatToolSource
{
    ValueTask<IReadOnlyList<IChatTool>> GetToolsAsync(ChatRequest request, CancellationToken ct);
}

/// <summary>What a tool returned: the text handed back to the model.</summary>
public sealed record ChatToolResult(string Content, bool Success = true, string? Error = null)
{
    /// <summary>A JSON object the trace step shows next to the result (a skill's version, latency, error code, charge); not sent to the model.</summary>
    public string? Trace { get; init; }

    /// <summary>A failed call; <paramref name="error"/> is also what the model is told.</summary>
    public static ChatToolResult Failed(string error) => new("Error: " + error, false, error);
}

/// <summary>The request a tool call runs for, and the answer's citation list that knowledge tools add to.</summary>
public sealed class ChatToolContext(ChatRequest request, Func<RetrievedPassage, int> cite, string? callId = null)
{
    /// <summary>The model's id of this tool call (with the request id, the idempotency key of a metered call).</summary>
    public string? CallId { get; } = callId;

    public ChatRequest Request { get; } = request ?? throw new ArgumentNullException(nameof(request));

    public StarPersona Star => Request.Star;

    /// <summary>Adds <paramref name="passage"/> to the answer's citations and returns its number <c>[n]</c>; a passage cited before keeps its number.</summary>
    public int Cite(RetrievedPassage passage) => cite(passage);
}

/// <summary>Values of <see cref="ChatOutcome.ErrorPhase"/>.</summary>
public static class ChatErrorPhases
{
    /// <summary>The chat configuration could not be read.</summary>
    public const string Config = "config";

    /// <summary>No model answered (HTTP error, timeout, garbage) before the first token, and no fallback did either.</summary>
    public const string ModelCall = "model_call";

    /// <summary>The answer broke off after part of it had been streamed (the part is kept).</summary>
    public const string Stream = "stream";

    /// <summary>The caller cancelled (the part streamed so far is kept).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Something unexpected in the engine itself.</summary>
    public const string Internal = "internal";
}

/// <summary>Names the engine reports in <see cref="ChatOutcome.Provider"/> and <see cref="ChatOutcome.Model"/> for the built-in offline engine.</summary>
public static class OfflineEngine
{
    public const string Provider = "offline";
    public const string Model = "starstudio-offline";
}
