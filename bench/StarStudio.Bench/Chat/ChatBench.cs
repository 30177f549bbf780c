// Chat engine benchmark over a private migrated database and a scripted OpenAI-compatible server on loopback:
//   (a) offline engine: time from the call to the first ChatDelta (retrieval against a real small star included);
//   (b) platform overhead on a model's first token: engine first-token time − the server's first-token time,
//       with the server holding its first token for 50 ms;
//   (c) 200 conversations streaming at once (~50 chunks each): errors and total time.
//
//   eval "$(scripts/postgres.sh env)"
//   dotnet run -c Release --project bench/StarStudio.Bench -- chat [--requests 300 --concurrent 200 --chunks 50]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Tests.TestData;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Chat;

/// <summary>The <c>chat</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- chat</c>): the statements of its former Program.cs.</summary>
internal static class ChatBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var requests = Arg("--requests", 300);
        var concurrent = Arg("--concurrent", 200);
        var chunks = Arg("--chunks", 50);
        const int ServerFirstTokenMs = 50;

        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        var appUser = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app";
        var appPassword = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app";
        var name = "starstudio_bench_chat_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = appUser, Password = appPassword, MaxPoolSize = 100 }.ConnectionString;
        // The admin-only tables force row-level security on their owner too; the tests' maintenance role arranges them.
        var maint = new NpgsqlConnectionStringBuilder(server)
        {
            Database = name,
            Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_MAINT_USER") ?? "starstudio_maint",
            Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_MAINT_PASSWORD") ?? "starstudio_maint",
        }.ConnectionString;

        Console.WriteLine($"StarStudio chat engine benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        await using var llm = await ScriptedOpenAiServer.StartAsync();
        var services = new ServiceCollection();
        services.AddHttpClient();
        services.AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        await using var provider = services.BuildServiceProvider();
        var httpFactory = provider.GetRequiredService<IHttpClientFactory>();
        var protection = new EphemeralDataProtectionProvider();

        try
        {
            await DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString, app, null);
            var userId = Guid.NewGuid();
            var starId = Guid.NewGuid();
            await using (var db = StarStudioContextFactory.Create(owner))
            {
                await TestUsers.AddAsync(db, "bench@example.test", [], userId);
                db.Stars.Add(new Star { Id = starId, OwnerId = userId, Name = "墨香", Domain = "古籍修复", Persona = "从事古籍修复三十年的老师傅", Tone = "亲切", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                var taskId = Guid.NewGuid();
                db.KnowledgeTasks.Add(new KnowledgeTask
                {
                    Id = taskId, StarId = starId, SourceType = KnowledgeSourceType.Upload, Status = KnowledgeTaskStatus.Completed,
                    SourceName = "古籍修复手册.pdf", EmbeddingModel = LocalHashingEmbedder.DefaultModelName, EmbeddingIndex = KnowledgeTask.EmbeddingIndexFor(starId),
                    ChunkCount = Corpus.Passages.Length, CreatedAt = DateTimeOffset.UtcNow, CompletedAt = DateTimeOffset.UtcNow,
                });
                var embedder = new LocalHashingEmbedder();
                for (var i = 0; i < Corpus.Passages.Length; i++)
                {
                    var text = Corpus.Passages[i];
                    var vector = embedder.Embed(text);
                    db.StarEmbeddings.Add(new StarEmbedding
                    {
                        StarId = starId, TaskId = taskId, ChunkId = Guid.NewGuid(), Seq = i, Embedding = new Pgvector.Vector(vector), Dimensions = (short)vector.Length,
                        EmbeddingModel = LocalHashingEmbedder.DefaultModelName, Content = text, SearchText = SearchText.For(text),
                        Metadata = JsonSerializer.Serialize(new { sourceName = "古籍修复手册.pdf", page = i + 1, headingPath = new[] { "第一章" }, charStart = 0, charEnd = text.Length, tokens = text.Length / 2, tags = Array.Empty<string>() }),
                    });
                }

                await db.SaveChangesAsync();
                await db.Database.ExecuteSqlRawAsync("ANALYZE star_embeddings; ANALYZE stars;");
            }

            var gateway = new StarStudioDb(new StarStudioContextFactory(app), new FixedCurrentUser(UserContext.For(userId)));
            using var gate = new RetrievalGate(); // as the app registers it: a burst of questions queues here, not in PostgreSQL
            var retriever = new KnowledgeRetriever(gateway, new EmbeddingModelResolver(httpFactory, protection), gate: gate, frequencies: new WordFrequencies());
            var options = Options.Create(new ChatEngineOptions());
            var resolver = new ChatModelResolver(protection, options);
            var engine = new StarChatEngine(gateway, retriever, resolver, new ChatModelClientFactory(httpFactory, options),
                [new BuiltInChatToolSource(retriever, options)], Cl100kTokenCounter.Instance, options);
            var star = new StarPersona(starId, "墨香", "古籍修复", "从事古籍修复三十年的老师傅", "亲切", "v1");
            Console.WriteLine($"Star: {Corpus.Passages.Length} passages (local-hash-384 vectors + full text); questions rotate over {Corpus.Questions.Length}.");
            Console.WriteLine();

            // (a) offline engine
            var offline = new List<double>();
            var offlineReported = new List<double>();
            var offlineRetrieval = new List<double>();
            ChatOutcome? sample = null;
            for (var i = 0; i < requests + 30; i++)
            {
                var (first, outcome) = await TimeFirstTokenAsync(engine, star, Corpus.Questions[i % Corpus.Questions.Length]);
                if (!outcome.Success || first is null)
                {
                    throw new InvalidOperationException($"Offline request {i} failed: {outcome.ErrorPhase} {outcome.Error}");
                }

                if (i >= 30) // the first 30 warm up the JIT, the tokenizer and the connection pool
                {
                    offline.Add(first.Value);
                    offlineReported.Add(outcome.FirstTokenMs ?? double.NaN);
                    offlineRetrieval.Add(outcome.Steps.Single(x => x.Kind == TraceStepKinds.Retrieval).DurationMs);
                }

                sample ??= outcome;
            }

            Console.WriteLine("Sample offline answer:");
            Console.WriteLine("  " + sample!.Content.Replace("\n", "\n  "));
            Console.WriteLine($"  citations: {string.Join(", ", sample.Citations.Select(c => $"[{c.Number}] {c.SourceName} p.{c.Page}"))}");
            Console.WriteLine();

            // (b) scripted model, first token held 50 ms by the server
            var modelId = "bench-model";
            var chatModelId = Guid.NewGuid();
            await using (var db = StarStudioContextFactory.Create(maint))
            {
                var providerId = Guid.NewGuid();
                db.LlmProviders.Add(new LlmProvider { Id = providerId, Name = "scripted", BaseUrl = llm.BaseUri.ToString(), ApiKeyProtected = resolver.ProtectApiKey("sk-bench"), IsActive = true });
                db.ChatModels.Add(new ChatModel { Id = chatModelId, ProviderId = providerId, ModelId = modelId, DisplayName = "Bench", MaxContextTokens = 8192, DefaultParams = """{"temperature":0.7}""" });
                await db.SaveChangesAsync();
                await db.SystemConfigs.Where(c => c.Key == ChatConfigKeys.DefaultModel).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, $"\"{chatModelId}\""));
            }

            resolver.Invalidate();
            var words = Enumerable.Range(0, 20).Select(i => $"词{i} ").ToArray();
            llm.SetDefault(modelId, ChatScript.SlowFirstToken(TimeSpan.FromMilliseconds(ServerFirstTokenMs), words));
            var engineFirst = new List<double>();
            var serverFirst = new List<double>();
            var overhead = new List<double>();
            var overheadBeyondRetrieval = new List<double>();
            for (var i = 0; i < requests + 30; i++)
            {
                var before = llm.Requests.Count;
                var (first, outcome) = await TimeFirstTokenAsync(engine, star, Corpus.Questions[i % Corpus.Questions.Length]);
                if (!outcome.Success || first is null)
                {
                    throw new InvalidOperationException($"Model request {i} failed: {outcome.ErrorPhase} {outcome.Error}");
                }

                var served = llm.Requests[before];
                if (i >= 30)
                {
                    var s = served.FirstChunkAfter!.Value.TotalMilliseconds;
                    engineFirst.Add(first.Value);
                    serverFirst.Add(s);
                    overhead.Add(first.Value - s);
                    overheadBeyondRetrieval.Add(first.Value - s - outcome.Steps.Single(x => x.Kind == TraceStepKinds.Retrieval).DurationMs);
                }
            }

            // Where the platform's time goes: the parts of a reply before the model call, alone.
            var retrievalAlone = new List<double>();
            var configAlone = new List<double>();
            var promptAlone = new List<double>();
            var uncached = new ChatModelResolver(protection, Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero }));
            for (var i = 0; i < requests + 30; i++)
            {
                var question = Corpus.Questions[i % Corpus.Questions.Length];
                var sw = Stopwatch.StartNew();
                await uncached.ResolveAsync(gateway);
                var config = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var found = await retriever.SearchAsync(new RetrievalQuery(starId, question, 8));
                var retrieval = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                PromptBuilder.Build(new PromptInput(star, found.Select((p, n) => new PromptPassage(n + 1, p)).ToList(), Request(star, question).History, question, 8192) { ToolsAvailable = true }, Cl100kTokenCounter.Instance);
                var prompt = sw.Elapsed.TotalMilliseconds;
                if (i >= 30)
                {
                    configAlone.Add(config);
                    retrievalAlone.Add(retrieval);
                    promptAlone.Add(prompt);
                }
            }

            // (c) 200 conversations streaming at once
            var chunkTexts = Enumerable.Range(0, chunks).Select(i => $"token{i} ").ToArray();
            var expected = string.Concat(chunkTexts);
            llm.SetDefault(modelId, ChatScript.SlowFirstToken(TimeSpan.FromMilliseconds(ServerFirstTokenMs), chunkTexts) with { ChunkDelay = TimeSpan.FromMilliseconds(5) });
            var errors = new ConcurrentBag<string>();
            var loadFirst = new ConcurrentBag<double>();
            var loadRetrieval = new ConcurrentBag<double>();
            var deltas = 0L;
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(i => Task.Run(async () =>
            {
                try
                {
                    var sw = Stopwatch.StartNew();
                    double? first = null;
                    ChatOutcome? outcome = null;
                    await foreach (var e in engine.StreamAsync(Request(star, Corpus.Questions[i % Corpus.Questions.Length])))
                    {
                        if (e is ChatDelta)
                        {
                            first ??= sw.Elapsed.TotalMilliseconds;
                            Interlocked.Increment(ref deltas);
                        }
                        else if (e is ChatCompleted c)
                        {
                            outcome = c.Outcome;
                        }
                    }

                    if (outcome is null || !outcome.Success)
                    {
                        errors.Add($"{outcome?.ErrorPhase}: {outcome?.Error}");
                    }
                    else if (outcome.Content != expected)
                    {
                        errors.Add($"content mismatch ({outcome.Content.Length} chars)");
                    }
                    else
                    {
                        loadFirst.Add(first!.Value);
                        loadRetrieval.Add(outcome.Steps.Single(x => x.Kind == TraceStepKinds.Retrieval).DurationMs);
                    }
                }
                catch (Exception e)
                {
                    errors.Add(e.GetType().Name + ": " + e.Message);
                }
            })));
            wall.Stop();

            Console.WriteLine("| measurement | n | p50 ms | p95 ms | p99 ms | max ms |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            Row("(a) offline: call → first ChatDelta", offline);
            Row("(a) offline: ChatOutcome.FirstTokenMs", offlineReported);
            Row("(a) offline: its retrieval step", offlineRetrieval);
            Row("(b) model: call → first ChatDelta", engineFirst);
            Row("(b) server: request → first chunk (held 50 ms)", serverFirst);
            Row("(b) platform overhead (engine − server)", overhead);
            Row("(b) overhead beyond the retrieval step", overheadBeyondRetrieval);
            Row("(b) part: model config read (uncached)", configAlone);
            Row("(b) part: retrieval (embed + hybrid search)", retrievalAlone);
            Row("(b) part: prompt build (cl100k)", promptAlone);
            Row($"(c) {concurrent} at once: call → first ChatDelta", loadFirst.ToList());
            Row($"(c) {concurrent} at once: their retrieval steps", loadRetrieval.ToList());
            Console.WriteLine();
            Console.WriteLine($"(c) {concurrent} concurrent streams × {chunks} chunks: {errors.Count} errors, {deltas} deltas, all done in {wall.Elapsed.TotalMilliseconds:0} ms");
            foreach (var e in errors.Distinct().Take(5))
            {
                Console.WriteLine("    error: " + e);
            }

            Console.WriteLine();
            Console.WriteLine($"RESULT offline first token p95: {P(offline, 95):0.0} ms (target ≤ 150)");
            Console.WriteLine($"RESULT platform overhead on first token p95: {P(overhead, 95):0.0} ms (target ≤ 20)");
            Console.WriteLine($"RESULT {concurrent} concurrent streams: {errors.Count} errors (target 0), {wall.Elapsed.TotalMilliseconds:0} ms total");
            return errors.IsEmpty && P(offline, 95) <= 150 && P(overhead, 95) <= 20 ? 0 : 1;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }

        static ChatRequest Request(StarPersona star, string question) =>
            new(star, [new ChatTurn(ChatTurn.User, "你好"), new ChatTurn(ChatTurn.Assistant, "你好，我是墨香。")], question, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        static async Task<(double? FirstMs, ChatOutcome Outcome)> TimeFirstTokenAsync(IStarChatEngine engine, StarPersona star, string question)
        {
            var request = Request(star, question);
            var sw = Stopwatch.StartNew();
            double? first = null;
            ChatOutcome? outcome = null;
            await foreach (var e in engine.StreamAsync(request))
            {
                if (e is ChatDelta)
                {
                    first ??= sw.Elapsed.TotalMilliseconds;
                }
                else if (e is ChatCompleted c)
                {
                    outcome = c.Outcome;
                }
            }

            return (first, outcome!);
        }

        static double P(List<double> xs, double p)
        {
            if (xs.Count == 0)
            {
                return double.NaN;
            }

            var sorted = xs.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        }

        static void Row(string label, List<double> xs) =>
            Console.WriteLine($"| {label} | {xs.Count} | {P(xs, 50):0.0} | {P(xs, 95):0.0} | {P(xs, 99):0.0} | {(xs.Count == 0 ? double.NaN : xs.Max()):0.0} |");


        int Arg(string flag, int fallback)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
    }
}

