namespace StarStudio.Core.Chat;

/// <summary>An OpenAI-compatible endpoint (vLLM, Ollama, OpenAI, DeepSeek, Qwen …); seed 002 providers.</summary>
public class LlmProvider
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Base URL without <c>/v1</c>, e.g. <c>http://vllm:8000</c>.</summary>
    public string BaseUrl { get; set; } = "";
    /// <summary>Protected with Data Protection; never shown again once saved.</summary>
    public string? ApiKeyProtected { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A chat model of a provider; seed 001 <c>models</c> (context size, thinking flag, default parameters).</summary>
public class ChatModel
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    /// <summary>The provider's model id, e.g. <c>Qwen/Qwen2.5-7B-Instruct</c>.</summary>
    public string ModelId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? Description { get; set; }
    public bool IsActive { get; set; } = true;
    public int MaxContextTokens { get; set; } = 4096;
    public bool HasThinking { get; set; }
    /// <summary>JSON object of default request parameters (temperature, top_p, max_tokens …).</summary>
    public string DefaultParams { get; set; } = "{}";
    /// <summary>Overrides the provider's base URL for this model when set.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>Price per 1,000 input tokens in CNY, charged to the star owner's balance; 0 (free) by default.</summary>
    public decimal PriceInPer1K { get; set; }
    /// <summary>Price per 1,000 output tokens in CNY; 0 (free) by default.</summary>
    public decimal PriceOutPer1K { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The execution summary of one answer (seed 002 traces).</summary>
public class ChatTrace
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid StarId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The star message this trace produced.</summary>
    public Guid MessageId { get; set; }
    public string Model { get; set; } = "";
    public int TokensIn { get; set; }
    public int TokensOut { get; set; }
    public int TotalMs { get; set; }
    public int? FirstTokenMs { get; set; }
    public int ToolCalls { get; set; }
    public decimal Cost { get; set; }
    public bool Success { get; set; }
    public string? ErrorPhase { get; set; }
    public string? Error { get; set; }
    /// <summary>The prompt as sent (messages with roles), for the owner to inspect.</summary>
    public string Prompt { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The star's model version that answered (null: its base persona); docs/training.md.</summary>
    public Guid? ModelVersionId { get; set; }
    /// <summary>How many retrieved passages the answer cites (magnitude depth; docs/magnitude.md).</summary>
    public int CitationCount { get; set; }
    /// <summary>The share of the answer's word 5-grams found in the passages it was given (null: none given); magnitude originality.</summary>
    public float? CopiedShare { get; set; }
    /// <summary>The persona version this answer used (docs/persona-versions.md).</summary>
    public Guid? PersonaVersionId { get; set; }
}

/// <summary>One ordered step of a trace: the user message, a model call, a tool call, a fallback.</summary>
public class ChatTraceStep
{
    public Guid Id { get; set; }
    public Guid TraceId { get; set; }
    public int Seq { get; set; }
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Input { get; set; }
    public string? Output { get; set; }
    public int TokensIn { get; set; }
    public int TokensOut { get; set; }
    public int DurationMs { get; set; }
    public bool Success { get; set; } = true;
    public string? Error { get; set; }
}

/// <summary>Kinds of <see cref="ChatTraceStep"/>.</summary>
public static class TraceStepKinds
{
    public const string UserMessage = "user_message";
    public const string Retrieval = "retrieval";
    public const string ModelCall = "model_call";
    public const string ToolCall = "tool_call";
    public const string Fallback = "fallback";
    /// <summary>The chatting user's chat template (an extension) laid out the system prompt.</summary>
    public const string ChatTemplate = "chat_template";
}

/// <summary>A billable model call (seed 002 <c>usage_records</c>); <see cref="RequestId"/> makes recording idempotent.</summary>
public class UsageRecord
{
    public Guid Id { get; set; }
    public string RequestId { get; set; } = "";
    public Guid UserId { get; set; }
    public Guid StarId { get; set; }
    public Guid? ConversationId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public int TokensIn { get; set; }
    public int TokensOut { get; set; }
    public decimal Cost { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When usage billing charged this record to the star owner (null: not yet).</summary>
    public DateTimeOffset? BilledAt { get; set; }
    /// <summary>What billing priced this record at, before the batch's discount and rounding.</summary>
    public decimal? BilledCost { get; set; }
    /// <summary>The ledger key of the batch that charged it (null for a free batch, which books no ledger row).</summary>
    public string? BillingKey { get; set; }
}
