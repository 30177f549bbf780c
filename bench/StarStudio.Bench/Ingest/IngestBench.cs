// Ingestion benchmark: a 200-page PDF through the real knowledge job (parse → chunk → embed → index)
// with the local embedder, over a private migrated database. Prints each phase alone and the whole run.
//
//   eval "$(scripts/postgres.sh env)"
//   dotnet run -c Release --project bench/StarStudio.Bench -- ingest [--pages 200 --runs 7]
using System.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;
using StarStudio.Data.Knowledge.Pipeline;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Storage;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Ingest;

/// <summary>The <c>ingest</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- ingest</c>): the statements of its former Program.cs.</summary>
internal static class IngestBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pages = Arg("--pages", 200);
        var runs = Arg("--runs", 7);
        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        var appUser = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app";
        var appPassword = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app";
        var name = "starstudio_ingest_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = appUser, Password = appPassword }.ConnectionString;
        var objectsRoot = Directory.CreateTempSubdirectory("starstudio-ingest-").FullName;

        Console.WriteLine($"StarStudio ingestion benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        try
        {
            await DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString, app, null);
            var userId = Guid.NewGuid();
            var starId = Guid.NewGuid();
            await using (var db = StarStudioContextFactory.Create(owner))
            {
                await TestUsers.AddAsync(db, "bench@example.test", [], userId);
                db.Stars.Add(new Star { Id = starId, OwnerId = userId, Name = "bench", Domain = "paper conservation", Persona = "p", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }

            var pdf = BuildPdf(pages);
            Console.WriteLine($"Document: {pages} pages, {pdf.Length / 1024} KB PDF");

            var user = UserContext.For(userId);
            var factory = new StarStudioContextFactory(app);
            var gateway = new StarStudioDb(factory, new FixedCurrentUser(user));
            var objects = new LocalObjectStore(objectsRoot);
            var http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
            var models = new EmbeddingModelResolver(http, new EphemeralDataProtectionProvider());
            var queue = new Queue();
            var service = new KnowledgeService(gateway, objects, new PostgresKnowledgeChunkStore(gateway), new KnowledgeRetriever(gateway, models), queue, TimeProvider.System);
            var upload = await service.UploadAsync(starId, "bench.pdf", new MemoryStream(pdf), pdf.Length);
            var taskId = upload.Value?.Id ?? throw new InvalidOperationException(string.Join(", ", upload.Errors.Select(e => e.Code)));

            // Each phase alone: parsing both in process (the library's own speed) and in the parser worker (what the app does).
            var inProcess = new InProcessDocumentParser();
            using var parser = new WorkerDocumentParser(new ParserWorkerOptions());
            var parse = new List<double>();
            var parseWorker = new List<double>();
            var chunk = new List<double>();
            var embed = new List<double>();
            var model = await models.GetDefaultAsync(gateway);
            var generator = models.Create(model);
            IReadOnlyList<TextChunk> chunks = [];
            for (var i = 0; i < runs + 1; i++)
            {
                var sw = Stopwatch.StartNew();
                await inProcess.ParseAsync(KnowledgeFileKind.Pdf, new MemoryStream(pdf));
                var parsed = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var doc = await parser.ParseAsync(KnowledgeFileKind.Pdf, new MemoryStream(pdf));
                var parsedWorker = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                chunks = TextChunker.Chunk(doc, new ChunkingOptions(), Cl100kTokenCounter.Instance);
                var chunked = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                for (var b = 0; b < chunks.Count; b += 64)
                {
                    await generator.GenerateAsync(chunks.Skip(b).Take(64).Select(c => c.Text).ToList());
                }

                var embedded = sw.Elapsed.TotalMilliseconds;
                if (i > 0) // the first run warms up the JIT and the tokenizer
                {
                    parse.Add(parsed);
                    parseWorker.Add(parsedWorker);
                    chunk.Add(chunked);
                    embed.Add(embedded);
                }
            }

            // The whole job, as the worker runs it (task row updates, object store read, document store, vectors, commit).
            var whole = new List<double>();
            for (var i = 0; i < runs + 1; i++)
            {
                if (i > 0)
                {
                    var again = await service.ReindexAsync(taskId);
                    if (!again.Succeeded)
                    {
                        throw new InvalidOperationException("Re-index refused: " + string.Join(", ", again.Errors.Select(e => e.Code)));
                    }
                }

                var (queuedTask, actingUser) = queue.Take();
                var acting = new ActingUser();
                var jobDb = new StarStudioDb(factory, new ActingCurrentUser(acting));
                var job = new KnowledgeIngestionJob(jobDb, acting, objects, parser, Cl100kTokenCounter.Instance,
                    new DefaultStarEmbedderProvider(jobDb, models), new PostgresKnowledgeChunkStore(jobDb), TimeProvider.System, NullLogger<KnowledgeIngestionJob>.Instance);
                var sw = Stopwatch.StartNew();
                await job.RunAsync(queuedTask, actingUser, CancellationToken.None);
                var ms = sw.Elapsed.TotalMilliseconds;
                await using var check = StarStudioContextFactory.Create(owner);
                var task = await check.KnowledgeTasks.AsNoTracking().SingleAsync(t => t.Id == taskId);
                if (task.Status != KnowledgeTaskStatus.Completed)
                {
                    throw new InvalidOperationException($"Run {i} ended {task.Status}: {task.Error}");
                }

                if (i > 0)
                {
                    whole.Add(ms);
                }
            }

            // What the worker costs per document when the document is small: start-up, JIT, the pipes.
            var small = System.Text.Encoding.UTF8.GetBytes("# 标题\n\n一段很短的文字。A short paragraph.\n");
            var smallWorker = new List<double>();
            var smallInProcess = new List<double>();
            for (var i = 0; i < 51; i++)
            {
                var sw = Stopwatch.StartNew();
                await parser.ParseAsync(KnowledgeFileKind.Markdown, new MemoryStream(small));
                var worker = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                await inProcess.ParseAsync(KnowledgeFileKind.Markdown, new MemoryStream(small));
                if (i > 0)
                {
                    smallWorker.Add(worker);
                    smallInProcess.Add(sw.Elapsed.TotalMilliseconds);
                }
            }

            Console.WriteLine($"Small document (Markdown, {small.Length} bytes), 50 runs: parser worker p50 {Median(smallWorker):0.0} ms (p90 {smallWorker.Order().ElementAt(44):0.0}), in process p50 {Median(smallInProcess):0.00} ms");
            Console.WriteLine($"Chunks: {chunks.Count} (500-token chunks, 50 overlap), model {model.Name} ({model.Dimension} dims)");
            Console.WriteLine();
            Console.WriteLine($"{"phase",-28} {"median ms",10} {"min ms",10} {"pages/s",10}");
            Row("parse (PdfPig, in process)", parse);
            Row("parse (parser worker)", parseWorker);
            Row("chunk (cl100k)", chunk);
            Row("embed (local-hash-384)", embed);
            Row("whole job end to end", whole);
            var median = Median(whole);
            Console.WriteLine();
            Console.WriteLine($"RESULT end-to-end: {pages / (median / 1000):0} pages/s (target ≥ 150)");

            void Row(string label, List<double> ms) =>
                Console.WriteLine($"{label,-28} {Median(ms),10:0.0} {ms.Min(),10:0.0} {pages / (Median(ms) / 1000),10:0}");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
            Directory.Delete(objectsRoot, recursive: true);
        }

        return 0;

        static double Median(List<double> xs)
        {
            var s = xs.Order().ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }


        // A realistic page: ~1,500 characters of English prose in sentences, different on every page.
        static byte[] BuildPdf(int pages)
        {
            string[] words = ["paper", "fibre", "starch", "paste", "hinge", "binding", "leaf", "ink", "acid", "humidity", "mould",
                "repair", "archive", "conservator", "thread", "spine", "cover", "silk", "bamboo", "mulberry", "tissue", "adhesive",
                "reversible", "stable", "fragile", "manuscript", "woodblock", "edition", "catalogue", "storage"];
            var builder = new PdfDocumentBuilder();
            var font = builder.AddStandard14Font(Standard14Font.Helvetica);
            var random = new Random(7);
            for (var p = 1; p <= pages; p++)
            {
                var page = builder.AddPage(PageSize.A4);
                var y = 800.0;
                var chars = 0;
                while (chars < 1500 && y > 40)
                {
                    var line = string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)])) + (random.Next(3) == 0 ? "." : ",");
                    page.AddText(line, 10, new UglyToad.PdfPig.Core.PdfPoint(40, y), font);
                    chars += line.Length + 1;
                    y -= 14;
                }
            }

            return builder.Build();
        }

        int Arg(string flag, int fallback)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
    }
}

internal sealed class Queue : IKnowledgeJobQueue
{
    private readonly Queue<(Guid, Guid)> jobs = new();

    public void Enqueue(Guid taskId, Guid actingUserId) => jobs.Enqueue((taskId, actingUserId));

    public (Guid Task, Guid User) Take() => jobs.Dequeue();
}

internal sealed class ActingCurrentUser(ActingUser acting) : ICurrentUser
{
    public ValueTask<UserContext> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(acting.User ?? UserContext.Anonymous);
}
