using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;

namespace StarStudio.Data.Knowledge.Parsing;

/// <summary>
/// Parses each document in a parser worker process (StarStudio.ParserWorker), never in the app's own: a document
/// that overflows the stack, exhausts memory or never returns ends only its worker, and the app gets a
/// <see cref="DocumentParseException"/> with a readable code instead.
/// </summary>
/// <remarks>
/// <para>Per document: one worker started with a minimal environment (no <c>StarStudio__*</c> settings, no connection
/// strings), its managed heap capped at three quarters of <see cref="ParserWorkerOptions.MemoryLimitMb"/> and its
/// resident memory watched against the whole of it; the file goes in on stdin and one JSON reply
/// (<see cref="ParserWorkerProtocol"/>) comes back on stdout. At <see cref="ParserWorkerOptions.Timeout"/> the worker's
/// process tree is killed. At most <see cref="ParserWorkerOptions.MaxConcurrency"/> workers run at once.</para>
/// <para>Codes beyond the parser's own: <c>Knowledge.Parse.Timeout</c> (killed at the deadline),
/// <c>Knowledge.Parse.TooLarge</c> (over the memory cap), <c>Knowledge.Parse.Crashed</c> (any other death).</para>
/// </remarks>
public sealed class WorkerDocumentParser : IDocumentParser, IDisposable
{
    private static readonly TimeSpan MemoryPollInterval = TimeSpan.FromMilliseconds(50);
    private const int MaxStderrChars = 4096;

    private static readonly string[] PassedEnvironment = ["PATH", "TMPDIR", "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64"];

    private readonly ParserWorkerOptions _options;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _slots;
    private readonly string _dotnet;
    private readonly string _worker;

    public WorkerDocumentParser(IOptions<ParserWorkerOptions> options, ILogger<WorkerDocumentParser> log)
        : this(options.Value, log)
    {
    }

    public WorkerDocumentParser(ParserWorkerOptions options, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate().FirstOrDefault() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        _options = options;
        _log = log ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _dotnet = options.ResolveDotnetPath();
        _worker = options.ResolveWorkerPath();
    }

    /// <summary>Raised after each worker run, for measurements: what it parsed, how long it took, its peak memory.</summary>
    public event Action<WorkerRun>? Finished;

    public async Task<ParsedDocument> ParseAsync(KnowledgeFileKind kind, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await RunWorkerAsync(kind, content, ct).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    private async Task<ParsedDocument> RunWorkerAsync(KnowledgeFileKind kind, Stream content, CancellationToken ct)
    {
        var limitBytes = _options.MemoryLimitMb * 1024L * 1024;
        var start = StartInfo(kind);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"The parser worker could not be started: {_dotnet} {_worker}.");
        using var deadline = new CancellationTokenSource(_options.Timeout);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);

        var stderr = DrainAsync(process.StandardError);
        var reply = ParserWorkerProtocol.ReadReplyAsync(process.StandardOutput.BaseStream, CancellationToken.None);
        var feed = FeedAsync(content, process.StandardInput.BaseStream, running.Token);
        var memory = new MemoryWatch(process, limitBytes);
        var watch = memory.RunAsync(running.Token);

        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(running.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            timedOut = true;
        }
        finally
        {
            await running.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
            await feed.ConfigureAwait(false);
        }

