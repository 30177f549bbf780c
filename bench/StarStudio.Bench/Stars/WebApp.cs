using System.Diagnostics;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Stars;

/// <summary>The real app as its own process on a free loopback port, started as the E2E tests' AppServer starts it (<see cref="AppProcess"/>).</summary>
internal sealed class WebApp : IAsyncDisposable
{
    private AppProcess? process;

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
        process = new AppProcess(repoRoot, dll);
        Dll = dll;
        BaseUrl = process.BaseUrl;
        await process.StartAsync(AppProcess.BaseSettings(database.AppConnectionString, database.OwnerConnectionString, database.JobsConnectionString, dataRoot), ct: ct);
    }

    public string Output() => process?.Output() ?? "";

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }
}
