using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

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

    public static async Task<string> RunAsync(string baseUrl, int pid, string path, IReadOnlyList<string> cookies, Options options)
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
                var composer = client.WaitForBatchAsync(_ => client.Rendered("chat-send") && client.Rendered("textarea"));
                await client.DispatchAsync(client.Handler("chat-new", "onclick"), "click", ClickArgs, ct);
                if (!(client.Rendered("chat-send") && client.Rendered("textarea")))
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

        var typing = new ConcurrentBag<double>();
        var sendClick = new ConcurrentBag<double>();
        var firstToken = new ConcurrentBag<double>();
        var complete = new ConcurrentBag<double>();
        var chatErrors = new ConcurrentQueue<string>();
        var cpu0 = ProcStats.CpuMs(pid);
        var all = Stopwatch.StartNew();
        var index = 0;
        var tasks = clients.Select(client => Task.Run(async () =>
        {
            var question = Questions[Interlocked.Increment(ref index) % Questions.Length];
            try
            {
                // Typing: the composer is a MudTextField with Immediate="true", which takes the text from the textarea's
                // `input` event (its `change` handler does not set the value in immediate mode); one `input` with the whole
                // question, as a paste. Then what the browser sends when the send button is pressed: the textarea loses
                // focus (`change`, then `blur`), then the click. Each waits for its render so that the click uses the send
                // button's handler ID of the latest render (the server drops a replaced ID once the batch is acknowledged).
                var field = new FieldInfo(client.ComponentOf("textarea"), question);
                var value = JsonSerializer.Serialize(new { value = question });
                typing.Add((await client.DispatchAsync(client.Handler("textarea", "oninput"), "input", value, CancellationToken.None, field)).TotalMilliseconds);
                await WhenRenderedOrQuiet(client.DispatchAsync(client.Handler("textarea", "onchange"), "change", value, CancellationToken.None, field, TimeSpan.FromSeconds(2)));
                await WhenRenderedOrQuiet(client.DispatchAsync(client.Handler("textarea", "onblur"), "blur", "{\"type\":\"blur\"}", CancellationToken.None, null, TimeSpan.FromSeconds(2)));
                // Streaming starts with the batch that shows the question; the first batch after it carrying text is the first token.
                var sent = Stopwatch.StartNew();
                var streamingSeen = false;
                var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.Observer = batch =>
                {
                    if (batch.Has("chat-error"))
                    {
                        chatErrors.Enqueue("chat-error shown");
                        done.TrySetResult();
                    }

                    if (!streamingSeen)
                    {
                        streamingSeen = batch.Has("chat-streaming");
                        return;
                    }

                    if (!first.Task.IsCompleted && batch.Texts.Count > 0)
                    {
                        firstToken.Add(sent.Elapsed.TotalMilliseconds);
                        first.TrySetResult();
                    }

                    if (batch.Has("chat-send"))
                    {
                        complete.Add(sent.Elapsed.TotalMilliseconds);
                        first.TrySetResult();
                        done.TrySetResult();
                    }
                };
                sendClick.Add((await client.DispatchAsync(client.Handler("chat-send", "onclick"), "click", ClickArgs, CancellationToken.None)).TotalMilliseconds);
                await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
            }
            catch (Exception e)
            {
                chatErrors.Enqueue(e.GetType().Name + ": " + e.Message);
            }
            finally
            {
                client.Observer = null;
            }
        })).ToList();
        await Task.WhenAll(tasks);
        var cpu = ProcStats.CpuMs(pid) - cpu0;
        var serverErrors = CircuitClient.ServerErrors.Count;
        Console.WriteLine($"  all answered in {all.Elapsed.TotalSeconds:F1} s, server CPU {cpu / 1000:F1} s ({cpu / Math.Max(1, clients.Count):F0} ms per answer); RSS {ProcStats.RssKb(pid) / 1024.0:F0} MB");
        Console.WriteLine($"  typing (input → render):  {Percentiles.Summary([.. typing])}");
        Console.WriteLine($"  send click → render:      {Percentiles.Summary([.. sendClick])}");
        Console.WriteLine($"  send → first token:       {Percentiles.Summary([.. firstToken])}");
        Console.WriteLine($"  send → answer complete:   {Percentiles.Summary([.. complete])}");
        Console.WriteLine($"  errors: open {errors.Count}, chat {chatErrors.Count}, server {serverErrors}");
        foreach (var e in errors.Concat(chatErrors).Concat(CircuitClient.ServerErrors).Distinct().Take(5))
        {
            Console.WriteLine("  error: " + e);
        }

        Console.WriteLine("  JS calls: " + string.Join(", ", CircuitClient.JsCalls.OrderByDescending(c => c.Value).Take(12).Select(c => $"{c.Key} {c.Value}")));
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (c, _) => await c.DisposeAsync());
        return $"| chatting, {players} players | {clients.Count} | {errors.Count + chatErrors.Count + serverErrors} | typing p95 {Percentiles.Of([.. typing], 95):F0} ms | " +
               $"send click p95 {Percentiles.Of([.. sendClick], 95):F0} ms | first token p50 {Percentiles.Of([.. firstToken], 50):F0} / p95 {Percentiles.Of([.. firstToken], 95):F0} ms | " +
               $"complete p95 {Percentiles.Of([.. complete], 95):F0} ms | {ProcStats.LoadAverage()} |";
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

    private const string ClickArgs = "{\"type\":\"click\",\"detail\":1,\"button\":0,\"buttons\":0}";
}
