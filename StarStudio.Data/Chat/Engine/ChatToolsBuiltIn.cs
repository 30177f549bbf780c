using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Chat.Engine;

/// <summary>
/// The built-in <c>search_knowledge(query, top_k?)</c> tool: searches the star's knowledge with the retriever (as the
/// acting user, so row-level security applies) and returns the passages numbered as citations of the answer.
/// </summary>
public sealed class SearchKnowledgeTool(IKnowledgeRetriever retriever, int defaultTopK = 5, int maxTopK = 10) : IChatTool
{
    public const string ToolName = "search_knowledge";

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "query": { "type": "string", "description": "What to look for in the star's knowledge, in the language of the knowledge." },
            "top_k": { "type": "integer", "minimum": 1, "maximum": 20, "description": "How many passages to return (default 5)." }
          },
          "required": ["query"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

    public string Name => ToolName;

    public string Description =>
        "Searches this star's knowledge (its uploaded documents and notes) and returns the most relevant passages, numbered. " +
        "Cite a passage you use by its number in square brackets, e.g. [4].";

    public JsonElement ParametersSchema => Schema;

    public async Task<ChatToolResult> InvokeAsync(JsonElement arguments, ChatToolContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (arguments.ValueKind != JsonValueKind.Object
            || !arguments.TryGetProperty("query", out var q) || q.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(q.GetString()))
        {
            return ChatToolResult.Failed("search_knowledge needs a non-empty string argument \"query\".");
        }

        var query = q.GetString()!.Trim();
        var topK = defaultTopK;
        if (arguments.TryGetProperty("top_k", out var k))
        {
            if (k.ValueKind == JsonValueKind.Number && k.TryGetInt32(out var n))
            {
                topK = n;
            }
            else if (k.ValueKind == JsonValueKind.String && int.TryParse(k.GetString(), out var s))
            {
                topK = s;
            }
        }

        topK = Math.Clamp(topK, 1, Math.Max(1, maxTopK));
        var passages = await retriever.SearchAsync(new RetrievalQuery(context.Star.StarId, query, topK), ct);
        if (passages.Count == 0)
        {
            return new ChatToolResult($"No passages in the knowledge match \"{query}\".");
        }

        var sb = new StringBuilder();
        foreach (var passage in passages)
        {
            var number = context.Cite(passage);
            sb.Append(PromptBuilder.PassageBlock(new PromptPassage(number, passage))).Append("\n\n");
        }

        return new ChatToolResult(sb.ToString().TrimEnd());
    }
}

/// <summary>The tools every star has: <see cref="SearchKnowledgeTool"/>.</summary>
public sealed class BuiltInChatToolSource(IKnowledgeRetriever retriever, IOptions<ChatEngineOptions>? options = null) : IChatToolSource
{
    private readonly IReadOnlyList<IChatTool> tools =
    [
        new SearchKnowledgeTool(retriever, Math.Min(5, (options?.Value ?? new ChatEngineOptions()).SearchToolMaxTopK), (options?.Value ?? new ChatEngineOptions()).SearchToolMaxTopK),
    ];

    public ValueTask<IReadOnlyList<IChatTool>> GetToolsAsync(ChatRequest request, CancellationToken ct) => ValueTask.FromResult(tools);
}

/// <summary>A marketplace skill as the model sees it: a function name, a description, a JSON schema and the endpoint that runs it.</summary>
/// <param name="ParametersSchemaJson">A JSON schema of type <c>object</c>.</param>
public sealed record ChatSkillDefinition(string Name, string Description, string ParametersSchemaJson, Uri Endpoint);

/// <summary>
/// A skill called over HTTP: <c>POST {endpoint}</c> with <c>{"tool", "arguments", "star_id", "conversation_id", "request_id"}</c>;
/// a 2xx answer's body (or its <c>result</c> string) goes back to the model. Use an <see cref="HttpClient"/> whose handler
/// refuses private addresses (<c>GuardedHttpHandler.Create</c>), named <see cref="HttpClientName"/>.
/// </summary>
public sealed class HttpSkillTool : IChatTool
{
    public const string HttpClientName = "StarStudio.Chat.Skills";

    /// <summary>The most characters of a skill's answer handed to the model.</summary>
    public const int MaxResultChars = 16_000;

    private readonly ChatSkillDefinition skill;
    private readonly HttpClient http;

    public HttpSkillTool(ChatSkillDefinition skill, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(skill);
        ArgumentNullException.ThrowIfNull(http);
        this.skill = skill;
        this.http = http;
        using var doc = JsonDocument.Parse(skill.ParametersSchemaJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The schema of skill '{skill.Name}' is not a JSON object.", nameof(skill));
        }

        ParametersSchema = doc.RootElement.Clone();
    }

    public string Name => skill.Name;

    public string Description => skill.Description;

    public JsonElement ParametersSchema { get; }

    public async Task<ChatToolResult> InvokeAsync(JsonElement arguments, ChatToolContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = JsonSerializer.Serialize(new
        {
            tool = skill.Name,
            arguments,
            star_id = context.Star.StarId,
            conversation_id = context.Request.ConversationId,
            request_id = context.Request.RequestId,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, skill.Endpoint) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var text = await ReadCappedAsync(response, ct);
        if (!response.IsSuccessStatusCode)
        {
            return ChatToolResult.Failed($"The skill '{skill.Name}' answered HTTP {(int)response.StatusCode}: {OpenAiCompatibleChatClient.Preview(text, 300)}");
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("result", out var result))
            {
                return new ChatToolResult(result.ValueKind == JsonValueKind.String ? result.GetString() ?? "" : result.GetRawText());
            }
        }
        catch (JsonException)
        {
            // plain text is fine
        }

        return new ChatToolResult(text);
    }

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxResultChars];
        var n = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return new string(buffer, 0, n);
    }
}
