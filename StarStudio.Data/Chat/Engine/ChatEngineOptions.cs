namespace StarStudio.Data.Chat.Engine;

/// <summary>Settings of the chat engine (configuration section <see cref="Section"/>).</summary>
public sealed class ChatEngineOptions
{
    public const string Section = "StarStudio:Chat:Engine";

    /// <summary>How long a model may take to send its first token before it counts as failed (and the fallback is tried).</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a started stream may stay silent.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one model call may take in all.</summary>
    public TimeSpan OverallTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How many rounds of tool calls a reply may make; the model is then asked to answer without tools.</summary>
    public int MaxToolRounds { get; set; } = 4;

    /// <summary>Passages retrieved per question when <c>system_configs.rag_default_top_k</c> is not set.</summary>
    public int DefaultTopK { get; set; } = 6;

    /// <summary>The most passages one <c>search_knowledge</c> call may return.</summary>
    public int SearchToolMaxTopK { get; set; } = 10;

    /// <summary>How long one tool call may take.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longer texts are cut in trace steps (the model still gets them whole).</summary>
    public int MaxStepTextChars { get; set; } = 2000;

    /// <summary>The most tokens kept free for the answer when trimming history.</summary>
    public int MaxReservedAnswerTokens { get; set; } = 1024;

    /// <summary>The window the offline engine's (inspectable) prompt is built for.</summary>
    public int OfflineContextTokens { get; set; } = 8192;

    /// <summary>Whether models are offered tools (<c>search_knowledge</c> and the star's skills).</summary>
    public bool EnableTools { get; set; } = true;

    /// <summary>
    /// How many answers may be starting at once — from reading the conversation to the engine's first event (retrieval,
    /// traces, the prompt) — in this process (<see cref="AnswerGate"/>); 0 means four per processor, at least 8. Streams
    /// already started do not count: a slow model holds no slot.
    /// </summary>
    public int MaxStartingAnswers { get; set; }

    /// <summary><see cref="MaxStartingAnswers"/> with 0 resolved.</summary>
    public int EffectiveMaxStartingAnswers => MaxStartingAnswers > 0 ? MaxStartingAnswers : Math.Max(8, 4 * Environment.ProcessorCount);

    /// <summary>How long a question waits for a slot before the player is told the star is busy (nothing is stored).</summary>
    public TimeSpan StartQueueTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the model configuration (<c>system_configs</c>, <c>chat_models</c>, <c>llm_providers</c>) is cached; zero reads it on every reply.</summary>
    public TimeSpan ConfigCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The client options for a model, from these settings.</summary>
    public OpenAiCompatibleChatClientOptions ClientOptions(string providerName, string? defaultParams) => new()
    {
        FirstTokenTimeout = FirstTokenTimeout,
        IdleTimeout = IdleTimeout,
        OverallTimeout = OverallTimeout,
        ProviderName = providerName,
        DefaultParams = defaultParams,
    };
}
