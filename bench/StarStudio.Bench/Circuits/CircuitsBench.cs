using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Circuits;

/// <summary>The <c>circuits</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- circuits</c>): the statements of its former Program.cs.</summary>
internal static class CircuitsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        // The load benchmark of the real pages (issue 17): N idle Blazor Server circuits per page, each page on a fresh app
        // process, and P players chatting at once. See docs/performance.md ("Circuits") for the method and the numbers.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var options = Options.Parse(args);
        var repoRoot = RepoRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var dll = AppProcess.WebDll(repoRoot, configuration);
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"{dll} is missing: build the bench (it builds StarStudio.Web in the same configuration).");
            return 2;
        }

        Console.WriteLine($"Circuits bench: {configuration} build, {options.Circuits} circuits per page, {options.Players} players, {options.Users} users, " +
                          $"pages {string.Join(',', options.Pages)}, {options.AfterSeconds} s after disconnect, app env [{string.Join(' ', options.Env.Select(e => e.Key + "=" + e.Value))}]; load {ProcStats.LoadAverage()}");
        await using var database = await BenchDatabase.CreateMigratedAsync("circuits");
        var jobs = new NpgsqlConnectionStringBuilder(database.OwnerConnectionString)
        {
            Username = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_JOBS_USER") ?? "starstudio_jobs",
            Password = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_JOBS_PASSWORD") ?? "starstudio_jobs",
        }.ConnectionString;
        var dataRoot = Directory.CreateTempSubdirectory("starstudio-circuits-").FullName;
        await using var app = new AppProcess(repoRoot, dll);
        // CIRCUITS_APP_CONNECTION_EXTRA (e.g. "Max Auto Prepare=0") is appended to the app's connection string, to compare
        // connection settings on the same run setup.
        var appConnection = database.AppConnectionString + (Environment.GetEnvironmentVariable("CIRCUITS_APP_CONNECTION_EXTRA") is { Length: > 0 } extra ? ";" + extra : "");
        var settings = AppProcess.BaseSettings(appConnection, database.OwnerConnectionString, jobs, dataRoot);
        foreach (var (name, value) in options.Env)
        {
            settings[name] = value;
        }

        try
        {
            await app.StartAsync(settings);
            Step($"Registering {options.Users} users through /account/register");
            var cookies = new List<string>();
            var registerWatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Users), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            {
                var cookie = await Accounts.RegisterAsync(app.BaseUrl, $"player{i:D5}@bench.test", "Bench-Passw0rd!", ct);
                lock (cookies)
                {
                    cookies.Add(cookie);
                }
            });
            Console.WriteLine($"  {cookies.Count} signed in ({registerWatch.Elapsed.TotalSeconds:F0} s)");

            var starId = Guid.NewGuid();
            await using (var db = StarStudioContextFactory.Create(database.MaintConnectionString))
            {
                var owner = await db.Users.Where(u => u.NormalizedEmail == "PLAYER00000@BENCH.TEST").Select(u => u.Id).SingleAsync();
                var now = DateTimeOffset.UtcNow;
                db.Stars.Add(new Star
                {
                    Id = starId, OwnerId = owner, Name = "墨香·古籍修复师", Domain = "古籍修复", Persona = "从事古籍修复三十年的老师傅，先给结论，再举例子。",
                    Tone = "亲切", Status = StarStatus.Active, IsPublic = true, Tags = ["文化"], CreatedAt = now, UpdatedAt = now,
                });
                await db.SaveChangesAsync();
            }

            var results = new List<string>();
            foreach (var page in options.Pages)
            {
                // Each page on a fresh process: what one page's circuits cost, not what the previous page left behind.
                await app.StartAsync(settings);
                var pid = app.ProcessId ?? throw new InvalidOperationException("The app is not running.");
                switch (page)
                {
                    case "home":
                        results.Add(await Idle.RunAsync(app.BaseUrl, pid, "/ anonymous", "/", [""], options));
                        break;
                    case "star":
                        results.Add(await Idle.RunAsync(app.BaseUrl, pid, "/stars/{id} empty chat", $"/stars/{starId}", cookies, options, requireTestId: "chat-new"));
                        break;
                    case "chat":
                        // Everyone has conversations by now only if "chatting" ran before; say so rather than measure an empty page.
                        // What the page shows: the newest conversation, prerendered with its messages (counted in a few users' pages).
                        var shown = new List<string>();
                        foreach (var cookie in cookies.Take(5))
                        {
                            var html = await CircuitClient.GetPageAsync(app.BaseUrl, $"/stars/{starId}", cookie, CancellationToken.None);
                            shown.Add($"{Regex.Count(html, "data-testid=\"chat-message\"")} messages, {Regex.Count(html, "data-testid=\"chat-answer\"")} answers");
                        }

                        Console.WriteLine($"  the chat page as the first users see it: {string.Join("; ", shown)}");
                        results.Add(await Idle.RunAsync(app.BaseUrl, pid, "/stars/{id} conversation open", $"/stars/{starId}", cookies, options, requireTestId: "chat-send"));
                        break;
                    case "studio":
                        results.Add(await Idle.RunAsync(app.BaseUrl, pid, "/studio signed in", "/studio", cookies, options));
                        break;
                    case "chatting":
                        results.Add(await Chatting.RunAsync(app.BaseUrl, pid, $"/stars/{starId}", cookies, database.MaintConnectionString, options));
                        break;
                    default:
                        throw new ArgumentException("Unknown page " + page);
                }

                if (options.Verbose)
                {
                    Console.WriteLine(app.Output());
                }
            }

            Console.WriteLine();
            Console.WriteLine("Summary");
            foreach (var line in results)
            {
                Console.WriteLine(line);
            }

            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            Console.Error.WriteLine("App output (tail):\n" + string.Join('\n', app.Output().Split('\n').TakeLast(60)));
            return 1;
        }
        finally
        {
            await app.KillAsync();
            Directory.Delete(dataRoot, recursive: true);
        }

        static void Step(string text) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {text}");

        static string RepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StarStudio.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("StarStudio.sln not found above " + AppContext.BaseDirectory);
        }
    }
}

