using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Arena;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Market.Calls;

/// <summary>A row of <c>skill_chat_tools(star)</c>: a callable subscription of the star and what calling it needs.</summary>
internal sealed record SkillToolRow(
    Guid SubscriptionId, Guid SkillId, Guid VersionId, string Version, string Name, string? Description, string? DescriptionEn,
    string InputSchema, string OutputSchema, string Examples, string ApiEndpoint, string PricingType, decimal Price,
    Guid PayerId, Guid MakerId, string AuthType, string? AuthHeader, string? AuthSecretProtected, string SigningSecretProtected);

internal sealed record SkillCallBeginRow(string Outcome, decimal Price);

internal sealed record SkillCallRecordRow(bool Recorded, decimal Price, decimal MakerShare);

/// <summary>
/// Offers a star's callable skill subscriptions to the chat as tools, next to <c>search_knowledge</c>. Reads them through
/// <c>skill_chat_tools</c> (whoever may chat with the star, a player included, without reading the owner's rows).
/// Scoped: it acts as the chatting user.
/// </summary>
/// <remarks>
/// Each of its three database steps (list, begin, record) is one statement in its own implicit transaction that sets the
/// acting user (<c>set_config('app.user_id', …, true)</c>, transaction-local as in <see cref="StarStudioDb"/>) and feeds
/// it to the function through a LATERAL join, so the function runs after it: one round trip where
/// <see cref="StarStudioDb.RunAsync{T}"/> takes three (BEGIN and set_config, the query, COMMIT). A metered call makes
/// two of them, on the path the benchmark times.
/// </remarks>
public sealed class SkillChatToolSource(
    IDbContextFactory<StarStudioDbContext> contexts,
    ICurrentUser currentUser,
    ISkillEndpointCaller caller,
    IDataProtectionProvider protection,
    IOptionsMonitor<MarketCallOptions> options,
    ILogger<SkillChatToolSource>? logger = null) : IChatToolSource
{
    internal ISkillEndpointCaller Caller => caller;
    internal MarketCallOptions Options => options.CurrentValue;
    internal ILogger Log => logger ?? (ILogger)NullLogger.Instance;

    public async ValueTask<IReadOnlyList<IChatTool>> GetToolsAsync(ChatRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await UserAsync(ct);
        List<SkillToolRow> rows;
        await using (var ctx = await contexts.CreateDbContextAsync(ct))
        {
            rows = await ctx.Database.SqlQuery<SkillToolRow>($"""
                SELECT t.* FROM (SELECT set_config('app.user_id', {user}, true) AS u) s
                CROSS JOIN LATERAL skill_chat_tools(CASE WHEN s.u IS NULL THEN NULL ELSE {request.Star.StarId} END) t
                """).ToListAsync(ct);
        }
        if (rows.Count == 0)
        {
            return [];
        }

        var names = SkillToolNames.Assign(rows.Select(r => (r.Name, r.SkillId)).ToList(), [SearchKnowledgeTool.ToolName]);
        var tools = new List<IChatTool>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var accepted = AnswerSchemas.Accept(rows[i].InputSchema);
            if (!accepted.Succeeded)
            {
                Log.LogWarning("Skill {SkillId} version {Version} has an input schema that is not usable; it is not offered", rows[i].SkillId, rows[i].Version);
                continue;
            }

            tools.Add(new SkillChatTool(this, names[i], rows[i], accepted.Value!));
        }

        return tools;
    }

    internal string Unprotect(string purpose, string protectedText) => protection.CreateProtector(purpose).Unprotect(protectedText);

    internal async Task<SkillCallBeginRow> BeginAsync(string requestId, Guid subscriptionId, CancellationToken ct)
    {
        var user = await UserAsync(ct);
        await using var ctx = await contexts.CreateDbContextAsync(ct);
        return await ctx.Database.SqlQuery<SkillCallBeginRow>($"""
            SELECT r.outcome, r.price FROM (SELECT set_config('app.user_id', {user}, true) AS u) s
            CROSS JOIN LATERAL skill_call_begin({requestId} || left(s.u, 0), {subscriptionId}) r
            """).SingleAsync(ct);
    }

    internal async Task<SkillCallRecordRow> RecordAsync(
        string requestId, Guid subscriptionId, Guid conversationId, SkillEndpointOutcome outcome, int latencyMs, decimal makerShare)
    {
        // Not cancellable: the hold must be settled or released whatever the reader does.
        var user = await UserAsync(CancellationToken.None);
        await using var ctx = await contexts.CreateDbContextAsync(CancellationToken.None);
        return await ctx.Database.SqlQuery<SkillCallRecordRow>($"""
            SELECT r.recorded, r.price, r.maker_share FROM (SELECT set_config('app.user_id', {user}, true) AS u) s
            CROSS JOIN LATERAL skill_call_record({requestId} || left(s.u, 0), {subscriptionId}, {conversationId}, {outcome.Success},
                {outcome.ErrorCode}, {outcome.HttpStatus}, {latencyMs}, {makerShare}) r
            """).SingleAsync(CancellationToken.None);
    }

    /// <summary>The acting user's id as <see cref="StarStudioDb.SetUserAsync"/> sets it ('' for nobody).</summary>
    private async Task<string> UserAsync(CancellationToken ct) => (await currentUser.GetAsync(ct)).UserId?.ToString() ?? "";
}

