using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace StarStudio.Bench.Circuits;

/// <summary>
/// P players on a star's chat page, each in a new conversation of their own, send a question at the same moment (on
/// the default offline engine, answers streamed) and wait for the answer. Measured as the browser would see it:
/// typing (a <c>change</c> event) until the next render, the send click until the next render, send until the first
/// render carrying answer text (the first token), and send until the send button is back (the answer is complete).
/// </summary>
internal static class Chatting
{
    private static readonly string[] Questions =
    [
        "古籍修复的第一步是什么？", "纸张发黄怎么处理？", "虫蛀的书页能补吗？", "修复用的浆糊怎么调？", "How do I store old books?",
        "托裱和衬纸有什么区别？", "霉斑可以去掉吗？", "修复一本书要多久？",
    ];

    public static async Task<string> RunAsync(string baseUrl, int pid, string path, IReadOnlyList<string> cookies, string maintConnectionString, Options options)
    {
        var players = options.Players;
        Console.WriteLine();
        Console.WriteLine($"== chatting: {players} players at once on {path} (pid {pid}, load {ProcStats.LoadAverage()})");
        CircuitClient.JsCalls.Clear();
        CircuitClient.ServerErrors.Clear();
        var clients = new ConcurrentBag<CircuitClient>();
        var errors = new ConcurrentQueue<string>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, players), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (i, ct) =>
        {
            var client = new CircuitClient(baseUrl, cookies[i % cookies.Count]) { TrackElements = true };
            try
            {
                await client.OpenAsync(path, ct);
                // A conversation of their own: "new conversation", then wait until the composer is there.
                var composer = client.WaitForBatchAsync(_ => client.Rendered("chat-send") && client.Rendered(Composer));
                await client.DispatchAsync(client.Handler("chat-new", "onclick"), "click", ClickArgs, ct);
                if (!(client.Rendered("chat-send") && client.Rendered(Composer)))
                {
                    await composer.WaitAsync(TimeSpan.FromSeconds(60), ct);
                }

                clients.Add(client);
            }
            catch (Exception e)
            {
                errors.Enqueue("open: " + e.GetType().Name + ": " + e.Message);
                await client.DisposeAsync();
            }
        });
        Console.WriteLine($"  {clients.Count} players ready in {watch.Elapsed.TotalSeconds:F0} s ({errors.Count} errors); RSS {ProcStats.RssKb(pid) / 1024.0:F0} MB");

        // One question before the burst: the first answer after a start loads what every later one reuses (the embedding
        // model, the engine's caches); that is a cost of starting the app, not of 500 people asking.
        var ready = clients.ToList();
        if (ready.Count > 0)
        {
            var warm = await AskAsync(ready[0], "你好，先热身一下。");
            Console.WriteLine($"  warm-up question: first token {warm.FirstToken:F0} ms, complete {warm.Complete:F0} ms{(warm.Error is { } e ? ", " + e : "")}");
        }

        // CIRCUITS_ROUNDS=R asks R bursts on the same conversations. The first burst after a start pays for the JIT's
        // tier-up (a third of the app's CPU in a perf profile of it); the later ones show the steady cost per answer.
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CIRCUITS_ROUNDS"), out var r) && r > 0 ? r : 1;
        var rows = new List<string>();
        for (var round = 1; round <= rounds; round++)
        {
            // What the app burns with nobody asking (background jobs, the held circuits' pings): subtracted from the burst's CPU.
            var idleCpu0 = ProcStats.CpuMs(pid);
            var idleWatch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(10));
            var idleCpuPerSecond = (ProcStats.CpuMs(pid) - idleCpu0) / idleWatch.Elapsed.TotalSeconds;

            if (rounds > 1)
            {
                Console.WriteLine($"  -- round {round} of {rounds}");
            }

            CircuitClient.JsCalls.Clear();
            var serverErrors0 = CircuitClient.ServerErrors.Count;
            var burstStart = DateTimeOffset.UtcNow;
            var cpu0 = ProcStats.CpuMs(pid);
            var (machine0, postgres0, client0) = (ProcStats.MachineBusyMs(), ProcStats.CpuMsOfAll("postgres"), ProcStats.OwnCpuMs());
            var all = Stopwatch.StartNew();
            var asks = await Task.WhenAll(ready.Select((client, i) => Task.Run(() => AskAsync(client, Questions[(i + round - 1) % Questions.Length]))));
            var elapsed = all.Elapsed;
            var cpu = ProcStats.CpuMs(pid) - cpu0;
            // Where the machine's CPU went during the burst: the app, PostgreSQL, this client (on the same box), the rest.
            var machine = ProcStats.MachineBusyMs() - machine0;
            var postgresCpu = ProcStats.CpuMsOfAll("postgres") - postgres0;
            var clientCpu = ProcStats.OwnCpuMs() - client0;
            var burstCpu = cpu - (idleCpuPerSecond * elapsed.TotalSeconds);
            var serverErrors = CircuitClient.ServerErrors.Count - serverErrors0;
            var answered = asks.Where(a => a.Error is null).ToList();
            double[] Of(Func<Ask, double?> pick) => [.. answered.Select(pick).Where(v => v is not null).Select(v => v!.Value)];
            var typing = Of(a => a.Typing);
            var sendClick = Of(a => a.SendClick);
            var firstToken = Of(a => a.FirstToken);
            var complete = Of(a => a.Complete);
            var chatErrors = asks.Where(a => a.Error is not null).Select(a => a.Error!).ToList();
            // Both figures: right after a start the "idle" rate is mostly the JIT's tier-1 compilation, which the burst also pays.
            Console.WriteLine($"  {answered.Count} of {ready.Count} answered in {elapsed.TotalSeconds:F1} s; server CPU {cpu / 1000:F1} s = {cpu / Math.Max(1, ready.Count):F0} ms per answer " +
                              $"({burstCpu / Math.Max(1, ready.Count):F0} ms above the {idleCpuPerSecond:F0} ms/s the app used in the 10 s before); RSS {ProcStats.RssKb(pid) / 1024.0:F0} MB; load {ProcStats.LoadAverage()}");
            Console.WriteLine($"  machine CPU in the burst: {machine / 1000:F1} s busy of {elapsed.TotalSeconds * Environment.ProcessorCount:F1} s ({machine / (elapsed.TotalMilliseconds * Environment.ProcessorCount):P0}); " +
                              $"app {cpu / 1000:F1} s, PostgreSQL {postgresCpu / 1000:F1} s, bench client {clientCpu / 1000:F1} s, other {(machine - cpu - postgresCpu - clientCpu) / 1000:F1} s; " +
                              $"per answer: app {cpu / Math.Max(1, ready.Count):F0} ms, PostgreSQL {postgresCpu / Math.Max(1, ready.Count):F0} ms");
            Console.WriteLine($"  typing (input → render):  {Percentiles.Summary(typing)}");
            Console.WriteLine($"  send click → render:      {Percentiles.Summary(sendClick)}");
            Console.WriteLine($"  send → first token:       {Percentiles.Summary(firstToken)}");
            Console.WriteLine($"  send → answer complete:   {Percentiles.Summary(complete)}");
            Console.WriteLine($"  render batches per answer (send → complete): {Percentiles.Summary(Of(a => a.Batches)).Replace(" ms", "")}; " +
                              $"KB per answer {Percentiles.Summary(Of(a => a.Bytes / 1024.0)).Replace(" ms", "")}");
            Console.WriteLine($"  errors: open {errors.Count}, chat {chatErrors.Count}, server {serverErrors}");
            foreach (var e in errors.Concat(chatErrors).Concat(CircuitClient.ServerErrors).Distinct().Take(5))
            {
                Console.WriteLine("  error: " + e);
            }

            Console.WriteLine("  JS calls: " + string.Join(", ", CircuitClient.JsCalls.OrderByDescending(c => c.Value).Take(12).Select(c => $"{c.Key} {c.Value}")));
            var server = await ServerSideAsync(maintConnectionString, burstStart);
            rows.Add($"| chatting, {players} players{(rounds > 1 ? $", round {round}" : "")} | {answered.Count} of {ready.Count} | {errors.Count + chatErrors.Count + serverErrors} | {Percentiles.Of(typing, 95):F0} ms | " +
                   $"{Percentiles.Of(sendClick, 95):F0} ms | {Percentiles.Of(firstToken, 50):F0} / {Percentiles.Of(firstToken, 95):F0} ms | " +
                   $"{Percentiles.Of(complete, 50):F0} / {Percentiles.Of(complete, 95):F0} ms | {server} | {cpu / Math.Max(1, ready.Count):F0} ms (idle {idleCpuPerSecond:F0} ms/s) | {ProcStats.LoadAverage()} |");
        }

        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (c, _) => await c.DisposeAsync());
        return string.Join(Environment.NewLine, rows);
    }

    /// <summary>What one player measured: milliseconds, or the error that ended the question.</summary>
    private sealed record Ask(double? Typing, double? SendClick, double? FirstToken, double? Complete, int Batches, long Bytes, string? Error);

    /// <summary>
    /// Types <paramref name="question"/>, sends it and waits for the answer, as the browser would see it. Streaming starts with
    /// the batch that shows the question (<c>chat-streaming</c>); the first batch after it carrying text is the first token;
    /// the send button coming back is the answer complete.
    /// </summary>
    private static async Task<Ask> AskAsync(CircuitClient client, string question)
    {
        double? typing = null, sendClick = null, firstToken = null, complete = null;
        var batches = 0;
        long bytes = 0;
        string? error = null;
        try
        {
            // Typing: one `input` event with the whole question, as a paste (the composer binds the textarea's `input`).
            // Then what the browser sends when the send button is pressed: the textarea loses focus (`change`, then
            // `blur`; sent only for handlers the page rendered: the plain-textarea composer has none, MudTextField had
            // both), then the click. Each waits for its render so that the click uses the send button's handler ID of
            // the latest render (the server drops a replaced ID once the batch is acknowledged).
            var field = new FieldInfo(client.ComponentOf(Composer), question);
            var value = JsonSerializer.Serialize(new { value = question });
            typing = (await client.DispatchAsync(client.Handler(Composer, "oninput"), "input", value, CancellationToken.None, field)).TotalMilliseconds;
            if (client.TryHandler(Composer, "onchange") is { } change)
            {
                await WhenRenderedOrQuiet(client.DispatchAsync(change, "change", value, CancellationToken.None, field, TimeSpan.FromSeconds(2)));
            }

            if (client.TryHandler(Composer, "onblur") is { } blur)
            {
                await WhenRenderedOrQuiet(client.DispatchAsync(blur, "blur", "{\"type\":\"blur\"}", CancellationToken.None, null, TimeSpan.FromSeconds(2)));
            }

            var sent = Stopwatch.StartNew();
            var streamingSeen = false;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Observer = batch =>
            {
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref bytes, batch.Size);
                if (batch.Has("chat-error"))
                {
                    error = "chat-error shown: " + string.Join(" ", batch.Texts);
                    done.TrySetResult();
                    return;
                }

                if (!streamingSeen)
                {
                    streamingSeen = batch.Has("chat-streaming");
                    return;
                }

                if (firstToken is null && batch.Texts.Count > 0)
                {
                    firstToken = sent.Elapsed.TotalMilliseconds;
                }

                if (batch.Has("chat-send"))
                {
                    complete = sent.Elapsed.TotalMilliseconds;
                    firstToken ??= complete;
                    done.TrySetResult();
                }
            };
            sendClick = (await client.DispatchAsync(client.Handler("chat-send", "onclick"), "click", ClickArgs, CancellationToken.None)).TotalMilliseconds;
            await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (Exception e)
        {
            error ??= e.GetType().Name + ": " + e.Message;
        }
        finally
        {
            client.Observer = null;
        }

        return new Ask(typing, sendClick, firstToken, complete, batches, bytes, error);
    }

    /// <summary>
    /// Where the server's time went, from the answers' traces (written by the app as it answers): its own first-token and
    /// total time per answer, and each step kind's duration (retrieval includes the wait for the retrieval gate).
    /// </summary>
    private static async Task<string> ServerSideAsync(string connectionString, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var traces = new NpgsqlCommand(
            "select count(*), percentile_cont(0.5) within group (order by first_token_ms), percentile_cont(0.95) within group (order by first_token_ms), " +
            "percentile_cont(0.5) within group (order by total_ms), percentile_cont(0.95) within group (order by total_ms) from chat_traces where created_at >= @since", connection);
        traces.Parameters.AddWithValue("since", since);
        string summary;
        await using (var reader = await traces.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
            summary = $"traces {reader.GetInt64(0)}: server first token p50 {D(1):F0} / p95 {D(2):F0} ms, total p50 {D(3):F0} / p95 {D(4):F0} ms";
        }

        Console.WriteLine("  server side (chat_traces): " + summary);
        await using var steps = new NpgsqlCommand(
            "select s.kind, s.name, count(*), percentile_cont(0.5) within group (order by s.duration_ms), percentile_cont(0.95) within group (order by s.duration_ms) " +
            "from chat_trace_steps s join chat_traces t on t.id = s.trace_id where t.created_at >= @since group by s.kind, s.name order by 5 desc", connection);
        steps.Parameters.AddWithValue("since", since);
        await using (var reader = await steps.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Console.WriteLine($"    step {reader.GetString(0)}/{reader.GetString(1)}: n={reader.GetInt64(2)}, p50 {reader.GetDouble(3):F0} ms, p95 {reader.GetDouble(4):F0} ms");
            }
        }

        return summary;
    }

    /// <summary>An event that renders nothing has nothing to wait for: a quiet 2 s is as good as a render.</summary>
    private static async Task WhenRenderedOrQuiet(Task<TimeSpan> dispatch)
    {
        try
        {
            await dispatch;
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>The composer's textarea (id "chat-input"; the feedback form below an answer has a textarea too).</summary>
    private const string Composer = "#chat-input";

    private const string ClickArgs = "{\"type\":\"click\",\"detail\":1,\"button\":0,\"buttons\":0}";
}