internal static class Corpus
{
    public static readonly string[] Passages =
    [
        "古籍修复常用的补纸有竹纸、皮纸和宣纸。竹纸纤维短而脆，适合修补明清刻本；皮纸以构树皮或桑树皮为原料，纤维长、韧性强，适合修补宋元旧籍。选纸时要比对原书纸张的厚薄、帘纹和颜色。",
        "修复用的浆糊以小麦淀粉制成。先把面粉加水洗去面筋，沉淀出淀粉，再加热冲调成糊。浆糊要稀薄均匀，过稠会使书页起皱发硬，还要加入少量防腐剂防止霉变。",
        "线装书一般采用四眼订法，开本较大的书用六眼订法。打眼时先用纸捻固定书册，再用丝线或棉线沿书脊穿订，线结藏在书眼之中，最后贴上书签。",
        "蝴蝶装盛行于宋代，书页有字的一面相对折叠，版心向内，打开时如蝴蝶展翅。元代以后逐渐被包背装取代，包背装版心向外，用纸捻订住书脑，再以整张书衣包裹书背。",
        "书库防虫是古籍保护的重要环节。传统方法是在书柜中放置樟木、芸香草，或用椒纸印书。现代库房则控制温度在十六至二十二度、相对湿度在百分之四十五至六十之间，并定期冷冻杀虫。",
        "纸张酸化会使古籍变黄变脆。脱酸处理常用碳酸氢镁溶液或氢氧化钙溶液浸泡，也可以用气相脱酸，使纸张的酸碱度回到中性偏碱，并留下碱性缓冲物质延缓再次酸化。",
        "揭裱是修复中最考验功夫的环节：先用清水闷润旧裱，再用镊子一层层揭去旧的托纸，动作要轻，遇到粘连处要用排笔补水，切忌硬揭。",
        "溜口是修补书页中缝开裂的方法。用窄条皮纸蘸稀浆糊，沿书口折缝贴补，干后压平，既加固又不影响翻阅。",
        "Tears in paper are mended with thin Japanese tissue made from kozo fibres and adhered with wheat starch paste. The tissue is torn rather than cut so that its long fibres feather into the sheet and the repair stays flexible and reversible.",
        "Acidic paper turns brittle and yellow. Deacidification neutralises the acids with an alkaline solution such as magnesium bicarbonate and deposits an alkaline reserve that buffers the sheet against future acid attack.",
        "Leather bookbindings were traditionally made from vegetable-tanned goatskin or calfskin. Calfskin becomes powdery when red rot sets in, which consolidants such as Klucel G can slow down.",
        "Parchment is made from animal skin that is soaked in lime, scraped and dried under tension on a frame. Vellum is the finest parchment and reacts strongly to changes in relative humidity.",
    ];

    public static readonly string[] Questions =
    [
        "修补宋元古籍应该选用什么补纸？",
        "修复浆糊怎么制作？",
        "线装书用几眼订法装订？",
        "蝴蝶装和包背装有什么区别？",
        "书库怎样防虫？",
        "古籍纸张酸化变脆怎么处理？",
        "揭裱要注意什么？",
        "How do conservators mend a tear in paper?",
        "How is acidic paper deacidified?",
        "What is red rot in leather bindings?",
    ];
}