        var outcome = await reply.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        var run = new WorkerRun(kind, clock.Elapsed, memory.PeakBytes, process.ExitCode, null);
        try
        {
            if (timedOut)
            {
                throw new DocumentParseException(
                    DocumentParseCodes.Timeout,
                    $"Reading the document took longer than {_options.Timeout.TotalSeconds:0.###} s; the parser was stopped.");
            }

            if (memory.Exceeded)
            {
                throw new DocumentParseException(
                    DocumentParseCodes.TooLarge,
                    $"Reading the document needed more than {_options.MemoryLimitMb} MB of memory; the parser was stopped. It may be a decompression bomb.");
            }

            if (process.ExitCode == 0 && outcome is { } done)
            {
                return done.Document ?? throw done.Failure!;
            }

            _log.LogWarning("Parser worker for a {Kind} document exited with code {ExitCode}: {Errors}", kind, process.ExitCode, errors);
            if (errors.Contains("OutOfMemory", StringComparison.Ordinal))
            {
                throw new DocumentParseException(
                    DocumentParseCodes.TooLarge,
                    $"Reading the document needed more than {_options.MemoryLimitMb} MB of memory; the parser was stopped. It may be a decompression bomb.");
            }

            throw new DocumentParseException(
                DocumentParseCodes.Crashed,
                $"The parser stopped unexpectedly on this document (exit code {process.ExitCode}{(errors.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase) ? ", stack overflow" : "")}).");
        }
        catch (DocumentParseException ex)
        {
            run = run with { Code = ex.Code };
            throw;
        }
        finally
        {
            _log.LogDebug("Parser worker: {Kind} in {Elapsed} ms, peak {PeakMb} MB, {Code}", kind, (long)run.Elapsed.TotalMilliseconds, run.PeakBytes / (1024 * 1024), run.Code ?? "ok");
            Finished?.Invoke(run);
        }
    }

    /// <summary>The worker's command line and environment: only what the .NET host needs, plus the heap cap; nothing
    /// of the app's (no <c>StarStudio__*</c> settings, no connection strings or keys).</summary>
    internal ProcessStartInfo StartInfo(KnowledgeFileKind kind)
    {
        // The worker stops itself a little before the deadline, so a slow document usually gets its own Timeout reply.
        var limits = _options.Limits with { Timeout = _options.Timeout * 0.9 };
        var start = new ProcessStartInfo(_dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(_worker);
        foreach (var argument in ParserWorkerProtocol.Arguments(kind, limits))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var name in PassedEnvironment)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        var limitBytes = _options.MemoryLimitMb * 1024L * 1024;
        start.Environment["DOTNET_GCHeapHardLimit"] = (limitBytes * 3 / 4).ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_EnableDiagnostics"] = "0"; // no debugger or diagnostics port into a process fed hostile input
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    private static async Task FeedAsync(Stream content, Stream stdin, CancellationToken ct)
    {
        try
        {
            await content.CopyToAsync(stdin, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The worker died or was killed before reading everything; its exit says why.
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Reads the worker's stderr to the end (so it never blocks on a full pipe), keeping its start.</summary>
    private static async Task<string> DrainAsync(StreamReader stderr)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (kept.Length < MaxStderrChars)
            {
                kept.Append(buffer, 0, Math.Min(read, MaxStderrChars - kept.Length));
            }
        }

        return kept.ToString();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Polls the worker's resident memory; past the limit it kills the worker.</summary>
    private sealed class MemoryWatch(Process process, long limitBytes)
    {
        public long PeakBytes { get; private set; }

        public bool Exceeded { get; private set; }

        public async Task RunAsync(CancellationToken ct)
        {
            using var timer = new PeriodicTimer(MemoryPollInterval);
            try
            {
                do
                {
                    process.Refresh();
                    if (process.HasExited)
                    {
                        return;
                    }

                    var rss = process.WorkingSet64;
                    PeakBytes = Math.Max(PeakBytes, rss);
                    if (rss > limitBytes)
                    {
                        Exceeded = true;
                        Kill(process);
                        return;
                    }
                }
                while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
            }
            catch (InvalidOperationException)
            {
                // Exited between the checks.
            }
        }
    }
}

/// <summary>One parser worker run: the kind, the wall time, the worker's peak resident memory, its exit code and the
/// failure code (null on success).</summary>
public sealed record WorkerRun(KnowledgeFileKind Kind, TimeSpan Elapsed, long PeakBytes, int ExitCode, string? Code);