/// <summary>
/// One subscribed skill as a chat tool. A call: arguments checked against the input schema (else a tool error, nothing
/// sent), <c>skill_call_begin</c> (replay, still callable, metered price frozen), the signed call through
/// <see cref="ISkillEndpointCaller"/>, then <c>skill_call_record</c> (one row; settle and credit the maker, or release).
/// Every failure is a tool error the model reads; nothing is charged for it.
/// </summary>
public sealed class SkillChatTool : IExampleChatTool
{
    private static readonly JsonSerializerOptions TraceJson = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SkillChatToolSource source;
    private readonly SkillToolRow row;
    private readonly AcceptedSchema input;

    internal SkillChatTool(SkillChatToolSource source, string name, SkillToolRow row, AcceptedSchema input)
    {
        this.source = source;
        this.row = row;
        this.input = input;
        Name = name;
        using var doc = JsonDocument.Parse(row.InputSchema);
        ParametersSchema = doc.RootElement.Clone();
        Examples = SkillExample.Parse(row.Examples);
        var text = string.IsNullOrWhiteSpace(row.Description) ? row.DescriptionEn : row.Description;
        if (!string.IsNullOrWhiteSpace(row.DescriptionEn) && row.DescriptionEn != text)
        {
            text += " / " + row.DescriptionEn;
        }

        Description = $"{row.Name} (marketplace skill {row.Version}): {text}".Trim();
        if (Description.Length > 1000)
        {
            Description = Description[..1000];
        }
    }

    public string Name { get; }

    public string Description { get; }

    public JsonElement ParametersSchema { get; }

    public IReadOnlyList<SkillExample> Examples { get; }

    public string DisplayName => row.Name;

    public Guid SkillId => row.SkillId;

    public Guid SubscriptionId => row.SubscriptionId;

