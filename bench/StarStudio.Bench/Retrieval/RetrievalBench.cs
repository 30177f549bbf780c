// Retrieval benchmark: HNSW vector search of the knowledge retriever against exact search.
// Usage (from the repository root, PostgreSQL running):
//   eval "$(scripts/postgres.sh env)"
//   DOTNET_gcConcurrent=0 dotnet run -c Release --project bench/StarStudio.Bench -- retrieval [--chunks N] [--stars N] [--queries N] [--keep-database]
// The latency figures in docs/performance.md were taken with non-concurrent workstation GC (this bench's own project
// set it); the one bench program runs with concurrent GC, so set DOTNET_gcConcurrent=0 when comparing with them.
// Experiments (not what the migration builds): --hnsw-m M, --hnsw-ef-construction N, --embedding-storage main;
// --sentence-questions asks with a sentence of one of the star's own chunks instead of a generated question;
// --semantic uses all-MiniLM-L6-v2 vectors of English chunks (a real model's geometry) instead of the hashing embedder's,
// from a cache under .data/bench-cache/ filled on first use (resumable; --semantic-generate-only fills it and stops);
// --database NAME reuses a kept database (queries only; --hnsw-* then rebuild its index). BENCH_DEBUG=1 prints
// the questions whose recall is below 0.5, with the exact and approximate distances.
using System.Globalization;

namespace StarStudio.Bench.Retrieval;

/// <summary>The <c>retrieval</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- retrieval</c>): the statements of its former Program.cs.</summary>
internal static class RetrievalBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var options = BenchOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: StarStudio.Bench retrieval [--chunks 200000] [--stars 100] [--queries 200] [--seed 42] [--keep-database] [--sentence-questions] [--hnsw-m M] [--hnsw-ef-construction N] [--embedding-storage main] [--semantic] [--semantic-generate-only] [--database starstudio_bench_retrieval_…]");
            Console.Error.WriteLine("The latency figures in docs/performance.md were taken with non-concurrent GC: set DOTNET_gcConcurrent=0 when comparing with them.");
            return 2;
        }

        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG");
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine("STARSTUDIO_TEST_PG is not set: run eval \"$(scripts/postgres.sh env)\" in the repository root first (scripts/postgres.sh start starts PostgreSQL).");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the finally blocks drop the database.
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            var ok = await new BenchRun(options, server).RunAsync(cancel.Token);
            return ok ? 0 : 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
    }
}

internal sealed record BenchOptions(int Chunks, int Stars, int Queries, int Seed, bool KeepDatabase)
{
    /// <summary>Experiment only: rebuild the HNSW index WITH (m = …); the migration's index uses pgvector's default (16).</summary>
    public int? HnswM { get; init; }

    /// <summary>Experiment only: rebuild the HNSW index WITH (ef_construction = …); the migration's uses the default (64).</summary>
    public int? HnswEfConstruction { get; init; }

    /// <summary>Experiment only: <c>ALTER TABLE star_embeddings ALTER COLUMN embedding SET STORAGE …</c> before loading.</summary>
    public string? EmbeddingStorage { get; init; }

    /// <summary>Experiment: ask with sentences of the star's own chunks instead of the generated questions.</summary>
    public bool SentenceQuestions { get; init; }

    /// <summary>Vectors of the semantic model (all-MiniLM-L6-v2) of all-English chunks, from the on-disk cache.</summary>
    public bool Semantic { get; init; }

    /// <summary>Only fill the semantic vector cache (no database needed), then stop.</summary>
    public bool SemanticGenerateOnly { get; init; }

    /// <summary>Reuse a database kept by an earlier run (same --chunks, --stars, --seed): queries only.</summary>
    public string? Database { get; init; }

    public static BenchOptions? Parse(string[] args)
    {
        var result = new BenchOptions(200_000, 100, 200, 42, false);
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new ArgumentException($"{args[i]} needs a positive number");
            try
            {
                result = args[i] switch
                {
                    "--chunks" => result with { Chunks = Next() },
                    "--stars" => result with { Stars = Next() },
                    "--queries" => result with { Queries = Next() },
                    "--seed" => result with { Seed = Next() },
                    "--keep-database" => result with { KeepDatabase = true },
                    "--sentence-questions" => result with { SentenceQuestions = true },
                    "--semantic" => result with { Semantic = true },
                    "--semantic-generate-only" => result with { Semantic = true, SemanticGenerateOnly = true },
                    "--hnsw-m" => result with { HnswM = Next() },
                    "--embedding-storage" => result with { EmbeddingStorage = i + 1 < args.Length && args[i + 1] is "main" or "plain" or "external" or "extended" ? args[++i] : throw new ArgumentException("--embedding-storage main|plain|external|extended") },
                    "--database" => result with { Database = i + 1 < args.Length && System.Text.RegularExpressions.Regex.IsMatch(args[i + 1], "^starstudio_bench_retrieval_[0-9a-f]{10}$") ? args[++i] : throw new ArgumentException("--database needs a bench database name") },
                    "--hnsw-ef-construction" => result with { HnswEfConstruction = Next() },
                    _ => throw new ArgumentException(args[i]),
                };
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return result.Stars < 3 || result.Chunks < result.Stars * 10 ? null : result;
    }
}
