using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StarStudio.Bench.Circuits;

/// <summary>
/// The app's live managed heap, by type, from <c>dotnet-gcdump</c> (a local .NET tool of the repository:
/// <c>dotnet tool restore</c>). Collecting forces a full blocking GC in the app, so it is taken only with <c>--gcdump</c>.
/// </summary>
internal static partial class GcDump
{
    public sealed record Heap(long TotalBytes, Dictionary<string, long> BytesByType, Dictionary<string, long> CountByType)
    {
        /// <summary>Live components: the renderer keeps one <c>RemoteComponentState</c> per component of every circuit.</summary>
        public long Components => CountByType.Where(kv => kv.Key.StartsWith("Microsoft.AspNetCore.Components.Server.Circuits.RemoteComponentState", StringComparison.Ordinal)).Sum(kv => kv.Value);
    }

    public static async Task<Heap> HeapAsync(int pid, string name)
    {
        var file = Path.Combine(Path.GetTempPath(), $"circuits-{pid}-{name}.gcdump");
        await RunAsync($"collect -p {pid} -o {file}");
        var report = await RunAsync($"report {file}");
        if (Environment.GetEnvironmentVariable("CIRCUITS_KEEP_GCDUMP") is null)
        {
            File.Delete(file);
        }
        var byType = new Dictionary<string, long>();
        var countByType = new Dictionary<string, long>();
        long total = 0;
        foreach (var line in report.Split('\n'))
        {
            if (TotalRegex().Match(line) is { Success: true } t)
            {
                total = Number(t.Groups[1].Value);
            }
            else if (RowRegex().Match(line) is { Success: true } row)
            {
                var type = row.Groups["type"].Value.Trim();
                // The report's first column is the size of one object of the row (for arrays bucketed by size, "Bytes > 1K",
                // a representative size), so a row's bytes are size × count: an estimate for arrays, exact otherwise.
                byType[type] = byType.GetValueOrDefault(type) + Number(row.Groups["bytes"].Value) * Number(row.Groups["count"].Value);
                countByType[type] = countByType.GetValueOrDefault(type) + Number(row.Groups["count"].Value);
            }
        }

        return new Heap(total, byType, countByType);
    }

    public static IEnumerable<(string Type, long Bytes)> Growth(Heap before, Heap after) =>
        after.BytesByType.Select(kv => (kv.Key, kv.Value - before.BytesByType.GetValueOrDefault(kv.Key))).OrderByDescending(x => x.Item2);

    /// <summary>How many more objects of each type <paramref name="after"/> holds than <paramref name="before"/>, most first.</summary>
    public static IEnumerable<(string Type, long Count)> CountGrowth(Heap before, Heap after) =>
        after.CountByType.Select(kv => (kv.Key, kv.Value - before.CountByType.GetValueOrDefault(kv.Key))).OrderByDescending(x => x.Item2);

    /// <summary>
    /// Whether a type of the report is (likely) a component: the app's components, MudBlazor's (<c>Mud…</c>) and the
    /// framework's that every page has. By name, as the report has no type hierarchy.
    /// </summary>
    public static bool IsComponentType(string type) =>
        type.StartsWith("StarStudio.Web.Components.", StringComparison.Ordinal) && !type.Contains("+<", StringComparison.Ordinal) && !type.Contains("<>", StringComparison.Ordinal)
        || type.StartsWith("MudBlazor.Mud", StringComparison.Ordinal)
        || ComponentTypes.Any(t => type.StartsWith(t, StringComparison.Ordinal));

    private static readonly string[] ComponentTypes =
    [
        "Microsoft.AspNetCore.Components.Routing.", "Microsoft.AspNetCore.Components.CascadingValue", "Microsoft.AspNetCore.Components.RouteView",
        "Microsoft.AspNetCore.Components.LayoutView", "Microsoft.AspNetCore.Components.Authorization.", "Microsoft.AspNetCore.Components.Web.",
        "Microsoft.AspNetCore.Components.Forms.", "Microsoft.AspNetCore.Components.Sections.", "Microsoft.AspNetCore.Components.DynamicComponent",
    ];

    private static long Number(string text) => long.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string arguments)
    {
        var start = new ProcessStartInfo("dotnet", "tool run dotnet-gcdump " + arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start dotnet-gcdump.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-gcdump {arguments} failed ({process.ExitCode}): {await error}{await output} (run `dotnet tool restore` in the repository)");
        }

        return await output;
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes")]
    private static partial Regex TotalRegex();

    [GeneratedRegex(@"^\s*(?<bytes>[\d,]+)\s+(?<count>[\d,]+)\s+(?<type>\S.*)$")]
    private static partial Regex RowRegex();
}