    public async Task<ChatToolResult> InvokeAsync(JsonElement arguments, ChatToolContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var requestId = RequestId(context);
        var problems = AnswerSchemas.Evaluate(input, arguments);
        if (problems.Count > 0)
        {
            var list = string.Join("; ", problems.Take(3).Select(p => $"{(p.Pointer.Length == 0 ? "/" : p.Pointer)}: {p.Message}"));
            return Failed(SkillCallCodes.InvalidArguments, $"The arguments do not match the skill's input schema ({list}). Nothing was sent; fix them and call again.", started, null, 0);
        }

        var begin = await source.BeginAsync(requestId, row.SubscriptionId, ct);
        switch (begin.Outcome)
        {
            case "replayed":
                return Failed(SkillCallCodes.Replayed, "This call was made already (same request); it is not sent or charged again.", started, null, 0);
            case "not_callable":
                return Failed(SkillCallCodes.NotCallable, $"The star can no longer call {row.Name}: its subscription expired or was cancelled, or the skill was suspended. Answer without it.", started, null, 0);
            case "insufficient":
                return Failed(SkillCallCodes.Insufficient, $"{row.Name} costs {begin.Price:0.####} per call and the star owner's balance is short; the skill was not called. Answer without it.", started, null, 0);
        }

        // From here a hold may exist: whatever happens, the call is recorded, which settles or releases it.
        SkillEndpointOutcome outcome;
        try
        {
            var signing = source.Unprotect(ProtectionPurposes.SkillSigningSecret, row.SigningSecretProtected);
            string? authSecret = null;
            if (row.AuthType == "header_secret" && !string.IsNullOrEmpty(row.AuthSecretProtected))
            {
                authSecret = source.Unprotect(ProtectionPurposes.SkillAuthSecret, row.AuthSecretProtected);
            }

            outcome = await source.Caller.CallAsync(
                new SkillEndpointRequest(new Uri(row.ApiEndpoint), Name, arguments, signing, row.OutputSchema, requestId,
                    context.Star.StarId, context.Request.ConversationId, row.AuthType == "header_secret" ? row.AuthHeader : null, authSecret),
                ct);
        }
        catch (Exception e) when (e is CryptographicException or UriFormatException or ArgumentException || (e is OperationCanceledException && ct.IsCancellationRequested))
        {
            source.Log.LogWarning(e, "Skill {SkillId} could not be called", row.SkillId);
            outcome = new SkillEndpointOutcome(false, SkillCallCodes.Unreachable,
                e is OperationCanceledException ? "The answer was stopped before the skill answered." : "The skill could not be called: " + e.Message,
                null, null, [], Stopwatch.GetElapsedTime(started));
        }

        var share = SkillMoney.MakerShare(begin.Price, source.Options.PlatformFeePercent);
        var latency = (int)Math.Min(int.MaxValue, outcome.Latency.TotalMilliseconds);
        var recorded = await source.RecordAsync(requestId, row.SubscriptionId, context.Request.ConversationId, outcome, latency, share);
        if (!outcome.Success)
        {
            return Failed(outcome.ErrorCode ?? SkillCallCodes.Unreachable, $"The skill {row.Name} failed: {outcome.ErrorMessage} Nothing was charged; answer without it.", started, outcome.HttpStatus, recorded.Price);
        }

        return new ChatToolResult(outcome.Body ?? "")
        {
            Trace = Trace(true, null, outcome.HttpStatus, latency, recorded.Price),
        };
    }

    private ChatToolResult Failed(string code, string message, long started, int? status, decimal charged) =>
        ChatToolResult.Failed(message) with
        {
            Trace = Trace(false, code, status, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds, charged),
        };

    private string Trace(bool success, string? code, int? status, int latencyMs, decimal charged) => JsonSerializer.Serialize(new
    {
        skill = row.Name,
        skill_id = row.SkillId,
        version = row.Version,
        subscription_id = row.SubscriptionId,
        latency_ms = latencyMs,
        success,
        error_code = code,
        http_status = status,
        pricing = row.PricingType,
        charged,
    }, TraceJson);

    /// <summary><c>{chat request id}:{tool call id}</c>, at most 160 characters (the column).</summary>
    private static string RequestId(ChatToolContext context)
    {
        var callId = string.IsNullOrEmpty(context.CallId) ? Guid.NewGuid().ToString("N") : context.CallId;
        var id = $"{context.Request.RequestId}:{callId}";
        return id.Length <= 160 ? id : id[..160];
    }
}