internal sealed record Options(
    int Circuits, int Players, int Users, int Concurrency, int AfterSeconds, bool GcDump, bool Verbose, string[] Pages, Dictionary<string, string> Env)
{
    public static Options Parse(string[] args)
    {
        int circuits = 1000, players = 200, users = -1, concurrency = 16, after = 60;
        bool gcdump = false, verbose = false;
        // "chatting" (P players asking at once) and "chat" (the page with a conversation open, which needs the conversations
        // "chatting" made: run them together, "chatting,chat") run only when asked for.
        string[] pages = ["home", "star", "studio"];
        var env = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--circuits": circuits = int.Parse(args[++i]); break;
                case "--players": players = int.Parse(args[++i]); break;
                case "--users": users = int.Parse(args[++i]); break;
                case "--concurrency": concurrency = int.Parse(args[++i]); break;
                case "--after": after = int.Parse(args[++i]); break;
                case "--pages": pages = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--env":
                    var pair = args[++i].Split('=', 2);
                    env[pair[0]] = pair[1];
                    break;
                case "--gcdump": gcdump = true; break;
                case "--verbose": verbose = true; break;
                default:
                    throw new ArgumentException(
                        $"Unknown argument {args[i]}. Use --circuits N --players P --users U --concurrency C --after SECONDS " +
                        "--pages home,star,studio[,chatting,chat] --env NAME=VALUE (app environment, e.g. DOTNET_GCConserveMemory=5) --gcdump --verbose");
            }
        }

        // Every player is a user of their own: the chat rate limit is per user and minute.
        return new Options(circuits, players, users > 0 ? users : Math.Max(players, 100), concurrency, after, gcdump, verbose, pages, env);
    }
}

/// <summary>Accounts made the way people make them: the register form, which signs the new user in.</summary>
internal static partial class Accounts
{
    public static async Task<string> RegisterAsync(string baseUrl, string email, string password, CancellationToken ct)
    {
        var jar = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(120) };
        var html = await http.GetStringAsync(baseUrl + "/account/register", ct);
        var token = TokenRegex().Match(html);
        if (!token.Success)
        {
            throw new InvalidOperationException("No antiforgery token in /account/register.");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "register",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["token"].Value),
            ["Input.Email"] = email,
            ["Input.DisplayName"] = email.Split('@')[0],
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
            ["Input.Invite"] = "",
        });
        using var response = await http.PostAsync(baseUrl + "/account/register", form, ct);
        var cookie = jar.GetCookieHeader(new Uri(baseUrl));
        if (!cookie.Contains("starstudio.auth=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Registering {email} did not sign in ({(int)response.StatusCode} {response.Headers.Location}; " +
                                                $"set-cookie {string.Join(" | ", response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [])}): " +
                                                (await response.Content.ReadAsStringAsync(ct))[..Math.Min(500, (int)(response.Content.Headers.ContentLength ?? 500))]);
        }

        return cookie;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"(?<token>[^\"]+)\"")]
    private static partial Regex TokenRegex();
}
