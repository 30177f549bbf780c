// Outbound webhook benchmark (issue 16): 100,000 queued deliveries drained by the delivery worker (the app's own
// WebhookDispatcher, in a child process) into a loopback receiver (Kestrel, in this process) that counts event ids.
// Mid-run the worker process is killed (SIGKILL, no shutdown) and started again; at the end the receiver's counts say
// whether any event was lost (never received) or received twice, and the table says whether any row is not delivered.
//
//   eval "$(scripts/postgres.sh env)"
//   nice -n 15 dotnet run -c Release --project bench/StarStudio.Bench -- webhooks [--deliveries 100000 --kill-at 30 --emits 1000]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Core.Webhooks;
using StarStudio.Data;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Webhooks;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Webhooks;

/// <summary>The <c>webhooks</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- webhooks</c>): the statements of its former Program.cs.</summary>
internal static class WebhooksBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "--worker")
        {
            return await Worker.RunAsync(args[1], args[2]);
        }

        var deliveries = Arg("--deliveries", 100_000);
        var killAt = Arg("--kill-at", 30) / 100.0;
        var emits = Arg("--emits", 1_000);
        Console.WriteLine($"StarStudio webhook delivery benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, load {Load()}");

        await using var database = await BenchDatabase.CreateMigratedAsync("webhooks");
        var keys = Directory.CreateTempSubdirectory("starstudio-bench-keys-");
        var protection = DataProtectionProvider.Create(keys, b => b.SetApplicationName("StarStudio.Bench.Webhooks"));

        // The receiver: counts every event id it is sent and when the first copy arrived.
        var counts = new ConcurrentDictionary<Guid, int>();
        var firstSeen = new ConcurrentDictionary<Guid, long>();
        long requests = 0;
        var (receiverApp, baseUri) = await StarStudio.Tests.TestData.LoopbackHttpServer.StartAsync(async ctx =>
        {
            var id = Guid.Parse(ctx.Request.Headers[WebhookRules.EventIdHeader].ToString());
            using var reader = new StreamReader(ctx.Request.Body);
            await reader.ReadToEndAsync(ctx.RequestAborted);
            Interlocked.Increment(ref requests);
            if (counts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
            {
                firstSeen[id] = Stopwatch.GetTimestamp();
            }

            ctx.Response.StatusCode = 204;
        });

        Guid ownerId, starId, webhookId;
        await using (var db = StarStudioContextFactory.Create(database.MaintConnectionString))
        {
            ownerId = await TestUsers.AddAsync(db, "owner@example.test", ["star_owner"]);
            await db.SaveChangesAsync();
            starId = Guid.NewGuid();
            db.Stars.Add(new Star { Id = starId, OwnerId = ownerId, Name = "墨香", Domain = "天气", Persona = "", Tone = "", Status = StarStatus.Active });
            webhookId = Guid.NewGuid();
            db.Webhooks.Add(new Webhook
            {
                Id = webhookId, OwnerId = ownerId, Url = new Uri(baseUri, "/hook").AbsoluteUri, EventTypes = [WebhookEvents.RatingCreated],
                SecretProtected = protection.CreateProtector(ProtectionPurposes.OutboundWebhookSecret).Protect(WebhookRules.GenerateSecret()),
                Status = WebhookStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        // 1. The emit path as the features use it: one event per transaction, as the app role, through webhook_emit.
        var appFactory = new StarStudioContextFactory(database.AppConnectionString);
        var emitDb = new StarStudioDb(appFactory, new FixedCurrentUser(UserContext.For(ownerId)));
        var emitTimes = new List<double>(emits);
        for (var i = 0; i < emits; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await emitDb.RunAsync((ctx, _) => WebhookOutbox.EmitAsync(ctx, WebhookEvents.RatingCreated, starId, new { rating = 5, n = i }, DateTimeOffset.UtcNow, CancellationToken.None));
            emitTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        // 2. The rest of the backlog in bulk (the same rows the emit writes), so that all are queued before the worker starts.
        await using (var conn = new NpgsqlConnection(database.MaintConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO webhook_deliveries (id, webhook_id, owner_id, event_id, event_type, star_id, body, status, attempts, next_attempt_at, created_at)
                SELECT gen_random_uuid(), @w, @o, e.id, 'rating.created', @s,
                       json_build_object('id', e.id, 'type', 'rating.created', 'created_at', now(), 'star_id', @s, 'data', json_build_object('rating', 5, 'n', e.g))::text,
                       'pending', 0, now(), now()
                FROM (SELECT g, gen_random_uuid() AS id FROM generate_series(1, @n) g) e
                """, conn) { CommandTimeout = 600 };
            cmd.Parameters.AddWithValue("w", webhookId);
            cmd.Parameters.AddWithValue("o", ownerId);
            cmd.Parameters.AddWithValue("s", starId);
            cmd.Parameters.AddWithValue("n", deliveries - emits);
            await cmd.ExecuteNonQueryAsync();
        }

        var queuedAt = Stopwatch.GetTimestamp();
        Console.WriteLine($"queued {deliveries:N0} deliveries ({emits:N0} through webhook_emit: p50 {Percentile(emitTimes, 0.5):0.00} ms, p95 {Percentile(emitTimes, 0.95):0.00} ms per event transaction)");

        var worker = StartWorker(database.AppConnectionString, keys.FullName);
        var killed = false;
        long receivedAtKill = 0;
        var killTime = TimeSpan.Zero;
        TimeSpan restartGap = TimeSpan.Zero;
        while (true)
        {
            await Task.Delay(100);
            if (!killed && counts.Count >= deliveries * killAt)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
                killed = true;
                receivedAtKill = counts.Count;
                killTime = Stopwatch.GetElapsedTime(queuedAt);
                Console.WriteLine($"killed the worker (SIGKILL) at {killTime.TotalSeconds:0.0} s after {receivedAtKill:N0} events; restarting");
                var restart = Stopwatch.GetTimestamp();
                worker = StartWorker(database.AppConnectionString, keys.FullName);
                restartGap = Stopwatch.GetElapsedTime(restart);
            }

            if (counts.Count >= deliveries && await PendingAsync(database.MaintConnectionString) == 0)
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(queuedAt) > TimeSpan.FromMinutes(30))
            {
                Console.WriteLine("gave up after 30 minutes");
                break;
            }
        }

        var total = Stopwatch.GetElapsedTime(queuedAt);
        worker.Kill(entireProcessTree: true);
        await worker.WaitForExitAsync();
        await receiverApp.StopAsync();

        var delays = firstSeen.Values.Select(t => (t - queuedAt) * 1000.0 / Stopwatch.Frequency).ToList();
        long dbRows, dbDistinct, delivered, maxAttempts;
        await using (var conn = new NpgsqlConnection(database.MaintConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*), count(DISTINCT event_id), count(*) FILTER (WHERE status = 'delivered'), coalesce(max(attempts), 0) FROM webhook_deliveries", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            (dbRows, dbDistinct, delivered, maxAttempts) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3));
        }

        var duplicates = counts.Values.Sum(n => n - 1);
        Console.WriteLine($"""

            deliveries queued        {deliveries:N0}
            wall time to drain       {total.TotalSeconds:0.0} s (includes the kill, the restart and the {Worker.Lease.TotalSeconds:0} s lease of the killed worker's claims)
            throughput               {deliveries / total.TotalSeconds:N0} deliveries/s over the whole run
            delay queued→received    p50 {Percentile(delays, 0.5) / 1000:0.0} s, p95 {Percentile(delays, 0.95) / 1000:0.0} s, max {delays.Max() / 1000:0.0} s (a backlog of {deliveries:N0} queued at once)
            worker killed            at {killTime.TotalSeconds:0.0} s, {receivedAtKill:N0} events received by then; restarted in {restartGap.TotalMilliseconds:0} ms
            receiver                 {counts.Count:N0} distinct event ids, {requests:N0} requests, {duplicates:N0} received more than once (in flight when killed)
            lost                     {deliveries - counts.Count:N0}
            table                    {dbRows:N0} rows, {dbDistinct:N0} distinct event ids, {delivered:N0} delivered, max attempts {maxAttempts}
            """);
        keys.Delete(recursive: true);
        return deliveries - counts.Count == 0 && delivered == deliveries ? 0 : 1;

        static Process StartWorker(string connection, string keys)
        {
            var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            {
                info.ArgumentList.Add(typeof(Worker).Assembly.Location);
            }

            info.ArgumentList.Add("webhooks");
            info.ArgumentList.Add("--worker");
            info.ArgumentList.Add(connection);
            info.ArgumentList.Add(keys);
            return Process.Start(info)!;
        }

        static async Task<long> PendingAsync(string connection)
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'", conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        static double Percentile(List<double> values, double p)
        {
            if (values.Count == 0)
            {
                return 0;
            }

            var sorted = values.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        }

        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        }

        static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
    }
}

/// <summary>The worker process: the app's registration of webhooks (AddWebhooks) and its dispatcher, until killed.</summary>
internal static class Worker
{
    /// <summary>Shorter than the app's 2 minutes so the run does not wait long for the killed worker's claims.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string connection, string keys)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StarStudio:Security:AllowPrivateNetworkUrls"] = "true", // the receiver is on loopback
            ["StarStudio:Webhooks:Timeout"] = "00:00:05",
            ["StarStudio:Webhooks:Lease"] = Lease.ToString("c"),
            ["StarStudio:Webhooks:WorkerEnabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.AddSingleton<IDataProtectionProvider>(DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("StarStudio.Bench.Webhooks")));
        services.AddSingleton<IDbContextFactory<StarStudioDbContext>>(new StarStudioContextFactory(connection));
        WebhookServiceCollectionExtensions.AddWebhooks(services);
        await using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<WebhookDispatcher>();
        var poll = provider.GetRequiredService<IOptions<WebhookOptions>>().Value.PollInterval;
        while (true)
        {
            if (await dispatcher.RunOnceAsync() == 0)
            {
                await Task.Delay(poll);
            }
        }
    }
}
