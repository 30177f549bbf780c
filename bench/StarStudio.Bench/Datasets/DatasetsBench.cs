// Dataset build benchmark (docs/training-datasets.md): one star with 10,000 rated conversations of 10 messages each
// (100,000 messages in the PostgreSQL document store), 2,000 of them with a regenerated answer rated twice (DPO pairs),
// a fifth of the answers citing passages and a tenth of the questions carrying personal data. Times the real
// TrainingDatasetService as the star's owner (RLS on): preview, then build (files to a local object store, then the row).
//
//   eval "$(scripts/postgres.sh env)"
//   nice -n 15 dotnet run -c Release --project bench/StarStudio.Bench -- datasets [--conversations 10000 --turns 5]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Storage;
using StarStudio.Data.Training;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Datasets;

/// <summary>The <c>datasets</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- datasets</c>): the statements of its former Program.cs.</summary>
internal static class DatasetsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var conversationCount = Arg("--conversations", 10_000);
        var turns = Arg("--turns", 5);
        var regenerated = conversationCount / 5;
        const int Players = 1_000;

        Console.WriteLine($"StarStudio dataset build benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        await using var database = await BenchDatabase.CreateMigratedAsync("datasets");
        var (app, maint) = (database.AppConnectionString, database.MaintConnectionString);
        var objectsRoot = Directory.CreateTempSubdirectory("starstudio-bench-datasets-").FullName;

        try
        {
            var ownerId = Guid.NewGuid();
            var starId = Guid.NewGuid();
            var players = Enumerable.Range(0, Players).Select(_ => Guid.NewGuid()).ToArray();
            var arrange = Stopwatch.StartNew();
            await using (var db = StarStudioContextFactory.Create(maint))
            {
                await TestUsers.AddAsync(db, "owner@example.test", [], ownerId);
                for (var i = 0; i < Players; i++)
                {
                    await TestUsers.AddAsync(db, $"player{i}.wang@example.test", [], players[i]);
                }

                db.Stars.Add(new Star { Id = starId, OwnerId = ownerId, Name = "墨香", Domain = "古籍修复", Persona = "从事古籍修复三十年的老师傅", Tone = "亲切", IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }

            var messageCount = await ArrangeAsync(maint, starId, players, conversationCount, turns, regenerated);
            Console.WriteLine($"Arranged {conversationCount:N0} conversations, {messageCount:N0} messages, {regenerated:N0} regenerated answers rated twice, {Players:N0} players in {arrange.Elapsed.TotalSeconds:F1} s.");
            await using (var conn = new NpgsqlConnection(maint))
            {
                await conn.OpenAsync();
                await new NpgsqlCommand("ANALYZE", conn).ExecuteNonQueryAsync();
            }

            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<ICurrentUser>(new FixedCurrentUser(UserContext.For(ownerId)));
            services.AddSingleton<Microsoft.EntityFrameworkCore.IDbContextFactory<StarStudioDbContext>>(new StarStudioContextFactory(app));
            services.AddScoped<StarStudioDb>();
            services.AddScoped<IConversationMessageStore, PostgresConversationMessageStore>();
            services.AddSingleton<IObjectStore>(new LocalObjectStore(objectsRoot));
            services.AddTrainingDatasets();
            await using var provider = services.BuildServiceProvider();

            var filters = new DatasetFilters();
            for (var run = 1; run <= 2; run++)
            {
                await using var scope = provider.CreateAsyncScope();
                var datasets = scope.ServiceProvider.GetRequiredService<ITrainingDatasetService>();
                var store = scope.ServiceProvider.GetRequiredService<IConversationMessageStore>();

                var watch = Stopwatch.StartNew();
                var preview = await datasets.PreviewAsync(starId, filters);
                var previewMs = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var built = await datasets.BuildAsync(starId, filters);
                var buildMs = watch.Elapsed.TotalMilliseconds;
                if (!built.Succeeded || !preview.Succeeded)
                {
                    throw new InvalidOperationException($"Build failed: {built.Kind} {string.Join(",", built.Errors.Select(e => e.Code))}");
                }

                // Where the time goes: the message read alone (one ANY(@ids) query and the JSON bodies).
                var ids = await scope.ServiceProvider.GetRequiredService<StarStudioDb>().RunAsync((ctx, _) =>
                    Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(ctx.Conversations.Where(c => c.StarId == starId).Select(c => c.Id)));
                watch.Restart();
                var read = await store.ListManyAsync(ids);
                var readMs = watch.Elapsed.TotalMilliseconds;

                var c = preview.Value!.Counts;
                Console.WriteLine($"Run {run}: preview {previewMs:F0} ms, build {buildMs:F0} ms (target ≤ 10,000 ms) — of which reading {read.Count:N0} messages alone takes {readMs:F0} ms");
                Console.WriteLine($"  SFT {c.SftTrain:N0}+{c.SftHoldout:N0}, DPO {c.DpoTrain:N0}+{c.DpoHoldout:N0}, Q&A {c.QaTrain:N0}+{c.QaHoldout:N0}, conversations {c.Conversations:N0}; masked names {c.MaskedNames:N0}, e-mails {c.MaskedEmails:N0}, phones {c.MaskedPhones:N0}");
            }

            var bytes = Directory.EnumerateFiles(objectsRoot, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"Files written: {bytes / 1024.0 / 1024.0:F1} MiB for two builds.");
        }
        finally
        {
            Directory.Delete(objectsRoot, recursive: true);
        }

        return 0;

        static async Task<long> ArrangeAsync(string maint, Guid starId, Guid[] players, int conversations, int turns, int regenerated)
        {
            var random = new Random(42);
            var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            var t0 = DateTimeOffset.UtcNow.AddDays(-60);
            long messages = 0;
            await using var conn = new NpgsqlConnection(maint);
            await conn.OpenAsync();
            var convRows = new StringBuilder();
            var feedbackRows = new StringBuilder();
            var traceRows = new StringBuilder();
            var ratingRows = new StringBuilder();
            var messageRows = new StringBuilder();
            {
                for (var c = 0; c < conversations; c++)
                {
                    var id = Guid.NewGuid();
                    var player = players[random.Next(players.Length)];
                    var playerIndex = Array.IndexOf(players, player);
                    var at = t0.AddMinutes(c * 5);
                    convRows.Append(CultureInfo.InvariantCulture, $"{id}\t{starId}\t{player}\tweb\tclosed\t{Ts(at)}\t{Ts(at)}\t对话{c}\n");
                    var rating = random.Next(10) < 6 ? random.Next(4, 6) : random.Next(1, 4);
                    feedbackRows.Append(CultureInfo.InvariantCulture, $"{Guid.NewGuid()}\t{id}\t{rating}\t{{}}\t{Ts(at.AddHours(1))}\n");
                    for (var t = 0; t < turns; t++)
                    {
                        var question = Question(random, playerIndex);
                        var user = new ConversationMessageDocument(Guid.NewGuid(), id, MessageSenders.User, question, question.Length / 2, [], at.AddSeconds(t * 20));
                        var cites = random.Next(5) == 0
                            ? Enumerable.Range(1, random.Next(1, 3)).Select(n => new MessageCitation(n, Guid.NewGuid(), Guid.NewGuid(), $"修复手册{random.Next(20)}.pdf", n)).ToList()
                            : [];
                        var answerText = Answer(random);
                        var traceId = Guid.NewGuid();
                        var answer = new ConversationMessageDocument(Guid.NewGuid(), id, MessageSenders.Star, answerText, answerText.Length / 2, [],
                            at.AddSeconds((t * 20) + 10), MessageStatuses.Completed, "bench", traceId, cites);
                        if (t == turns - 1 && c < regenerated)
                        {
                            // The answer was regenerated: the first generation rated low, the one shown now rated high.
                            var firstTrace = Guid.NewGuid();
                            traceRows.Append(CultureInfo.InvariantCulture, $"{firstTrace}\t{id}\t{starId}\t{player}\t{answer.Id}\tbench\t0\t0\t0\t0\t0\ttrue\t[]\t{Ts(at)}\n");
                            traceRows.Append(CultureInfo.InvariantCulture, $"{traceId}\t{id}\t{starId}\t{player}\t{answer.Id}\tbench\t0\t0\t0\t0\t0\ttrue\t[]\t{Ts(at)}\n");
                            ratingRows.Append(CultureInfo.InvariantCulture, $"{Guid.NewGuid()}\t{id}\t{starId}\t{player}\t{answer.Id}\t{firstTrace}\t2\t{{}}\t{Esc(question)}\t{Esc("较早的一版回答：" + Answer(random))}\t{Ts(at.AddHours(2))}\t{Ts(at.AddHours(2))}\n");
                            ratingRows.Append(CultureInfo.InvariantCulture, $"{Guid.NewGuid()}\t{id}\t{starId}\t{player}\t{answer.Id}\t{traceId}\t5\t{{有用}}\t{Esc(question)}\t{Esc(answerText)}\t{Ts(at.AddHours(2))}\t{Ts(at.AddHours(2))}\n");
                        }

                        foreach (var m in new[] { user, answer })
                        {
                            messageRows.Append(CultureInfo.InvariantCulture, $"{m.Id}\t{id}\t{Ts(m.CreatedAt)}\t{Esc(JsonSerializer.Serialize(m, json))}\n");
                            messages++;
                        }
                    }
                }
            }

            // In key order: conversations before what references them.
            await Copy(conn, "COPY conversations (id, star_id, user_id, channel, status, created_at, updated_at, title) FROM STDIN", convRows);
            await Copy(conn, "COPY conversation_feedback (id, conversation_id, rating, labels, created_at) FROM STDIN", feedbackRows);
            await Copy(conn, "COPY conversation_messages (id, conversation_id, created_at, body) FROM STDIN", messageRows);
            await Copy(conn, "COPY chat_traces (id, conversation_id, star_id, user_id, message_id, model, tokens_in, tokens_out, total_ms, tool_calls, cost, success, prompt, created_at) FROM STDIN", traceRows);
            await Copy(conn, "COPY answer_feedback (id, conversation_id, star_id, user_id, message_id, trace_id, rating, labels, prompt, answer, created_at, updated_at) FROM STDIN", ratingRows);
            return messages;
        }

        static async Task Copy(NpgsqlConnection conn, string command, StringBuilder rows)
        {
            await using var writer = await conn.BeginTextImportAsync(command);
            await writer.WriteAsync(rows.ToString());
        }

        static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", CultureInfo.InvariantCulture);

        // COPY's text format: backslash, tab, newline and carriage return are escaped.
        static string Esc(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

        static string Question(Random random, int player)
        {
            string[] openings = ["请问", "想了解一下", "老师好，", "有个问题：", "麻烦问下，"];
            string[] topics = ["修补宋元古籍应该选用什么补纸？", "修复浆糊怎么制作，稠度怎么掌握？", "线装书用几眼订法装订比较好？", "蝴蝶装和包背装有什么区别？",
                "书库怎样防虫防霉？", "古籍纸张酸化变脆应该怎么处理？", "揭裱的时候要注意哪些问题？", "溜口是怎么做的？", "How do conservators mend a tear in paper?"];
            var text = openings[random.Next(openings.Length)] + topics[random.Next(topics.Length)];
            return random.Next(10) switch
            {
                0 => $"我叫王{(char)('明' + (player % 50))}。{text}我的电话是138{random.Next(10_000_000, 99_999_999)}",
                1 => $"{text} 资料可以发到 player{player}.wang@example.test 吗？",
                _ => text,
            };
        }

        static string Answer(Random random)
        {
            string[] parts =
            [
                "古籍修复常用的补纸有竹纸、皮纸和宣纸。", "竹纸纤维短而脆，适合修补明清刻本；", "皮纸纤维长、韧性强，适合修补宋元旧籍。", "选纸时要比对原书纸张的厚薄、帘纹和颜色。",
                "浆糊要稀薄均匀，过稠会使书页起皱发硬。", "线装书一般采用四眼订法，开本较大的书用六眼订法。", "现代库房控制温度在十六至二十二度。", "脱酸处理常用碳酸氢镁溶液。",
                "揭裱时先用清水闷润旧裱，再一层层揭去旧的托纸。[1]", "溜口用窄条皮纸蘸稀浆糊，沿书口折缝贴补。", "The tissue is torn rather than cut so that its fibres feather into the sheet.",
            ];
            var sb = new StringBuilder();
            var n = random.Next(3, 7);
            for (var i = 0; i < n; i++)
            {
                sb.Append(parts[random.Next(parts.Length)]);
            }

            return sb.ToString();
        }

        int Arg(string flag, int fallback)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
        }
    }
}
