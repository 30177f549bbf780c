using System.Collections.Concurrent;
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
    private const int RecentLimit = 1024;

    private readonly SemanticOptions settings = options.Value;
    private readonly SemaphoreSlim questions = new(options.Value.QuestionConcurrency, options.Value.QuestionConcurrency);

    // Recent questions' vectors, and the ones being computed: a burst of the same question (many players asking a public
    // star the suggested question) embeds it once. Bounded crudely: cleared when full.
    private readonly ConcurrentDictionary<string, Lazy<Task<float[]>>> recent = new(StringComparer.Ordinal);

    private Task? loading;
    private long lastQuestionAt = long.MinValue / 2;
    private int activeQuestions;

    public bool IsEnabled => settings.Enabled;

    /// <summary>
    /// Waits until no question has been embedded for <paramref name="quiet"/>: the indexer calls it before each batch, so
    /// questions get the cores first (measured: a busy indexer nearly doubled the wall time of a 200-question burst).
    /// Under a steady stream of questions indexing waits; it is background work and resumes afterwards.
    /// </summary>
    public async Task WaitForQuietAsync(TimeSpan quiet, CancellationToken ct = default)
    {
        while (Volatile.Read(ref activeQuestions) > 0
               || Environment.TickCount64 - Interlocked.Read(ref lastQuestionAt) < (long)quiet.TotalMilliseconds)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }

    public MiniLmEmbedder Embedder => MiniLmEmbedder.Shared;

    /// <summary>Whether the model is loaded (loading takes seconds; a question should not wait for it).</summary>
    public bool IsLoaded => MiniLmEmbedder.SharedLoaded;

    /// <summary>Loads the model on a pool thread unless it is loaded or loading.</summary>
    public Task LoadAsync()
    {
        lock (questions)
        {
            return loading ??= Task.Run(() => { _ = MiniLmEmbedder.Shared; });
        }
    }

    /// <summary>The question's vector (a recent identical question's, or computed when a slot of the question gate is free).</summary>
    public async Task<float[]> EmbedQuestionAsync(string text, CancellationToken ct = default)
    {
        if (recent.Count >= RecentLimit)
        {
            recent.Clear();
        }

        var entry = recent.GetOrAdd(text, t => new Lazy<Task<float[]>>(() => ComputeAsync(t)));
        try
        {
            return (float[])(await entry.Value.WaitAsync(ct)).Clone();
        }
        catch (Exception) when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            recent.TryRemove(new KeyValuePair<string, Lazy<Task<float[]>>>(text, entry));
            throw;
        }
    }

    // Not cancelled by the first asker: others may be waiting on the same computation.
    private async Task<float[]> ComputeAsync(string text)
    {
        Interlocked.Increment(ref activeQuestions);
        try
        {
            await questions.WaitAsync();
            try
            {
                return Embedder.Embed(text);
            }
            finally
            {
                questions.Release();
            }
        }
        finally
        {
            Interlocked.Exchange(ref lastQuestionAt, Environment.TickCount64);
            Interlocked.Decrement(ref activeQuestions);
        }
    }
}
