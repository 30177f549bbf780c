using System.Text.Json;

namespace StarStudio.Core.Market;

/// <summary>
/// Calls a skill's endpoint the one way StarStudio does: an HTTPS POST of <c>{"tool", "arguments", "star_id",
/// "conversation_id", "request_id"}</c> signed with HMAC-SHA256, through the SSRF-guarded HTTP client, with a timeout, a
/// response size limit, a JSON content check and validation against the output schema. It never throws for anything the
/// endpoint does; the outcome says what happened. Used by the chat (a star's subscribed skills) and by the editor's "try it".
/// </summary>
public interface ISkillEndpointCaller
{
    Task<SkillEndpointOutcome> CallAsync(SkillEndpointRequest request, CancellationToken ct = default);
}

/// <summary>What to call and how.</summary>
/// <param name="Endpoint">The version's <c>api_endpoint</c>.</param>
/// <param name="ToolName">The name the model called it by (sent as <c>tool</c>).</param>
/// <param name="Arguments">The arguments object (checked against the input schema by the caller before the call).</param>
/// <param name="SigningSecret">The skill's signing secret in plain text.</param>
/// <param name="OutputSchema">The version's output schema (JSON text; <c>{}</c> accepts any JSON).</param>
/// <param name="RequestId">The call's idempotency key, sent so the endpoint can deduplicate retries.</param>
/// <param name="AuthHeader">The header carrying <paramref name="AuthSecret"/>, when the skill uses one.</param>
public sealed record SkillEndpointRequest(
    Uri Endpoint,
    string ToolName,
    JsonElement Arguments,
    string SigningSecret,
    string OutputSchema,
    string RequestId,
    Guid? StarId = null,
    Guid? ConversationId = null,
    string? AuthHeader = null,
    string? AuthSecret = null);

/// <summary>How a call went: the body (as text, capped), its validation, and on failure a <c>Market.Call.*</c> code and a message for the model.</summary>
public sealed record SkillEndpointOutcome(
    bool Success,
    string? ErrorCode,
    string? ErrorMessage,
    int? HttpStatus,
    string? Body,
    IReadOnlyList<string> ValidationErrors,
    TimeSpan Latency);
