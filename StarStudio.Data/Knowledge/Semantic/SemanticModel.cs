using Microsoft.Extensions.Options;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Data.Knowledge.Semantic;

/// <summary>
/// The one semantic model of the process, loaded on first use (about 1.5–3 s and ~90 MB of weights), shared by the
/// indexer and the questions. ONNX Runtime lets them run at the same time on one session, so a question never queues
/// behind an indexing batch; a small gate only keeps a burst of questions from all computing at once.
/// </summary>
public sealed class SemanticModel(IOptions<SemanticOptions> options)
{
    private readonly SemanticOptions settings = options.Value;
    private readonly SemaphoreSlim questions = new(options.Value.QuestionConcurrency, options.Value.QuestionConcurrency);

    public bool IsEnabled => settings.Enabled;

    public MiniLmEmbedder Embedder => MiniLmEmbedder.Shared;

    /// <summary>The question's vector, computed when a slot of the question gate is free.</summary>
    public async Task<float[]> EmbedQuestionAsync(string text, CancellationToken ct = default)
    {
        await questions.WaitAsync(ct);
        try
        {
            return Embedder.Embed(text, ct);
        }
        finally
        {
            questions.Release();
        }
    }
}
