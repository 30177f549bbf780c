// Skill call benchmark (issue 12): what a metered skill call adds over the endpoint's own latency — argument validation,
// skill_call_begin (replay check, hold), signing, the guarded HTTP client, size/JSON/output-schema checks, skill_call_record
// (row, settle, maker credit) and the trace step's JSON — against a scripted endpoint on loopback, as the app role (RLS on).
// Each iteration times the bare endpoint (a plain POST of the same body, read whole) and the full metered call back to back;
// the overhead is their per-iteration difference.
//
//   eval "$(scripts/postgres.sh env)"
//   nice -n 15 dotnet run -c Release --project bench/StarStudio.Bench -- skillcalls [--calls 2000 --warmup 1000]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Market.Calls;
using StarStudio.TestSupport;
using StarStudio.Tests.Integration.Market.Calls;

namespace StarStudio.Bench.SkillCalls;

/// <summary>The <c>skillcalls</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- skillcalls</c>): the statements of its former Program.cs.</summary>
internal static class SkillCallsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var calls = Arg("--calls", 2_000);
        var warmup = Math.Max(1_000, Arg("--warmup", 1_000));
        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        var appUser = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app";
        var appPassword = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app";
        var name = "starstudio_skillcalls_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = appUser, Password = appPassword }.ConnectionString;
        // Arranged as the maintenance role (BYPASSRLS), as the tests do: versions and subscriptions are forced even for the owner.
        var maint = new NpgsqlConnectionStringBuilder(server)
        {
            Database = name,
            Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_MAINT_USER") ?? "starstudio_maint",
            Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_MAINT_PASSWORD") ?? "starstudio_maint",
        }.ConnectionString;

        Console.WriteLine($"StarStudio skill call benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, load {Load()}");
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        await using var endpoint = await ScriptedSkillServer.StartAsync();
        try
        {
            await DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString, app, null);
            var protection = new EphemeralDataProtectionProvider();
            Guid makerId, ownerId, starId, skillId;
            await using (var db = StarStudioContextFactory.Create(maint))
            {
                makerId = await TestUsers.AddAsync(db, "maker@example.test", ["skill_maker"]);
                ownerId = await TestUsers.AddAsync(db, "owner@example.test", ["star_owner"]);
                await db.SaveChangesAsync();
                starId = Guid.NewGuid();
                db.Stars.Add(new Star { Id = starId, OwnerId = ownerId, Name = "墨香", Domain = "天气", Persona = "", Tone = "", Status = StarStatus.Active });
                skillId = Guid.NewGuid();
                var now = DateTimeOffset.UtcNow;
                var url = endpoint.Url("/ok").ToString();
                db.Skills.Add(new Skill
                {
                    Id = skillId, OwnerId = makerId, Name = "Weather Now", Description = "查询城市天气", Category = "weather", ApiEndpoint = url,
                    Schema = ScriptedSkillServer.InputSchema, OutputSchema = ScriptedSkillServer.OutputSchema, PricingType = SkillPricingType.Usage, Price = 0.01m,
                    SigningSecretProtected = protection.CreateProtector(ProtectionPurposes.SkillSigningSecret).Protect("whsec_bench"), CreatedAt = now, UpdatedAt = now,
                });
                await db.SaveChangesAsync();
                var versionId = Guid.NewGuid();
                db.SkillVersions.Add(new SkillVersion
                {
                    Id = versionId, SkillId = skillId, OwnerId = makerId, Version = "1.0.0", ChangeLog = "", Name = "Weather Now", Category = "weather", ApiEndpoint = url,
                    InputSchema = ScriptedSkillServer.InputSchema, OutputSchema = ScriptedSkillServer.OutputSchema, PricingType = SkillPricingType.Usage, Price = 0.01m,
                    Examples = "[]", Status = SkillVersionStatus.Published, SubmittedAt = now, ReviewedAt = now, SearchText = "weather",
                });
                await db.SaveChangesAsync();
                await db.Skills.Where(s => s.Id == skillId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SkillStatus.Published).SetProperty(x => x.PublishedVersionId, versionId));
                db.SkillSubscriptions.Add(new SkillSubscription
                {
                    Id = Guid.NewGuid(), SkillId = skillId, StarId = starId, OwnerId = ownerId, SkillVersionId = versionId, Plan = SkillPlans.PerCall,
                    PricingType = SkillPricingType.Usage, Price = 0.01m, StartedAt = now, CreatedAt = now, UpdatedAt = now,
                });
                await db.SaveChangesAsync();
            }

            var acting = new StarStudioDb(new StarStudioContextFactory(app), new FixedCurrentUser(UserContext.For(ownerId, "star_owner")));
            await acting.RunAsync((db, _) => WalletPostings.PostAsync(db, new LedgerPosting("bench-recharge", ownerId, WalletCurrency.Balance, 1_000_000m, LedgerSource.Recharge)));

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["StarStudio:Security:AllowPrivateNetworkUrls"] = "true" }).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
            MarketCallsServiceCollectionExtensions.AddMarketCalls(services);
            await using var sp = services.BuildServiceProvider();
            var source = new SkillChatToolSource(new StarStudioContextFactory(app), new FixedCurrentUser(UserContext.For(ownerId, "star_owner")), sp.GetRequiredService<ISkillEndpointCaller>(), protection, sp.GetRequiredService<IOptionsMonitor<MarketCallOptions>>());
            var request = new ChatRequest(new StarPersona(starId, "墨香", "天气", "", "", null), [], "上海天气", Guid.NewGuid(), ownerId, Guid.NewGuid());
            var tool = (await source.GetToolsAsync(request, CancellationToken.None)).Single();
            var arguments = JsonDocument.Parse("""{"city":"上海"}""").RootElement.Clone();

            // The bare endpoint: the same body, one POST, read whole, through a plain loopback client (no signing, no checks).
            using var bare = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            var body = JsonSerializer.SerializeToUtf8Bytes(new { tool = tool.Name, arguments, star_id = starId, conversation_id = request.ConversationId, request_id = "bench" });
            async Task Bare()
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await bare.PostAsync(endpoint.Url("/ok"), content);
                _ = await response.Content.ReadAsByteArrayAsync();
            }

            var traceJson = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            var n = 0;
            async Task Metered()
            {
                var result = await tool.InvokeAsync(arguments, new ChatToolContext(request, _ => 0, "call_" + n++), CancellationToken.None);
                if (!result.Success)
                {
                    throw new InvalidOperationException("A benchmark call failed: " + result.Error);
                }

                // What the engine adds per call: the trace step's output JSON.
                using var trace = JsonDocument.Parse(result.Trace!);
                _ = JsonSerializer.Serialize(new { result = result.Content, call = trace.RootElement }, traceJson);
            }

            var listing = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await source.GetToolsAsync(request, CancellationToken.None);
                listing.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            // The floor under the two transactions a metered call needs (before and after the HTTP call): an empty one as the
            // acting user (BEGIN, set_config, SELECT 1, COMMIT), which says how loaded the database is right now.
            var empty = new List<double>();
            for (var i = 0; i < 500; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await acting.RunAsync((db, _) => db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\"").ToListAsync());
                empty.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            // The parts: the signed, checked HTTP call alone (no database), and the two money functions alone (no HTTP), here
            // through StarStudioDb.RunAsync (BEGIN and set_config, the query, COMMIT) where the tool makes one round trip each.
            var caller = sp.GetRequiredService<ISkillEndpointCaller>();
            var signedOnly = new List<double>();
            var moneyOnly = new List<double>();
            var subscriptionId = await acting.RunAsync((db, _) => db.SkillSubscriptions.Select(x => x.Id).SingleAsync());
            for (var i = 0; i < warmup + 500; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var outcome = await caller.CallAsync(new SkillEndpointRequest(endpoint.Url("/ok"), tool.Name, arguments, "whsec_bench", ScriptedSkillServer.OutputSchema, "parts-" + i, starId, request.ConversationId));
                var t1 = Stopwatch.GetTimestamp();
                var rid = "parts:" + i;
                await acting.RunAsync((db, _) => db.Database.SqlQuery<string>($"SELECT outcome AS \"Value\" FROM skill_call_begin({rid}, {subscriptionId})").ToListAsync());
                await acting.RunAsync((db, _) => db.Database.SqlQuery<bool>($"SELECT recorded AS \"Value\" FROM skill_call_record({rid}, {subscriptionId}, {request.ConversationId}, true, null, 200, 1, 0.008)").ToListAsync());
                var t2 = Stopwatch.GetTimestamp();
                if (!outcome.Success)
                {
                    throw new InvalidOperationException(outcome.ErrorMessage);
                }

                if (i >= warmup)
                {
                    signedOnly.Add(Stopwatch.GetElapsedTime(t, t1).TotalMilliseconds);
                    moneyOnly.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                }
            }

            var warm = Stopwatch.StartNew();
            for (var i = 0; i < warmup; i++)
            {
                await Bare();
                await Metered();
            }

            Console.WriteLine($"Warm-up: {warmup:N0} bare + {warmup:N0} metered calls in {warm.Elapsed.TotalSeconds:N1} s");
            var bareMs = new List<double>(calls);
            var fullMs = new List<double>(calls);
            var overhead = new List<double>(calls);
            for (var i = 0; i < calls; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                await Bare();
                var t1 = Stopwatch.GetTimestamp();
                await Metered();
                var t2 = Stopwatch.GetTimestamp();
                var b = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                var f = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
                bareMs.Add(b);
                fullMs.Add(f);
                overhead.Add(f - b);
            }

            Console.WriteLine($"{calls:N0} calls (metered, 0.01 per call), load {Load()}");
            Report("bare endpoint (loopback POST)", bareMs);
            Report("metered skill call (full)", fullMs);
            Report("overhead (full − bare, per call)", overhead);
            Report("listing the star's skills (once per reply)", listing);
            Report("part: signed + checked HTTP call (caller only)", signedOnly);
            Report("part: begin + record, each via StarStudioDb (3 round trips)", moneyOnly);
            Report("reference: an empty transaction as the user", empty);
            var p95 = Percentile(overhead, 95);
            Console.WriteLine($"Target: overhead p95 ≤ 10 ms → {(p95 <= 10 ? "met" : "NOT met")} ({p95:0.00} ms)");

            // The money must add up: every call charged once and credited once.
            await using (var db = StarStudioContextFactory.Create(maint))
            {
                var rows = await db.SkillCalls.CountAsync(c => c.SkillId == skillId && c.Success);
                var debits = await db.WalletLedger.CountAsync(l => l.UserId == ownerId && l.SourceType == LedgerSource.SkillUsage);
                var credits = await db.WalletLedger.CountAsync(l => l.UserId == makerId && l.SourceType == LedgerSource.SkillRevenue);
                Console.WriteLine($"Check: {rows:N0} call rows, {debits:N0} debits, {credits:N0} maker credits (all equal: {rows == debits && debits == credits})");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }

        return 0;

        static void Report(string what, List<double> ms) =>
            Console.WriteLine($"  {what,-46} p50 {Percentile(ms, 50),7:0.00} ms   p95 {Percentile(ms, 95),7:0.00} ms   p99 {Percentile(ms, 99),7:0.00} ms   mean {ms.Average(),7:0.00} ms");

        static double Percentile(List<double> values, double p)
        {
            var sorted = values.Order().ToList();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
        }

        static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

        static int Arg(string name, int fallback)
        {
            var args = Environment.GetCommandLineArgs();
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
    }
}
