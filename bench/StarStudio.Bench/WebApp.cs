using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StarStudio.Bench;

/// <summary>The real app as its own process on a free loopback port, started the way the E2E tests' AppServer starts it.</summary>
internal sealed class WebApp : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private Process? process;

    public string BaseUrl { get; private set; } = "";
    public string Dll { get; private set; } = "";

    /// <summary>StarStudio.Web/bin/&lt;configuration&gt;/net10.0/StarStudio.Web.dll, built first if it is missing.</summary>
    public static async Task<string> EnsureBuiltAsync(string repoRoot, string configuration, CancellationToken ct)
    {
        var web = Path.Combine(repoRoot, "StarStudio.Web");
        var dll = Path.Combine(web, "bin", configuration, "net10.0", "StarStudio.Web.dll");
        if (File.Exists(dll))
        {
            return dll;
        }

        Console.WriteLine($"{dll} is missing: running dotnet build StarStudio.Web -c {configuration} ...");
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", web, "-c", configuration, "--nologo", "-v", "q", "-clp:ErrorsOnly"]))
            ?? throw new InvalidOperationException("Cannot start dotnet build.");
        await build.WaitForExitAsync(ct);
        if (build.ExitCode != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException($"dotnet build StarStudio.Web -c {configuration} failed (exit {build.ExitCode}).");
        }

        return dll;
    }

    public async Task StartAsync(string repoRoot, string dll, BenchDatabase database, string dataRoot, CancellationToken ct)
    {
        Dll = dll;
        var web = Path.Combine(repoRoot, "StarStudio.Web");
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", BaseUrl, "--contentRoot", web])
        {
            WorkingDirectory = web,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Development also for a Release build: static web assets (MudBlazor's, the app's CSS) are served from
        // the build's manifest only in Development, as run.sh does.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["StarStudio__Database__ConnectionString"] = database.AppConnectionString;
        start.Environment["StarStudio__Database__MigrationConnectionString"] = database.OwnerConnectionString;
        start.Environment["StarStudio__Database__JobsConnectionString"] = database.JobsConnectionString;
        start.Environment["StarStudio__ObjectStore__LocalRoot"] = Path.Combine(dataRoot, "objects");
        start.Environment["StarStudio__DataProtection__KeysPath"] = Path.Combine(dataRoot, "keys");
        start.Environment["StarStudio__Demo__Seed"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the app.");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilHealthyAsync(ct);
    }

    public string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
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

        throw new TimeoutException("The app did not become healthy within 60 s:\n" + Output());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
