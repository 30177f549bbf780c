using System.Diagnostics;
using System.Net;
using System.Text;

namespace StarStudio.TestSupport;

/// <summary>
/// The real app (<c>StarStudio.Web.dll</c> of a build) as a process on a loopback port: started with the settings a test or
/// benchmark gives, watched until <c>/healthz</c> answers, killed (SIGKILL, the whole tree) and started again on demand.
/// </summary>
public sealed class AppProcess(string repoRoot, string dll) : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private Process? process;

    /// <summary>Where the app listens: a loopback port chosen once, kept across restarts.</summary>
    public string BaseUrl { get; } = $"http://127.0.0.1:{LoopbackPorts.Free()}";

    public string Dll { get; } = dll;

    /// <summary>The running app's process ID (for a benchmark that reads its memory and CPU from /proc), or null.</summary>
    public int? ProcessId => process is { HasExited: false } p ? p.Id : null;

    /// <summary><c>StarStudio.Web/bin/&lt;configuration&gt;/net10.0/StarStudio.Web.dll</c>.</summary>
    public static string WebDll(string repoRoot, string configuration) =>
        Path.Combine(repoRoot, "StarStudio.Web", "bin", configuration, "net10.0", "StarStudio.Web.dll");

    /// <summary>
    /// The settings every test and benchmark app starts with: its databases, files under <paramref name="dataRoot"/>, no
    /// demo data, quiet logs, and sign-in/registration limits high enough for many browsers on one loopback address.
    /// </summary>
    public static Dictionary<string, string> BaseSettings(string appConnection, string ownerConnection, string jobsConnection, string dataRoot) => new()
    {
        // Development also for a Release build: static web assets are served from the build's manifest only in
        // Development, as run.sh does.
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["StarStudio__Database__ConnectionString"] = appConnection,
        ["StarStudio__Database__MigrationConnectionString"] = ownerConnection,
        ["StarStudio__Database__JobsConnectionString"] = jobsConnection,
        ["StarStudio__ObjectStore__LocalRoot"] = Path.Combine(dataRoot, "objects"),
        ["StarStudio__DataProtection__KeysPath"] = Path.Combine(dataRoot, "keys"),
        ["StarStudio__Demo__Seed"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["StarStudio__RateLimits__SignIn__PermitLimit"] = "10000",
        ["StarStudio__RateLimits__Register__PermitLimit"] = "10000",
        // A journey evaluates a star's magnitude before and after training, minutes apart.
        ["StarStudio__Magnitude__RecomputeCooldown"] = "00:00:01",
    };

    /// <summary>Starts the app with <paramref name="settings"/> as environment variables (killing a running one first).</summary>
    /// <param name="waitUntilHealthy">False for a start that may die before it answers (a crash point it reaches at once).</param>
    /// <param name="warmUp">False to skip rendering the public pages once (a restart whose test does not hurry a browser).</param>
    public async Task StartAsync(IReadOnlyDictionary<string, string> settings, bool waitUntilHealthy = true, CancellationToken ct = default, bool warmUp = true)
    {
        await KillAsync();
        var web = Path.Combine(repoRoot, "StarStudio.Web");
        var start = new ProcessStartInfo("dotnet", [Dll, "--urls", BaseUrl, "--contentRoot", web])
        {
            WorkingDirectory = web,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var started = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the app.");
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        if (waitUntilHealthy && warmUp)
        {
            await WaitUntilReadyAsync(ct);
        }
        else if (waitUntilHealthy)
        {
            await WaitUntilHealthyAsync(ct);
        }
    }

    /// <summary>Waits until the running process answers its health check, then warms its pages up (a start made with <c>waitUntilHealthy: false</c>).</summary>
    public async Task WaitUntilReadyAsync(CancellationToken ct = default)
    {
        await WaitUntilHealthyAsync(ct);
        await WarmUpAsync(ct);
    }

    /// <summary>
    /// Renders the public pages once, so the first test's first steps do not pay the JIT of the whole component tree
    /// (on a loaded 2-core machine that alone can outlast a 15 s browser timeout).
    /// </summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var path in (string[])["/", "/account/login", "/account/register"])
        {
            try
            {
                using var _ = await http.GetAsync(BaseUrl + path, ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // A warm-up only; the tests report what really fails.
            }
        }
    }

    /// <summary>Waits for the process to end by itself (e.g. at an armed crash point); false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process!.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Everything the app wrote to stdout and stderr, across restarts.</summary>
    public string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Append(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>
    /// How long a start may take: E2E apps start side by side (the shared app, the crash-recovery app, the production app),
    /// each migrating its own database, and on a loaded 2-core machine that has taken over 60 s.
    /// </summary>
    private const int StartWithinSeconds = 150;

    private async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(StartWithinSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException("The app exited while starting:\n" + Output());
            }

            try
            {
                if ((await http.GetAsync(BaseUrl + "/healthz", ct)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, ct);
        }

        throw new TimeoutException($"The app did not become healthy within {StartWithinSeconds} s:\n" + Output());
    }
}
