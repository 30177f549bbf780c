using System.Collections.Concurrent;
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
/// <para>Workers are started with a minimal environment (no <c>StarStudio__*</c> settings, no connection strings),
/// their managed heap capped at three quarters of <see cref="ParserWorkerOptions.MemoryLimitMb"/> and their resident
/// memory watched against the whole of it. A worker parses one document at a time (bytes in on stdin, one reply out
/// on stdout, <see cref="ParserWorkerProtocol"/>) and is kept for the next document only when it ended cleanly with
/// memory to spare, at most <see cref="ParserWorkerOptions.DocumentsPerWorker"/> times: a warm worker skips the
/// start-up and the JIT. At <see cref="ParserWorkerOptions.Timeout"/> the worker's process tree is killed. At most
/// <see cref="ParserWorkerOptions.MaxConcurrency"/> documents are parsed at once.</para>
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
    private readonly ConcurrentBag<Worker> _idle = [];
    private readonly string _dotnet;
    private readonly string _worker;
    private readonly long _limitBytes;
    private readonly long _maxReplyBytes;
    private bool _disposed;

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
        _limitBytes = options.MemoryLimitMb * 1024L * 1024;

        // JSON escapes at most 6 bytes per character of text, plus the structure around it.
        _maxReplyBytes = Math.Min(int.MaxValue, (options.Limits.MaxExtractedChars * 6) + (16 * 1024 * 1024));
    }

    /// <summary>Raised after each document, for measurements: what it parsed, how long it took, its worker's peak memory.</summary>
    public event Action<WorkerRun>? Finished;

    public async Task<ParsedDocument> ParseAsync(KnowledgeFileKind kind, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = await ReadAllAsync(content, ct).ConfigureAwait(false);
        var (outcome, run) = await RunInWorkerAsync((int)kind, bytes, ct).ConfigureAwait(false);
        Finished?.Invoke(run with { Kind = kind });
        return outcome.Document ?? throw outcome.Failure ?? new DocumentParseException(DocumentParseCodes.Crashed, "The parser worker replied with no document.");
    }

    /// <summary>Runs one request in a worker (a warm one when there is one): its outcome (a clean failure of the
    /// parser is an outcome too) and the run's measurements; the worker's death, the deadline or the memory cap
    /// throw a <see cref="DocumentParseException"/> (<c>Timeout</c>, <c>TooLarge</c>, <c>Crashed</c>).</summary>
    internal async Task<(WorkerOutcome Outcome, WorkerRun Run)> RunInWorkerAsync(int kind, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        Worker? worker = null;
        var keep = false;
        try
        {
            var clock = Stopwatch.StartNew();
            var warm = _idle.TryTake(out worker);
            worker ??= Worker.Start(StartInfo());
            try
            {
                var (outcome, memory) = await RunAsync(worker, kind, bytes, ct).ConfigureAwait(false);

                // A worker that refused a document cleanly is as good as before; one that ran out of memory is not.
                keep = memory.LastBytes < _limitBytes / 2 && !worker.HasExited && worker.Served < _options.DocumentsPerWorker
                    && outcome.Failure?.Code is not (DocumentParseCodes.TooLarge or DocumentParseCodes.Timeout or DocumentParseCodes.Crashed or "Cards.Parse.OutOfMemory");
                return (outcome, new WorkerRun(null, clock.Elapsed, memory.PeakBytes, warm, outcome.Failure?.Code));
            }
            catch (DocumentParseException ex)
            {
                Finished?.Invoke(new WorkerRun(kind == ParserWorkerProtocol.CardRequestKind ? null : (KnowledgeFileKind)kind, clock.Elapsed, worker.LastMemory?.PeakBytes ?? 0, warm, ex.Code));
                throw;
            }
        }
        finally
        {
            if (worker is not null)
            {
                if (keep && !_disposed)
                {
                    _idle.Add(worker);
                }
                else
                {
                    worker.Dispose();
                }
            }

            _slots.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var worker))
        {
            worker.Dispose();
        }

        _slots.Dispose();
    }

    private async Task<(WorkerOutcome Outcome, MemoryWatch Memory)> RunAsync(Worker worker, int kind, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(_options.Timeout);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var memory = new MemoryWatch(worker.Process, _limitBytes);
        worker.LastMemory = memory;
        var watch = memory.RunAsync(running.Token);
        worker.Served++;
        WorkerOutcome outcome;
        try
        {
            await ParserWorkerProtocol.WriteRequestAsync(worker.Stdin, kind, bytes, running.Token).ConfigureAwait(false);
            outcome = await ParserWorkerProtocol.ReadReplyAsync(worker.Stdout, _maxReplyBytes, running.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!memory.Exceeded)
        {
            worker.Kill();
            ct.ThrowIfCancellationRequested();
            throw new DocumentParseException(
                DocumentParseCodes.Timeout,
                $"Reading the document took longer than {_options.Timeout.TotalSeconds:0.###} s; the parser was stopped.");
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
        {
            // The worker died (or was killed over the memory cap) before replying.
            worker.Kill();
            var errors = await worker.ErrorsAsync().ConfigureAwait(false);
            if (memory.Exceeded || errors.Contains("OutOfMemory", StringComparison.Ordinal))
            {
                throw new DocumentParseException(
                    DocumentParseCodes.TooLarge,
                    $"Reading the document needed more than {_options.MemoryLimitMb} MB of memory; the parser was stopped. It may be a decompression bomb.");
            }

            _log.LogWarning(ex, "Parser worker for a {Kind} document died with exit code {ExitCode}: {Errors}", kind, worker.ExitCode, errors);
            var overflow = errors.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase) ? ", stack overflow" : "";
            throw new DocumentParseException(
                DocumentParseCodes.Crashed,
                $"The parser stopped unexpectedly on this document (exit code {worker.ExitCode}{overflow}).");
        }
        finally
        {
            await running.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        _log.LogDebug("Parser worker: {Kind}, peak {PeakMb} MB, {Code}", kind, memory.PeakBytes / (1024 * 1024), outcome.Failure?.Code ?? "ok");
        return (outcome, memory);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream content, CancellationToken ct)
    {
        if (content is MemoryStream memory && memory.TryGetBuffer(out var existing))
        {
            var position = (int)memory.Position;
            return existing.AsMemory(position, existing.Count - position);
        }

        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The worker's command line and environment: only what the .NET host needs, plus the heap cap; nothing
    /// of the app's (no <c>StarStudio__*</c> settings, no connection strings or keys).</summary>
    internal ProcessStartInfo StartInfo()
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
        foreach (var argument in ParserWorkerProtocol.Arguments(limits))
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

    /// <summary>One worker process, its pipes, and its stderr read to the end in the background (so it never blocks
    /// on a full pipe), of which the start is kept.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Task<string> _errors;

        private Worker(Process process)
        {
            Process = process;
            Stdin = process.StandardInput.BaseStream;
            Stdout = process.StandardOutput.BaseStream;
            _errors = DrainAsync(process.StandardError);
        }

        public Process Process { get; }

        public Stream Stdin { get; }

        public Stream Stdout { get; }

        public int Served { get; set; }

        public MemoryWatch? LastMemory { get; set; }

        public bool HasExited
        {
            get
            {
                try
                {
                    return Process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        public int ExitCode => HasExited ? Process.ExitCode : -1;

        public static Worker Start(ProcessStartInfo start) =>
            new(Process.Start(start) ?? throw new InvalidOperationException($"The parser worker could not be started: {start.FileName}."));

        public void Kill()
        {
            try
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        /// <summary>What the worker wrote to stderr, once it has exited (or after a short wait).</summary>
        public async Task<string> ErrorsAsync() =>
            await Task.WhenAny(_errors, Task.Delay(2000)).ConfigureAwait(false) == _errors ? await _errors.ConfigureAwait(false) : "";

        public void Dispose()
        {
            try
            {
                Stdin.Dispose(); // a healthy worker exits when its input ends
                if (!Process.WaitForExit(500))
                {
                    Kill();
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                Kill();
            }

            Process.Dispose();
        }

        private static async Task<string> DrainAsync(StreamReader stderr)
        {
            var kept = new StringBuilder();
            var buffer = new char[4096];
            try
            {
                int read;
                while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    if (kept.Length < MaxStderrChars)
                    {
                        kept.Append(buffer, 0, Math.Min(read, MaxStderrChars - kept.Length));
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
            }

            return kept.ToString();
        }
    }

    /// <summary>Polls the worker's resident memory; past the limit it kills the worker.</summary>
    private sealed class MemoryWatch(Process process, long limitBytes)
    {
        public long PeakBytes { get; private set; }

        /// <summary>The resident memory at the last look (a worker that keeps much after a document is not reused).</summary>
        public long LastBytes { get; private set; }

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
                    LastBytes = rss;
                    PeakBytes = Math.Max(PeakBytes, rss);
                    if (rss > limitBytes)
                    {
                        Exceeded = true;
                        process.Kill(entireProcessTree: true);
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

/// <summary>One document through a parser worker: the kind (null for a character card), the wall time (start-up included for a new worker), the
/// worker's peak resident memory while parsing it, whether the worker was warm (reused), and the failure code (null
/// on success).</summary>
public sealed record WorkerRun(KnowledgeFileKind? Kind, TimeSpan Elapsed, long PeakBytes, bool Warm, string? Code);
