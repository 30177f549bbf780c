// Retrieval evaluation: the project's own question set (eval/, see eval/README.md) through the product's ingestion
// and IKnowledgeRetriever, per retrieval mode, by question kind and language. Numbers and how to read them:
// docs/evaluation.md.
// Usage (from the repository root, PostgreSQL running):
//   eval "$(scripts/postgres.sh env)"
//   dotnet run -c Release --project bench/StarStudio.Bench -- eval [--fusion rrf|relative] [--weights v,t,e,r,s] [--grid] [--json out.json] [--top 10]
// --fusion and --weights set the hybrid and text+expansion modes (default: RetrievalOptions' defaults);
// --grid also runs the hybrid mode over fusion methods × list weights and prints, for each, recall@5 overall and per
// kind × language and the smallest lead of the hybrid over its best single list on any kind × language;
// --set Name=value sets a numeric RetrievalOptions property (e.g. --set CoverageDocumentWeight=0.3);
// --show q001,q109 prints the ranked passages of those questions in the text, vector and hybrid modes (HIT: a gold span).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.TestSupport.Eval;

namespace StarStudio.Bench.Eval;

/// <summary>The <c>eval</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- eval</c>): the statements of its former Program.cs.</summary>
internal static class EvalBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var options = new RetrievalOptions();
        string? jsonPath = null;
        var grid = false;
        var topK = 10;
        var show = new List<string>();
        string? dumpPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--fusion" when i + 1 < args.Length:
                    options.Fusion = ParseFusion(args[++i]) ?? Usage<FusionMethod>();
                    break;
                case "--weights" when i + 1 < args.Length:
                    var w = args[++i].Split(',').Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1).ToArray();
                    if (w.Length != 5 || w.Any(d => d < 0))
                    {
                        return Usage<int>();
                    }

                    (options.VectorWeight, options.TextWeight, options.ExpansionWeight, options.TranslationWeight, options.SemanticWeight) = (w[0], w[1], w[2], w[3], w[4]);
                    break;
                case "--show" when i + 1 < args.Length:
                    show.AddRange(args[++i].Split(','));
                    break;
                case "--dump" when i + 1 < args.Length:
                    dumpPath = Path.GetFullPath(args[++i]);
                    break;
                case "--grid":
                    grid = true;
                    break;
                case "--set" when i + 1 < args.Length:
                    // Any numeric RetrievalOptions property: --set CoverageDocumentWeight=0.3
                    var pair = args[++i].Split('=', 2);
                    var property = typeof(RetrievalOptions).GetProperty(pair[0]);
                    if (pair.Length != 2 || property is null || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    {
                        return Usage<int>();
                    }

                    property.SetValue(options, property.PropertyType == typeof(int) ? (object)(int)value : value);
                    break;
                case "--json" when i + 1 < args.Length:
                    jsonPath = Path.GetFullPath(args[++i]);
                    break;
                case "--top" when i + 1 < args.Length && int.TryParse(args[i + 1], out var k) && k >= 10:
                    topK = k;
                    i++;
                    break;
                default:
                    return Usage<int>();
            }
        }

        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG");
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine("STARSTUDIO_TEST_PG is not set: run eval \"$(scripts/postgres.sh env)\" in the repository root first.");
            return 2;
        }

        var appUser = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app";
        var appPassword = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app";
        var name = "starstudio_bench_eval_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = appUser, Password = appPassword }.ConnectionString;

        var set = EvalSet.Load();
        var problems = set.Problems();
        if (problems.Count > 0)
        {
            Console.Error.WriteLine("The evaluation set is broken:\n  " + string.Join("\n  ", problems));
            return 1;
        }

        Console.WriteLine($"StarStudio retrieval evaluation — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Set: {set.Documents.Count} documents ({set.Documents.Count(d => d.Lang == "zh")} zh, {set.Documents.Count(d => d.Lang == "en")} en), {set.Questions.Count} questions; top {topK}");
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        try
        {
            await DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString, app, null);
            var sw = Stopwatch.StartNew();
            await using var star = await EvalStar.CreateAsync(owner, app, set.Documents);
            Console.WriteLine($"Ingested through the knowledge service and ingestion job: {star.Chunks} chunks in {sw.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"Options: fusion {Fusion(options.Fusion)}, weights vector {options.VectorWeight}, text {options.TextWeight}, expansion {options.ExpansionWeight}, translation {options.TranslationWeight}, semantic {options.SemanticWeight} (other language {options.SemanticWeightOtherLanguage}{(options.SemanticAbsolute ? ", absolute" : "")}); RRF k {options.RrfK}");
            Console.WriteLine("Recall@k: mean fraction of a question's gold spans among the first k passages; MRR: 1/rank of the first gold hit; found@5: questions with every gold span in the first 5.");
            Console.WriteLine();

            if (dumpPath is not null)
            {
                // Each single list at 40 candidates, scores as relative-score fusion scales them (semantic: raw cosine), for
                // studying fusion rules offline; then stop.
                var unit = new RetrievalOptions { VectorWeight = 1, TextWeight = 1, ExpansionWeight = 1, TranslationWeight = 1, SemanticWeight = 1, SemanticWeightOtherLanguage = 1, SemanticAbsolute = options.SemanticAbsolute };
                await using (var chunks = new StreamWriter(dumpPath + ".chunks.jsonl"))
                await using (var conn = new NpgsqlConnection(owner))
                {
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand("SELECT e.chunk_id, t.source_name, e.content, e.search_vector::text FROM star_embeddings e JOIN knowledge_tasks t ON t.id = e.task_id", conn);
                    await using var reader = await cmd.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        await chunks.WriteLineAsync(JsonSerializer.Serialize(new { id = reader.GetGuid(0), doc = reader.GetString(1), content = reader.GetString(2), tsv = reader.GetString(3) }));
                    }
                }

                await using var dump = new StreamWriter(dumpPath);
                foreach (var q in set.Questions)
                {
                    var lists = new Dictionary<string, object>();
                    QueryAnalysis? analysis = null;
                    foreach (var (listName, list) in new[] { ("vector", RetrievalLists.Vector), ("text", RetrievalLists.Text), ("expansion", RetrievalLists.Expansion), ("translation", RetrievalLists.Translation), ("semantic", RetrievalLists.Semantic) })
                    {
                        var (a, passages) = await star.DumpAsync(q, list, unit, 40);
                        analysis = list == RetrievalLists.Expansion ? a : analysis ?? a;
                        lists[listName] = passages.Select(p => new { id = p.Id, score = p.Score, doc = p.Doc, hits = p.Hits });
                    }

                    await dump.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        id = q.Id, lang = q.Lang, kind = q.Kind, question = q.Question, gold = q.Gold.Select(g => g.Doc),
                        language = analysis!.Language, semanticText = analysis.SemanticText,
                        terms = analysis.Terms.Select(t => new { t.Text, origin = t.Origin.ToString(), t.Weight, t.From }),
                        lists,
                    }));
                }

                Console.WriteLine($"Wrote {dumpPath}");
                return 0;
            }

            var runs = new List<EvalRun>();
            foreach (var mode in EvalMode.All)
            {
                sw.Restart();
                var run = await star.RunAsync(set.Questions, mode, options, topK);
                runs.Add(run);
                PrintRun(run, sw.Elapsed);
            }

            Console.WriteLine("Summary: all questions, then recall@5 by kind × question language (L literal, P paraphrase, X crosslingual, M multi):");
            var cellGroups = EvalGroups.Of(runs[^1].Outcomes).Where(g => g.Kind != EvalGroups.All && g.Lang != EvalGroups.All).ToList();
            Console.WriteLine($"{"mode",-16}{"R@1",7}{"R@5",7}{"R@10",7}{"MRR",7}{"found@5",9}" + string.Concat(cellGroups.Select(g => $"{Short(g.Kind, g.Lang) + $"({g.Metrics.Questions})",10}")));
            foreach (var run in runs)
            {
                var all = EvalMetrics.Of(run.Outcomes);
                var cells = EvalGroups.Of(run.Outcomes).Where(g => g.Kind != EvalGroups.All && g.Lang != EvalGroups.All);
                Console.WriteLine($"{run.Mode.Name,-16}" + (run.NotEnabled is { } why
                    ? $"({why})"
                    : $"{all.RecallAt1,7:0.000}{all.RecallAt5,7:0.000}{all.RecallAt10,7:0.000}{all.Mrr,7:0.000}{$"{all.FoundAt5}/{all.Questions}",9}" + string.Concat(cells.Select(g => $"{g.Metrics.RecallAt5,10:0.000}"))));
            }

            Console.WriteLine();
            foreach (var id in show)
            {
                var q = set.Questions.SingleOrDefault(x => x.Id == id);
                if (q is null)
                {
                    Console.WriteLine($"--show: no question {id}");
                    continue;
                }

                Console.WriteLine($"{q.Id} ({q.Kind}, {q.Lang}): {q.Question}");
                Console.WriteLine(string.Concat(q.Gold.Select(g => $"  gold {g.Doc}: {g.Span}\n")).TrimEnd());
                foreach (var mode in new[] { EvalMode.Text, EvalMode.Vector, EvalMode.Hybrid })
                {
                    var passages = await star.AskAsync(q.Question, mode, options, topK);
                    for (var r = 0; r < passages.Count; r++)
                    {
                        var p = passages[r];
                        var hit = q.Gold.Any(g => EvalScoring.Hits(g, p)) ? "HIT" : "   ";
                        var preview = EvalScoring.Normalize(p.Text);
                        Console.WriteLine($"  {mode.Name,-7}{r + 1,3} {hit} {p.Doc,-28} {preview[..Math.Min(70, preview.Length)]}");
                    }
                }

                Console.WriteLine();
            }

            var gridRows = new List<object>();
            if (grid)
            {
                var singles = runs.Where(r => r.NotEnabled is null && (r.Mode == EvalMode.Text || r.Mode == EvalMode.Vector || r.Mode == EvalMode.Semantic)).ToList();
                var semanticOn = runs.Single(r => r.Mode == EvalMode.Semantic).NotEnabled is null;
                var expansionOn = runs.Single(r => r.Mode == EvalMode.TextExpansion).NotEnabled is null;
                Console.WriteLine($"Grid: hybrid over fusion × weights (v,t,e,r,s); lead = min over kind × language of hybrid R@5 − best of [{string.Join(", ", singles.Select(s => s.Mode.Name))}]");
                Console.WriteLine($"{"fusion",-9}{"weights",-20}{"R@5",7}{"MRR",7}{string.Concat(cellGroups.Select(g => $"{Short(g.Kind, g.Lang),8}"))}{"lead",8}  where");
                // Reciprocal rank fusion lost at every weight when the grid covered it fully (docs/knowledge.md): one row of it
                // at the chosen weights stays for comparison; the rest of the grid is relative-score fusion.
                // The semantic list's weight for questions in another language (sx) and whether its similarities count as they are
                // (abs) or scaled to the list's best are varied too.
                var points = new List<(FusionMethod Fusion, double V, double E, double R, double S, double Sx, bool Abs)>
                {
                    (FusionMethod.ReciprocalRank, options.VectorWeight, options.ExpansionWeight, options.TranslationWeight, options.SemanticWeight, options.SemanticWeightOtherLanguage, false),
                };
                foreach (var v in new[] { 0.1, 0.25, 0.5 })
                {
                    foreach (var e in expansionOn ? new[] { 0.25, 0.5 } : [options.ExpansionWeight])
                    {
                        foreach (var r in expansionOn ? new[] { 0.5, 0.75, 1.0 } : [options.TranslationWeight])
                        {
                            foreach (var (s, sx, abs) in semanticOn
                                ? new[] { (0.5, 0.5, false), (1.0, 0.25, false), (1.0, 0.5, true), (1.0, 1.0, true), (1.5, 0.5, true), (1.5, 1.0, true) }
                                : [(options.SemanticWeight, options.SemanticWeightOtherLanguage, options.SemanticAbsolute)])
                            {
                                points.Add((FusionMethod.RelativeScore, v, e, r, s, sx, abs));
                            }
                        }
                    }
                }

                foreach (var (fusion, v, e, r, s, sx, abs) in points)
                {
                    var o = new RetrievalOptions
                    {
                        Fusion = fusion, VectorWeight = v, TextWeight = 1.0, ExpansionWeight = e, TranslationWeight = r, SemanticWeight = s,
                        SemanticWeightOtherLanguage = sx, SemanticAbsolute = abs, RrfK = options.RrfK,
                    };
                    var run = await star.RunAsync(set.Questions, EvalMode.Hybrid, o, topK);
                    var all = EvalMetrics.Of(run.Outcomes);
                    var cells = EvalGroups.Of(run.Outcomes).Where(g => g.Kind != EvalGroups.All && g.Lang != EvalGroups.All).ToList();
                    var lead = singles.Count > 0 ? EvalGroups.MinLeadOverBestSingle(run.Outcomes, [.. singles.Select(x => x.Outcomes)]) : (double.NaN, "", "");
                    Console.WriteLine($"{Fusion(fusion),-9}{$"{v},1,{e},{r},{s}/{sx}{(abs ? "a" : "")}",-20}{all.RecallAt5,7:0.000}{all.Mrr,7:0.000}{string.Concat(cells.Select(c => $"{c.Metrics.RecallAt5,8:0.000}"))}{lead.Item1,8:+0.000;-0.000;0.000}  {Label(lead.Item2, lead.Item3)}");
                    gridRows.Add(new
                    {
                        fusion = Fusion(fusion),
                        weights = new { vector = v, text = 1.0, expansion = e, translation = r, semantic = s, semanticOtherLanguage = sx, semanticAbsolute = abs },
                        recallAt5 = all.RecallAt5,
                        mrr = all.Mrr,
                        byKindLanguage = cells.Select(c => new { kind = c.Kind, lang = c.Lang, recallAt5 = c.Metrics.RecallAt5 }),
                        minLeadOverBestSingle = double.IsNaN(lead.Item1) ? (double?)null : lead.Item1,
                        minLeadAt = Label(lead.Item2, lead.Item3),
                    });
                }

                Console.WriteLine();
            }

            if (jsonPath is not null)
            {
                var report = new
                {
                    machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
                    date = DateTime.UtcNow,
                    set = new { documents = set.Documents.Count, questions = set.Questions.Count, chunks = star.Chunks, topK },
                    options = new { fusion = Fusion(options.Fusion), options.VectorWeight, options.TextWeight, options.ExpansionWeight, options.TranslationWeight, options.SemanticWeight, options.RrfK },
                    modes = runs.Select(r => new
                    {
                        mode = r.Mode.Name,
                        notEnabled = r.NotEnabled,
                        groups = EvalGroups.Of(r.Outcomes).Select(g => new
                        {
                            kind = g.Kind,
                            lang = g.Lang,
                            n = g.Metrics.Questions,
                            recallAt1 = g.Metrics.RecallAt1,
                            recallAt5 = g.Metrics.RecallAt5,
                            recallAt10 = g.Metrics.RecallAt10,
                            mrr = g.Metrics.Mrr,
                            foundAt5 = g.Metrics.FoundAt5,
                        }),
                        questions = r.Outcomes.Select(o => new { id = o.Question.Id, goldRanks = o.GoldRanks }),
                    }),
                    grid = grid ? gridRows : null,
                };
                await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"Wrote {jsonPath}");
            }

            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }

        static void PrintRun(EvalRun run, TimeSpan elapsed)
        {
            Console.WriteLine($"mode {run.Mode.Name} ({run.Mode.Lists}; {elapsed.TotalMilliseconds / Math.Max(1, run.Outcomes.Count):0} ms/question)");
            if (run.NotEnabled is { } why)
            {
                Console.WriteLine($"  ({why})");
                Console.WriteLine();
                return;
            }

            Console.WriteLine($"  {"group",-18}{"n",5}{"R@1",8}{"R@5",8}{"R@10",8}{"MRR",8}{"found@5",10}");
            foreach (var g in EvalGroups.Of(run.Outcomes))
            {
                var m = g.Metrics;
                Console.WriteLine($"  {Label(g.Kind, g.Lang),-18}{m.Questions,5}{m.RecallAt1,8:0.000}{m.RecallAt5,8:0.000}{m.RecallAt10,8:0.000}{m.Mrr,8:0.000}{$"{m.FoundAt5}/{m.Questions}",10}");
            }

            Console.WriteLine();
        }

        static string Label(string kind, string lang) =>
            kind == EvalGroups.All && lang == EvalGroups.All ? "all" : kind == EvalGroups.All ? $"all {lang}" : lang == EvalGroups.All ? kind : $"{kind} {lang}";

        static string Short(string kind, string lang) => $"{char.ToUpperInvariant(kind[0]) switch { 'C' => 'X', var c => c }}-{lang}";

        static string Fusion(FusionMethod f) => f switch { FusionMethod.ReciprocalRank => "rrf", FusionMethod.Coverage => "coverage", _ => "relative" };

        static FusionMethod? ParseFusion(string s) => s switch
        {
            "rrf" => FusionMethod.ReciprocalRank,
            "relative" => FusionMethod.RelativeScore,
            "coverage" => FusionMethod.Coverage,
            _ => null,
        };

        static T Usage<T>()
        {
            Console.Error.WriteLine("usage: StarStudio.Bench eval [--fusion rrf|relative|coverage] [--weights v,t,e,r,s] [--grid] [--json out.json] [--top 10] [--show q001,q002]");
            Environment.Exit(2);
            return default!;
        }
    }
}
