using System.Globalization;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace StarStudio.Bench.Circuits;

/// <summary>
/// N idle circuits of one page: the server's RSS before, at N/2 and at N (the slope is the memory per circuit), its CPU
/// time and the wall time to open them, a plain request's latency while they are held, and RSS after they disconnect.
/// </summary>
internal static class Idle
{
    public static async Task<string> RunAsync(string baseUrl, int pid, string label, string path, IReadOnlyList<string> cookies, Options options, string? requireTestId = null)
    {
        Console.WriteLine();
        Console.WriteLine($"== {label}: {options.Circuits} circuits (pid {pid}, load {ProcStats.LoadAverage()})");
        CircuitClient.JsCalls.Clear();
        CircuitClient.ServerErrors.Clear();

        // Warm-up: the first circuits pay the JIT of the page's whole component tree; closed again before the baseline.
        for (var i = 0; i < 5; i++)
        {
            await using var warm = new CircuitClient(baseUrl, cookies[i % cookies.Count]) { TrackElements = requireTestId is not null };
            await warm.OpenAsync(path, CancellationToken.None);
            if (requireTestId is not null && !warm.Rendered(requireTestId) && !(await HasAsync(warm, requireTestId)))
            {
                return $"| {label} | — | the page shows no {requireTestId} (run \"chatting\" first so every user has a conversation) |";
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        // The warm-up circuits were closed as soon as they had rendered, while their after-render JS calls were still
        // answered: the server rightly tells such a client "Circuit has been shut down due to error". Those are not the
        // measured circuits' errors (they were the 1–4 "server errors" of every earlier run).
        CircuitClient.ServerErrors.Clear();
        var baseline = ProcStats.RssKb(pid);
        var baseHeap = options.GcDump ? await GcDump.HeapAsync(pid, "base") : null;
        Console.WriteLine($"  baseline RSS {baseline / 1024.0:F0} MB" + (baseHeap is null ? "" : $", GC heap {baseHeap.TotalBytes / 1048576.0:F1} MB"));

        var circuits = new ConcurrentBag<CircuitClient>();
        var openMs = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        var half = options.Circuits / 2;
        var cpu0 = ProcStats.CpuMs(pid);
        var watch = Stopwatch.StartNew();
        await OpenAsync(0, half);
        var openFirstHalfS = watch.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var rssHalf = ProcStats.RssKb(pid);
        var cpuMid = ProcStats.CpuMs(pid);
        var watch2 = Stopwatch.StartNew();
        await OpenAsync(half, options.Circuits);
        var openSecondHalfS = watch2.Elapsed.TotalSeconds;
        var cpu1 = ProcStats.CpuMs(pid);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var rssFull = ProcStats.RssKb(pid);
        var opened = circuits.Count;
        var cpuPerOpen = ((cpuMid - cpu0) + (cpu1 - cpuMid)) / Math.Max(1, opened);

        // A plain request while the circuits are held: the health check, and the anonymous home page's prerender.
        var health = new List<double>();
        var home = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var w = Stopwatch.StartNew();
            await CircuitClient.GetPageAsync(baseUrl, "/healthz", "", CancellationToken.None);
            health.Add(w.Elapsed.TotalMilliseconds);
        }

        for (var i = 0; i < 10; i++)
        {
            var w = Stopwatch.StartNew();
            await CircuitClient.GetPageAsync(baseUrl, "/", "", CancellationToken.None);
            home.Add(w.Elapsed.TotalMilliseconds);
        }

        if (Environment.GetEnvironmentVariable("CIRCUITS_HOLD_SECONDS") is { } hold)
        {
            Console.WriteLine($"  holding the circuits {hold} s (app pid {pid})");
            await Task.Delay(TimeSpan.FromSeconds(int.Parse(hold, CultureInfo.InvariantCulture)));
        }

        var fullHeap = options.GcDump ? await GcDump.HeapAsync(pid, "full") : null;
        var rssAfterGcDump = options.GcDump ? ProcStats.RssKb(pid) : rssFull;
        var serverErrors = CircuitClient.ServerErrors.Count;
        Console.WriteLine($"  opened {opened}/{options.Circuits} (errors {errors.Count}, server errors {serverErrors}) in {openFirstHalfS + openSecondHalfS:F1} s; open {Percentiles.Summary([.. openMs])}");
        Console.WriteLine($"  server CPU per open {cpuPerOpen:F1} ms; RSS half {rssHalf / 1024.0:F0} MB, full {rssFull / 1024.0:F0} MB");
        var slopeTotal = (rssFull - baseline) / (double)Math.Max(1, opened);
        var slopeHalf = (rssFull - rssHalf) / (double)Math.Max(1, opened - half);
        Console.WriteLine($"  RSS per circuit: {slopeTotal:F0} KB (baseline→N), {slopeHalf:F0} KB (N/2→N)");
        var heapPerCircuit = "";
        if (baseHeap is not null && fullHeap is not null)
        {
            var perCircuit = (fullHeap.TotalBytes - baseHeap.TotalBytes) / 1024.0 / Math.Max(1, opened);
            heapPerCircuit = $"{perCircuit:F0} KB";
            Console.WriteLine($"  GC heap {fullHeap.TotalBytes / 1048576.0:F1} MB: {perCircuit:F0} KB live per circuit (RSS after the dump's full GC {rssAfterGcDump / 1024.0:F0} MB); " +
                              $"{(fullHeap.Components - baseHeap.Components) / (double)Math.Max(1, opened):F0} components per circuit; largest growth by type (estimated for arrays):");
            foreach (var (type, bytes) in GcDump.Growth(baseHeap, fullHeap).Take(25))
            {
                Console.WriteLine($"    {bytes / 1024.0 / Math.Max(1, opened),8:F1} KB/circuit  {type}");
            }

            // Which components a circuit holds (each costs two render-tree buffers of at least 32 frames): the app's,
            // MudBlazor's and the framework's component types, by how many more of them the heap holds per circuit.
            var components = GcDump.CountGrowth(baseHeap, fullHeap)
                .Where(g => GcDump.IsComponentType(g.Type) && g.Count >= opened * 0.5)
                .Select(g => $"{g.Type[(g.Type.LastIndexOf('.', g.Type.IndexOf(' ') is > 0 and var space ? space : g.Type.Length) + 1)..].Split(' ')[0]} {g.Count / (double)Math.Max(1, opened):F1}");
            Console.WriteLine("  component types per circuit: " + string.Join(", ", components));
        }

        Console.WriteLine($"  while held: /healthz {Percentiles.Summary(health)}; / {Percentiles.Summary(home)}");
        Console.WriteLine("  JS calls (per circuit): " + string.Join(", ", CircuitClient.JsCalls.OrderByDescending(c => c.Value).Take(12)
            .Select(c => $"{c.Key} {c.Value / (double)Math.Max(1, opened + 5):F1}")));
        foreach (var e in errors.Concat(CircuitClient.ServerErrors).Distinct().Take(5))
        {
            Console.WriteLine("  error: " + e);
        }

        var closeWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(circuits, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (c, _) => await c.DisposeAsync());
        Console.WriteLine($"  closed in {closeWatch.Elapsed.TotalSeconds:F1} s; RSS right after {ProcStats.RssKb(pid) / 1024.0:F0} MB");
        long rssAfter = 0;
        for (var waited = 0; waited < options.AfterSeconds; waited += 10)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, options.AfterSeconds - waited)));
            rssAfter = ProcStats.RssKb(pid);
        }

        rssAfter = rssAfter == 0 ? ProcStats.RssKb(pid) : rssAfter;
        Console.WriteLine($"  RSS {options.AfterSeconds} s after disconnect: {rssAfter / 1024.0:F0} MB ({100.0 * (rssAfter - baseline) / baseline:+0;-0}% of the baseline {baseline / 1024.0:F0} MB); load {ProcStats.LoadAverage()}");
        return $"| {label} | {opened} | {errors.Count + serverErrors} | {slopeTotal:F0} KB | {slopeHalf:F0} KB | {(heapPerCircuit.Length > 0 ? heapPerCircuit : "—")} | {cpuPerOpen:F0} ms | " +
               $"{(openFirstHalfS + openSecondHalfS):F0} s | {Percentiles.Of(openMs.ToList(), 95):F0} ms | {Percentiles.Of(health, 95):F0} / {Percentiles.Of(home, 95):F0} ms | " +
               $"{baseline / 1024.0:F0} → {rssFull / 1024.0:F0} → {rssAfter / 1024.0:F0} MB ({options.AfterSeconds} s) | {ProcStats.LoadAverage()} |";

        async Task OpenAsync(int from, int to)
        {
            await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (i, ct) =>
            {
                var client = new CircuitClient(baseUrl, cookies[i % cookies.Count]);
                var w = Stopwatch.StartNew();
                try
                {
                    await client.OpenAsync(path, ct);
                    openMs.Add(w.Elapsed.TotalMilliseconds);
                    circuits.Add(client);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e.GetType().Name + ": " + e.Message);
                    await client.DisposeAsync();
                }
            });
        }
    }

    private static async Task<bool> HasAsync(CircuitClient client, string testId)
    {
        // The element may have been in a batch before the handlers were read; one more look after a short wait.
        await Task.Delay(200);
        return client.Rendered(testId);
    }
}
