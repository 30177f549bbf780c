namespace StarStudio.Data.Knowledge.Semantic;

/// <summary>The semantic list of the hybrid search and its background indexer (<c>StarStudio:Knowledge:Semantic</c>).</summary>
public sealed class SemanticOptions
{
    public const string Section = "StarStudio:Knowledge:Semantic";

    /// <summary>
    /// On by default: the default offline configuration must find English paraphrases (issue 10), and the model ships
    /// inside the app. Off: no indexing, no model loaded, and the retriever skips the semantic list.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Chunks embedded per write. Small: batching does not speed the model up on CPU (measured), progress moves, and a
    /// question arriving mid-batch shares the cores for at most one batch (~2 × 80 ms).
    /// </summary>
    public int BatchSize { get; set; } = 2;

    /// <summary>How long the indexer sleeps when nothing is left to index.</summary>
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Questions embedded at once; more wait their turn (asynchronously) rather than share the cores.</summary>
    public int QuestionConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount);
}
