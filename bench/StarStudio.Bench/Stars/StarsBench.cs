// StarStudio benchmarks. Usage (from the repository root, PostgreSQL running):
//   eval "$(scripts/postgres.sh env)"
//   dotnet run -c Release --project bench/StarStudio.Bench -- stars [--no-browser] [--explain-all] [--keep-database] [--iterations N] [--browser-iterations N]
// See docs/performance.md.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;

namespace StarStudio.Bench.Stars;

/// <summary>The <c>stars</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- stars</c>): the statements of its former Program.cs.</summary>
internal static class StarsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var options = BenchOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: StarStudio.Bench stars [--no-browser] [--explain-all] [--keep-database] [--iterations N] [--browser-iterations N] [--web-configuration Release|Debug]");
            return 2;
        }

        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG");
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine("STARSTUDIO_TEST_PG is not set: run eval \"$(scripts/postgres.sh env)\" in the repository root first (scripts/postgres.sh start starts PostgreSQL).");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the finally blocks stop the app and drop the database.
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            await StarsBenchmark.RunAsync(options, server, cancel.Token);
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
    }
}

internal sealed record BenchOptions(bool Browser, int Iterations, int BrowserIterations, string WebConfiguration, bool ExplainAll, bool KeepDatabase)
{
    public const int OwnerStars = 10_000;
    public const int OtherOwners = 99;
    public const int OtherStars = 90_000;

    public static BenchOptions? Parse(string[] args)
    {
        var result = new BenchOptions(true, 200, 20, "Release", false, false);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "stars":
                    break;
                case "--explain-all":
                    result = result with { ExplainAll = true };
                    break;
                case "--keep-database":
                    result = result with { KeepDatabase = true };
                    break;
                case "--no-browser":
                    result = result with { Browser = false };
                    break;
                case "--iterations" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    result = result with { Iterations = n };
                    i++;
                    break;
                case "--browser-iterations" when i + 1 < args.Length && int.TryParse(args[i + 1], out var b) && b > 0:
                    result = result with { BrowserIterations = b };
                    i++;
                    break;
                case "--web-configuration" when i + 1 < args.Length:
                    result = result with { WebConfiguration = args[i + 1] };
                    i++;
                    break;
                default:
                    return null;
            }
        }

        return result;
    }
}

internal static class StarsBenchmark
{
    private const string OwnerEmail = "bench-owner@example.test";
    private const string OwnerPassword = "Bench-Passw0rd!";

