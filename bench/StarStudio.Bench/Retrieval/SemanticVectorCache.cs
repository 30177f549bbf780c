using System.Diagnostics;
using System.Runtime.InteropServices;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Bench.Retrieval;

/// <summary>
/// The semantic model's vectors of the bench corpus, in load order, cached on disk as raw little-endian float32 (384 per
/// chunk) because making them takes hours on a 2-core machine. Generation appends whole batches and flushes them, so an
/// interrupted run continues where it stopped. The file is valid only for the same --chunks, --stars and --seed (they
/// decide which chunk comes at which position), hence its name.
/// </summary>
internal sealed class SemanticVectorCache
{
    private const int Dimension = MiniLmEmbedder.Dimension;
    private const int Batch = 16;

    /// <summary>
    /// Word pieces read per chunk: 128, the length all-MiniLM-L6-v2 was trained at, not the product's 256 — measured 28 →
    /// 45 chunks/s on 2 cores, so the 200,000 vectors take ~75 min instead of ~2 h (a session's machine does not keep
    /// .data/), and they are still the model's vectors of real text, which is the geometry the HNSW check needs
    /// (docs/performance.md, "Semantic embedder").
    /// </summary>
    public const int TokensPerChunk = 128;

    private readonly string path;
    private readonly int count;
    private readonly Action<string> phase;
    private readonly Lazy<MiniLmEmbedder> model = new(() => new MiniLmEmbedder(intraOpThreads: Environment.ProcessorCount, maxTokens: TokensPerChunk));
    private float[]? vectors;

    private SemanticVectorCache(string path, int count, Action<string> phase)
    {
        this.path = path;
        this.count = count;
        this.phase = phase;
    }

    public static SemanticVectorCache Open(BenchOptions options, Action<string> phase)
    {
        var dir = Path.Combine(FindRepositoryRoot(), ".data", "bench-cache");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"minilm-l6-v2-t{TokensPerChunk}-chunks{options.Chunks}-stars{options.Stars}-seed{options.Seed}.f32");
        return new SemanticVectorCache(path, options.Chunks, phase);
    }

    /// <summary>The vector of the chunk at <paramref name="global"/> (after <see cref="Fill"/>).</summary>
    public float[] this[int global]
    {
        get
        {
            var all = vectors ??= Load();
            return all.AsSpan(global * Dimension, Dimension).ToArray();
        }
    }

    /// <summary>Embeds the chunks the file does not hold yet; <paramref name="contents"/> are all chunks in load order.</summary>
    public void Fill(IEnumerable<string> contents, CancellationToken ct)
    {
        var have = File.Exists(path) ? (int)(new FileInfo(path).Length / (Dimension * sizeof(float))) : 0;
        // A torn last batch (killed mid-write) is cut off and redone.
        if (File.Exists(path) && new FileInfo(path).Length != (long)have * Dimension * sizeof(float))
        {
            using var f = new FileStream(path, FileMode.Open);
            f.SetLength((long)have * Dimension * sizeof(float));
        }

        if (have >= count)
        {
            phase($"semantic vectors: {count:N0} cached in {path}");
            return;
        }

        phase($"semantic vectors: {have:N0} of {count:N0} cached; embedding the rest with {MiniLmEmbedder.ModelName} ({TokensPerChunk} word pieces a chunk) on {Environment.ProcessorCount} threads into {path}");
        var load = Stopwatch.StartNew();
        var embedder = model.Value;
        phase($"  model loaded in {load.ElapsedMilliseconds} ms");
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
        var sw = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var done = have;
        foreach (var batch in contents.Skip(have).Chunk(Batch))
        {
            ct.ThrowIfCancellationRequested();
            foreach (var v in embedder.Embed(batch, ct))
            {
                file.Write(MemoryMarshal.AsBytes(v.AsSpan()));
            }

            file.Flush();
            done += batch.Length;
            if (sw.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = sw.Elapsed;
                var rate = (done - have) / sw.Elapsed.TotalSeconds;
                phase($"  {done:N0} / {count:N0} ({rate:0.0} chunks/s, about {(count - done) / rate / 60:0} min left)");
            }
        }

        phase($"semantic vectors: embedded {done - have:N0} chunks in {sw.Elapsed.TotalMinutes:0.0} min ({(done - have) / sw.Elapsed.TotalSeconds:0.0} chunks/s)");
    }

    /// <summary>The questions' vectors (embedded now: a few hundred short sentences take seconds).</summary>
    public float[][] EmbedQuestions(string[] questions) => model.Value.Embed(questions);

    private float[] Load()
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < (long)count * Dimension * sizeof(float))
        {
            throw new InvalidOperationException($"{path} holds fewer than {count:N0} vectors: run with --semantic-generate-only first.");
        }

        return MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, count * Dimension * sizeof(float))).ToArray();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StarStudio.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
