using Microsoft.Extensions.Options;
using StarStudio.Parsing.Knowledge;

namespace StarStudio.Data.Knowledge.Parsing;

/// <summary>How the app runs the parser worker (<c>StarStudio:Knowledge:Parser</c>).</summary>
public sealed class ParserWorkerOptions
{
    public const string Section = "StarStudio:Knowledge:Parser";

    /// <summary>Wall clock per document, start-up included; at the deadline the worker is killed (<c>Knowledge.Parse.Timeout</c>).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The most memory one worker may use, in MiB: its managed heap is capped below this, and the app kills it
    /// when its resident memory passes it (<c>Knowledge.Parse.TooLarge</c>).</summary>
    public int MemoryLimitMb { get; set; } = 1024;

    /// <summary>How many workers run at once; more documents wait their turn.</summary>
    public int MaxConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How many documents one worker parses before it is replaced (a worker is also replaced after any failure
    /// that may have left it damaged or bloated). 1: a fresh process per document.</summary>
    public int DocumentsPerWorker { get; set; } = 100;

    /// <summary>The worker's assembly; empty: <c>StarStudio.ParserWorker.dll</c> next to the app's own assemblies.</summary>
    public string WorkerPath { get; set; } = "";

    /// <summary>The <c>dotnet</c> host that runs the worker; empty: the one running the app.</summary>
    public string DotnetPath { get; set; } = "";

    /// <summary>Size and depth limits the worker applies before building any document tree.</summary>
    public DocumentParserLimits Limits { get; set; } = new();

    /// <summary>The worker's assembly path as configured or by default.</summary>
    public string ResolveWorkerPath() =>
        string.IsNullOrWhiteSpace(WorkerPath) ? Path.Combine(AppContext.BaseDirectory, ParserWorkerProtocol.WorkerFileName) : WorkerPath;

    /// <summary>The dotnet host as configured, else the one this process runs on.</summary>
    public string ResolveDotnetPath()
    {
        if (!string.IsNullOrWhiteSpace(DotnetPath))
        {
            return DotnetPath;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        // An apphost or a test host: the runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/, the host in <root>.
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    /// <summary>Errors in the options, one line each (empty when valid).</summary>
    public IEnumerable<string> Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:Timeout must be positive.";
        }

        if (MemoryLimitMb < 128)
        {
            yield return $"{Section}:MemoryLimitMb must be at least 128.";
        }

        if (MaxConcurrency < 1)
        {
            yield return $"{Section}:MaxConcurrency must be at least 1.";
        }

        if (DocumentsPerWorker < 1)
        {
            yield return $"{Section}:DocumentsPerWorker must be at least 1.";
        }

        if (!File.Exists(ResolveWorkerPath()))
        {
            yield return $"The parser worker {ResolveWorkerPath()} is missing: publish StarStudio.ParserWorker next to the app or set {Section}:WorkerPath.";
        }
    }
}

/// <summary>Fails start-up with one line per problem (e.g. the worker missing from the app's folder).</summary>
internal sealed class ParserWorkerOptionsValidator : IValidateOptions<ParserWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, ParserWorkerOptions options)
    {
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
