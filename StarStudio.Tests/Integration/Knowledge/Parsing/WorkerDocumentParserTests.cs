using System.Diagnostics;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;
using StarStudio.Tests.TestData;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Knowledge.Parsing;

/// <summary>Hostile documents go to a worker process; alone (no other class in parallel) so this process's memory
/// growth is its own.</summary>
[CollectionDefinition(nameof(HostileDocumentsCollection), DisableParallelization = true)]
public sealed class HostileDocumentsCollection;

/// <summary>The parser the app uses. Each hostile file fails with a readable code while this (test) process, which
/// stands for the app, keeps running with flat memory.</summary>
[Collection(nameof(HostileDocumentsCollection))]
public class WorkerDocumentParserTests(ITestOutputHelper output)
{
    private const long AppMemoryBudget = 150L * 1024 * 1024;

    [Fact]
    public async Task Parse_OrdinaryDocuments_GiveTheSameUnitsAsInProcess()
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions());
        var inProcess = new InProcessDocumentParser();
        (KnowledgeFileKind, byte[])[] documents =
        [
            (KnowledgeFileKind.Pdf, KnowledgeDocuments.Pdf(3, n => $"Page {n}. 第 {n} 页的文字。")),
            (KnowledgeFileKind.Docx, KnowledgeDocuments.Docx(("线装", 1, "线装书的装订方法"), ("Binding", 2, "Four-hole binding."))),
            (KnowledgeFileKind.Markdown, KnowledgeDocuments.Markdown(("标题", 1, "正文。"), ("Sub", 2, "Body **bold**."))),
            (KnowledgeFileKind.Html, KnowledgeDocuments.Html(("Title", 1, "Some <b>HTML</b> text."))),
            (KnowledgeFileKind.Text, KnowledgeDocuments.Text("纯文本。\nPlain text.")),
        ];

        foreach (var (kind, bytes) in documents)
        {
            var expected = await inProcess.ParseAsync(kind, new MemoryStream(bytes));
            var actual = await worker.ParseAsync(kind, new MemoryStream(bytes));

            Assert.Equal(expected.PageCount, actual.PageCount);
            Assert.Equal(expected.Units.Select(u => (u.Text, u.Page, string.Join(" > ", u.HeadingPath))), actual.Units.Select(u => (u.Text, u.Page, string.Join(" > ", u.HeadingPath))));
        }
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(50_000)]
    public async Task Parse_DocxNestingTensOfThousandsOfContentControls_FailsTooDeepAndTheAppKeepsRunning(int levels) =>
        await FailsQuicklyWithFlatAppMemory(KnowledgeFileKind.Docx, HostileDocuments.DeepDocx(levels), DocumentParseCodes.TooDeep);

    [Fact]
    public async Task Parse_HtmlNested100kDeep_FailsTooDeep() =>
        await FailsQuicklyWithFlatAppMemory(KnowledgeFileKind.Html, HostileDocuments.DeepHtml(100_000), DocumentParseCodes.TooDeep);

    [Fact]
    public async Task Parse_MarkdownQuotesNested100kDeep_FailsTooDeep() =>
        await FailsQuicklyWithFlatAppMemory(KnowledgeFileKind.Markdown, HostileDocuments.DeepMarkdown(100_000), DocumentParseCodes.TooDeep);

    [Fact]
    public async Task Parse_MarkdownFloodedWithLessThanSigns_IsReadQuickly()
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions());
        var clock = Stopwatch.StartNew();

        var doc = await worker.ParseAsync(KnowledgeFileKind.Markdown, new MemoryStream(HostileDocuments.LessThanFloodMarkdown(5 * 1024 * 1024)));

        output.WriteLine($"<-flood Markdown (5 MiB): {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(["Flood"], doc.Units[0].HeadingPath);
    }

    [Fact]
    public async Task Parse_DocxInflatingTo1GiB_FailsTooLarge() =>
        await FailsQuicklyWithFlatAppMemory(KnowledgeFileKind.Docx, HostileDocuments.DocxFlateBomb(), DocumentParseCodes.TooLarge);

    [Fact]
    public async Task Parse_PdfWithA1GiBFlateStream_FailsTooLargeInsteadOfInflatingItInTheApp() =>
        await FailsQuicklyWithFlatAppMemory(KnowledgeFileKind.Pdf, HostileDocuments.PdfFlateBomb(), DocumentParseCodes.TooLarge, memoryLimitMb: 512);

    [Fact]
    public async Task Parse_PdfBombThePreScanSkips_MeetsTheMemoryCapAndFailsTooLarge() =>
        await FailsQuicklyWithFlatAppMemory(KnowledgeFileKind.Pdf, HostileDocuments.PdfFlateBombLabelledAsImage(), DocumentParseCodes.TooLarge, memoryLimitMb: 512);

    [Fact]
    public async Task Parse_PastTheDeadline_KillsTheWorkerAndFailsTimeout()
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions { Timeout = TimeSpan.FromMilliseconds(30) });
        WorkerRun? run = null;
        worker.Finished += r => run = r;

        var ex = await Assert.ThrowsAsync<DocumentParseException>(() => worker.ParseAsync(KnowledgeFileKind.Pdf, new MemoryStream(KnowledgeDocuments.Pdf(50, n => KnowledgeDocuments.EnglishText(1500, n)))));

        Assert.Equal(DocumentParseCodes.Timeout, ex.Code);
        Assert.NotNull(run);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(5), $"took {run.Elapsed}");
    }

    [Fact]
    public async Task Parse_WorkerThatDiesWithoutAReply_FailsCrashed()
    {
        // Any assembly without an entry point: the host exits non-zero and writes no reply, as a crashed worker does.
        var notAWorker = Path.Combine(AppContext.BaseDirectory, "StarStudio.Core.dll");
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions { WorkerPath = notAWorker });

        var ex = await Assert.ThrowsAsync<DocumentParseException>(() => worker.ParseAsync(KnowledgeFileKind.Text, new MemoryStream("text"u8.ToArray())));

        Assert.Equal(DocumentParseCodes.Crashed, ex.Code);
        Assert.Contains("exit code", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_CallerCancels_KillsTheWorkerAndThrowsOperationCanceled()
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.ParseAsync(KnowledgeFileKind.Pdf, new MemoryStream(KnowledgeDocuments.Pdf(50, n => KnowledgeDocuments.EnglishText(1500, n))), cts.Token));
    }

    [Fact]
    public async Task Parse_DocumentsInTurn_ReuseAWarmWorkerButNeverOneThatRanOutOfMemory()
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions { MaxConcurrency = 1, MemoryLimitMb = 512 });
        var runs = new List<WorkerRun>();
        worker.Finished += runs.Add;
        await worker.ParseAsync(KnowledgeFileKind.Text, new MemoryStream("one"u8.ToArray()));
        await worker.ParseAsync(KnowledgeFileKind.Text, new MemoryStream("two"u8.ToArray()));
        await Assert.ThrowsAsync<DocumentParseException>(() => worker.ParseAsync(KnowledgeFileKind.Pdf, new MemoryStream(HostileDocuments.PdfFlateBombLabelledAsImage())));
        await Assert.ThrowsAsync<DocumentParseException>(() => worker.ParseAsync(KnowledgeFileKind.Html, new MemoryStream(HostileDocuments.DeepHtml(1000))));
        var after = await worker.ParseAsync(KnowledgeFileKind.Text, new MemoryStream("three"u8.ToArray()));

        Assert.Equal([false, true, true, false, true], runs.Select(r => r.Warm));
        Assert.Equal([null, null, DocumentParseCodes.TooLarge, DocumentParseCodes.TooDeep, null], runs.Select(r => r.Code));
        Assert.Equal("three", Assert.Single(after.Units).Text);
    }

    [Fact]
    public async Task Parse_MoreDocumentsThanWorkers_RunsAtMostMaxConcurrencyAtOnce()
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions { MaxConcurrency = 1 });
        var runs = new List<WorkerRun>();
        var ends = new List<DateTime>();
        worker.Finished += r =>
        {
            lock (runs)
            {
                runs.Add(r);
                ends.Add(DateTime.UtcNow);
            }
        };

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => worker.ParseAsync(KnowledgeFileKind.Text, new MemoryStream("text"u8.ToArray()))));

        // One at a time: each run started after the previous one ended, so the runs' intervals do not overlap.
        var intervals = runs.Zip(ends, (r, end) => (Start: end - r.Elapsed, End: end)).OrderBy(i => i.Start).ToList();
        for (var i = 1; i < intervals.Count; i++)
        {
            Assert.True(intervals[i].Start >= intervals[i - 1].End - TimeSpan.FromMilliseconds(5), "two workers ran at once");
        }
    }

    [Fact]
    public void StartInfo_CarriesNoneOfTheAppsSettings()
    {
        Environment.SetEnvironmentVariable("StarStudio__Database__ConnectionString", "Host=secret");
        try
        {
            using var worker = new WorkerDocumentParser(new ParserWorkerOptions { MemoryLimitMb = 256 });

            var start = worker.StartInfo();

            Assert.DoesNotContain(start.Environment.Keys, k => k.StartsWith("StarStudio", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase));
            Assert.Equal((256L * 1024 * 1024 * 3 / 4).ToString("X", System.Globalization.CultureInfo.InvariantCulture), start.Environment["DOTNET_GCHeapHardLimit"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("StarStudio__Database__ConnectionString", null);
        }
    }

    [Fact]
    public void Options_WorkerMissing_FailsWithOneLineThatSaysWhatToSet()
    {
        var errors = new ParserWorkerOptions { WorkerPath = "/nowhere/StarStudio.ParserWorker.dll" }.Validate().ToList();

        Assert.Contains(errors, e => e.Contains("StarStudio:Knowledge:Parser:WorkerPath", StringComparison.Ordinal));
    }

    private async Task FailsQuicklyWithFlatAppMemory(KnowledgeFileKind kind, byte[] bytes, string code, int memoryLimitMb = 1024)
    {
        using var worker = new WorkerDocumentParser(new ParserWorkerOptions { MemoryLimitMb = memoryLimitMb });
        WorkerRun? run = null;
        worker.Finished += r => run = r;
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        var before = self.WorkingSet64;
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                await Task.Delay(20);
            }
        });

        var ex = await Assert.ThrowsAsync<DocumentParseException>(() => worker.ParseAsync(kind, new MemoryStream(bytes)));
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"{kind} {bytes.Length / 1024} KB: {ex.Code} in {run?.Elapsed.TotalMilliseconds:0} ms; worker peak {run?.PeakBytes / (1024 * 1024)} MB; "
            + $"this process {before / (1024 * 1024)} → peak {peak / (1024 * 1024)} MB; {ex.Message}");
        Assert.Equal(code, ex.Code);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.True(run!.Elapsed < TimeSpan.FromSeconds(60), $"took {run.Elapsed}");
        Assert.True(peak - before < AppMemoryBudget, $"this process grew by {(peak - before) / (1024 * 1024)} MB");
    }
}
