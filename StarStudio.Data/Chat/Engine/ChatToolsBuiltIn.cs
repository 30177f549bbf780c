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