    public static async Task RunAsync(BenchOptions options, string server, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var repoRoot = RepoRoot();
        var dataRoot = Directory.CreateTempSubdirectory("starstudio-bench-").FullName;
        await using var database = new BenchDatabase(
            server,
            Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app",
            Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app")
        {
            Keep = options.KeepDatabase,
        };
        WebApp? app = null;
        BrowserBench? browser = null;
        try
        {
            await PrintMachineAsync(server, ct);

            Step($"Creating and migrating {database.Name}");
            await database.CreateAndMigrateAsync(ct);

            Guid ownerId;
            if (options.Browser)
            {
                var dll = await WebApp.EnsureBuiltAsync(repoRoot, options.WebConfiguration, ct);
                Step($"Starting {Path.GetRelativePath(repoRoot, dll)} (Development)");
                app = new WebApp();
                await app.StartAsync(repoRoot, dll, database, dataRoot, ct);
                browser = await BrowserBench.LaunchAsync(app.BaseUrl);
                Console.WriteLine($"  app on {app.BaseUrl}; Chromium {browser.Version} ({BrowserBench.ChromiumPath})");
                Step($"Registering {OwnerEmail} through /account/register");
                await browser.RegisterAsync(OwnerEmail, "Bench Owner", OwnerPassword);
                ownerId = await database.UserIdAsync(OwnerEmail, ct);
                await database.GrantStarOwnerAsync(ownerId, ct);
            }
            else
            {
                ownerId = (await database.CreateUsersAsync([OwnerEmail], [RoleNames.StarOwner], ct))[0];
            }

            Step($"Inserting {BenchOptions.OtherOwners} other owners and {BenchOptions.OwnerStars + BenchOptions.OtherStars:N0} stars (COPY as the owner role)");
            var seed = Stopwatch.StartNew();
            var others = await database.CreateUsersAsync(
                Enumerable.Range(1, BenchOptions.OtherOwners).Select(i => $"bench-other-{i:D2}@example.test").ToList(), [RoleNames.StarOwner], ct);
            await database.CopyStarsAsync(GenerateStars(ownerId, others), ct);
            await database.VacuumAnalyzeAsync(ct);
            var rows = await database.ScalarAsync<long>("SELECT count(*) FROM stars", ct);
            var mine = await database.ScalarAsync<long>($"SELECT count(*) FROM stars WHERE owner_id = '{ownerId}'", ct);
            var size = await database.ScalarAsync<string>("SELECT pg_size_pretty(pg_total_relation_size('stars'))", ct);
            var visible = await database.ScalarAsync<string>("SELECT relallvisible || ' of ' || relpages FROM pg_class WHERE relname = 'stars'", ct);
            Console.WriteLine($"  {rows:N0} stars ({mine:N0} the owner's), stars table with indexes {size}; seeded and VACUUM (ANALYZE) in {seed.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"  all-visible heap pages: {visible} (index-only counts need them)");

            var service = new ServiceBench(database, ownerId, Path.Combine(dataRoot, "bench-objects"));
            var warmup = Math.Min(20, options.Iterations);
            Step($"IStarService.ListMineAsync as the owner over the app role (RLS on), page size 20: {warmup} warm-up + {options.Iterations} timed calls per case");
            var results = await service.RunAsync(BenchOptions.OwnerStars, warmup, options.Iterations, ct);
            Console.WriteLine();
            Table.Print(
                ["case", "rows", "total", "p50 ms", "p95 ms", "max ms"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Timings.Name, r.Rows.ToString(CultureInfo.InvariantCulture), r.Total.ToString(CultureInfo.InvariantCulture),
                    Table.Ms(r.Timings.Percentile(50)), Table.Ms(r.Timings.Percentile(95)), Table.Ms(r.Timings.Max),
                ]));

            Step("EXPLAIN (ANALYZE, BUFFERS) of the first page's two statements (as the app role, app.user_id = the owner)");
            var commands = (await service.CaptureAsync(new StarListQuery(0, 20), ct))
                .Where(c => c.Sql.Contains("FROM stars", StringComparison.Ordinal))
                .ToList();
            foreach (var command in commands)
            {
                Console.WriteLine();
                Console.WriteLine("SQL:");
                Console.WriteLine(Indent(command.Sql));
                Console.WriteLine("Parameters: " + string.Join(", ", command.Parameters.Select(p => $"{p.ParameterName} = {p.Value}")));
                Console.WriteLine("Plan:");
                foreach (var line in await service.ExplainAsync(command, ct))
                {
                    Console.WriteLine("  " + line);
                }
            }

            if (options.ExplainAll)
            {
                foreach (var (name, query) in ServiceBench.Cases(BenchOptions.OwnerStars).Skip(1))
                {
                    Step($"EXPLAIN (ANALYZE, BUFFERS): {name}");
                    foreach (var command in (await service.CaptureAsync(query, ct)).Where(c => c.Sql.Contains("FROM stars", StringComparison.Ordinal)))
                    {
                        Console.WriteLine();
                        Console.WriteLine(Indent(command.Sql.ReplaceLineEndings(" ")));
                        foreach (var line in await service.ExplainAsync(command, ct))
                        {
                            Console.WriteLine("  " + line);
                        }
                    }
                }
            }

            if (browser is not null && app is not null)
            {
                Step($"Browser: sign in through /account/login, then {options.BrowserIterations} timed loads of /studio and {options.BrowserIterations} next-page clicks (2 warm-up each)");
                var (load, render, next, count, pager) = await browser.MeasureAsync(OwnerEmail, OwnerPassword, 2, options.BrowserIterations);
                Console.WriteLine($"  rows on the page: {count}; pager after the clicks: {pager}");
                Console.WriteLine();
                Table.Print(
                    ["browser", "n", "p50 ms", "p95 ms", "max ms"],
                    new[] { load, render, next }.Select(t => (IReadOnlyList<string>)
                    [
                        t.Name, t.Count.ToString(CultureInfo.InvariantCulture),
                        Table.Ms(t.Percentile(50)), Table.Ms(t.Percentile(95)), Table.Ms(t.Max),
                    ]));
            }
        }
        catch (Exception) when (app is not null && !ct.IsCancellationRequested)
        {
            var lines = app.Output().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Console.Error.WriteLine("The app's last output lines:");
            Console.Error.WriteLine(string.Join('\n', lines.TakeLast(40)));
            throw;
        }
        finally
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            if (app is not null)
            {
                await app.DisposeAsync();
            }

            try
            {
                Directory.Delete(dataRoot, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s; load {LoadAverage()} (1/5/15 min) at the end.");
    }

    /// <summary>The owner's 10,000 stars and 90,000 spread over the other owners; one fixed seed, so every run has the same data shape.</summary>
    /// <remarks>
    /// Rows go in by creation time, as a live table fills: one owner's stars are spread over the whole heap, not
    /// packed together, so reading them costs what it would in production.
    /// </remarks>
    private static List<Star> GenerateStars(Guid ownerId, IReadOnlyList<Guid> others)
    {
        var random = new Random(20261123);
        var now = DateTimeOffset.UtcNow;
        var stars = new List<Star>(BenchOptions.OwnerStars + BenchOptions.OtherStars);
        for (var i = 0; i < BenchOptions.OwnerStars; i++)
        {
            stars.Add(StarData.Create(random, ownerId, i, now));
        }

        for (var i = 0; i < BenchOptions.OtherStars; i++)
        {
            stars.Add(StarData.Create(random, others[i % others.Count], i / others.Count, now));
        }

        stars.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return stars;
    }

    private static async Task PrintMachineAsync(string server, CancellationToken ct)
    {
        Console.WriteLine("StarStudio bench: stars");
        Console.WriteLine($"  machine:    {Environment.ProcessorCount} cores, {CpuModel()}, {MemoryGiB()} memory");
        Console.WriteLine($"  OS:         {OsName()} ({RuntimeInformation.OSArchitecture})");
        Console.WriteLine($"  .NET:       {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"  load:       {LoadAverage()} (1/5/15 min) at start; other work on the machine shows up in the timings");
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'), current_setting('work_mem'), current_setting('fsync'), current_setting('synchronous_commit')", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Console.WriteLine($"  PostgreSQL: {reader.GetString(0)} (shared_buffers {reader.GetString(1)}, work_mem {reader.GetString(2)}, fsync {reader.GetString(3)}, synchronous_commit {reader.GetString(4)}) at {conn.Host}:{conn.Port}");
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string MemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = long.Parse(line!.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return $"{kb / 1024.0 / 1024.0:0.0} GiB";
        }
        catch (Exception ex) when (ex is IOException or FormatException or NullReferenceException)
        {
            return "unknown";
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string OsName()
    {
        try
        {
            var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null)
            {
                return pretty["PRETTY_NAME=".Length..].Trim('"') + ", " + RuntimeInformation.OSDescription;
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.OSDescription;
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "StarStudio.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (the folder with StarStudio.sln).");
    }

    private static void Step(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"== {text}");
    }

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(l => "  " + l.TrimEnd('\r')));
}
