// StarStudio benchmarks: one console program, one subcommand per bench (docs/performance.md has the numbers).
// Usage (from the repository root; most benches need PostgreSQL: eval "$(scripts/postgres.sh env)"):
//   dotnet run -c Release --project bench/StarStudio.Bench -- <bench> [its arguments]
// A first argument that is an option or a number runs the stars bench, as this program did before the others joined it.
using System.Globalization;
using StarStudio.Bench.Analytics;
using StarStudio.Bench.Arena;
using StarStudio.Bench.Battles;
using StarStudio.Bench.Cards;
using StarStudio.Bench.Chat;
using StarStudio.Bench.Circuits;
using StarStudio.Bench.Datasets;
using StarStudio.Bench.Diff;
using StarStudio.Bench.Eval;
using StarStudio.Bench.Explore;
using StarStudio.Bench.Ingest;
using StarStudio.Bench.Magnitude;
using StarStudio.Bench.Market;
using StarStudio.Bench.Recommendations;
using StarStudio.Bench.Retrieval;
using StarStudio.Bench.SkillCalls;
using StarStudio.Bench.Stars;
using StarStudio.Bench.Wallet;
using StarStudio.Bench.Webhooks;

namespace StarStudio.Bench;

internal static class Program
{
    private static readonly (string Name, string Summary, Func<string[], Task<int>> Run)[] Benches =
    [
        ("analytics", "tracking events rolled up by the real job, every dashboard chart's query, the event writer", AnalyticsBench.RunAsync),
        ("arena", "Bradley–Terry + bootstrap on synthetic votes, validation of a 100 KB answer (no database)", a => Task.FromResult(ArenaBench.Run(a))),
        ("battles", "battle vote round trips through BattleService.VoteAsync", BattlesBench.RunAsync),
        ("cards", "a 2 MB PNG card with a 500-entry lorebook imported end to end", CardsBench.RunAsync),
        ("chat", "chat engine first token, platform overhead, 200 conversations streaming at once", ChatBench.RunAsync),
        ("circuits", "idle Blazor Server circuits per page and players chatting at once, against the app's Release build", CircuitsBench.RunAsync),
        ("datasets", "training dataset preview and build over 10,000 rated conversations", DatasetsBench.RunAsync),
        ("diff", "persona version diffs of 20,000-character personas (no database)", a => Task.FromResult(DiffBench.Run(a))),
        ("eval", "retrieval evaluation on the project's question set (eval/), per mode, kind and language", EvalBench.RunAsync),
        ("explore", "gallery pages and search over 100,000 stars and 10 million plays, the gallery job, like toggles", ExploreBench.RunAsync),
        ("ingest", "a 200-page PDF through the knowledge job (parse, chunk, embed, index)", IngestBench.RunAsync),
        ("magnitude", "nightly magnitude recomputation of 10,000 stars and the magnitude panel's render", MagnitudeBench.RunAsync),
        ("market", "skill catalog search over 50,000 published skills", MarketBench.RunAsync),
        ("recommendations", "item similarity and Recommender.Recommend over a synthetic gallery (no database; positional: users stars likes plays)", a => Task.FromResult(RecommendationsBench.Run(a))),
        ("retrieval", "HNSW vector search against exact search (its latency figures: DOTNET_gcConcurrent=0)", RetrievalBench.RunAsync),
        ("skillcalls", "what a metered skill call adds over the endpoint's own latency", SkillCallsBench.RunAsync),
        ("stars", "the studio's star list through IStarService and in Chromium (the default when the first argument is an option)", StarsBench.RunAsync),
        ("wallet", "concurrent wallet bookings with duplicate keys, ledger paging of a 100,000-row user", WalletBench.RunAsync),
        ("webhooks", "100,000 webhook deliveries with the worker killed mid-run: none lost, none twice", WebhooksBench.RunAsync),
    ];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            return Usage(null);
        }

        var first = args[0];
        if (first.StartsWith('-') || double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            // The stars bench's own arguments, as before this program had subcommands.
            return await StarsBench.RunAsync(args);
        }

        foreach (var (name, _, run) in Benches)
        {
            if (string.Equals(name, first, StringComparison.OrdinalIgnoreCase))
            {
                return await run(args[1..]);
            }
        }

        return Usage(first);
    }

    private static int Usage(string? unknown)
    {
        if (unknown is not null)
        {
            Console.Error.WriteLine($"Unknown bench '{unknown}'.");
            Console.Error.WriteLine();
        }

        Console.Error.WriteLine("usage: dotnet run -c Release --project bench/StarStudio.Bench -- <bench> [its arguments]");
        Console.Error.WriteLine("       (most benches need PostgreSQL: eval \"$(scripts/postgres.sh env)\"; numbers and method: docs/performance.md)");
        Console.Error.WriteLine();
        var width = Benches.Max(b => b.Name.Length);
        foreach (var (name, summary, _) in Benches)
        {
            Console.Error.WriteLine($"  {name.PadRight(width)}  {summary}");
        }

        return 2;
    }
}
