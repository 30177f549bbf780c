using System.Diagnostics;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Knowledge.Parsing;

public class PdfParsingTests : ParserTestBase
{
    [Fact]
    public async Task Parse_LatinPdf_GivesOneUnitPerPageWithPageNumbers()
    {
        var bytes = KnowledgeDocuments.Pdf(3, n => $"Page {n} begins here. " + KnowledgeDocuments.EnglishText(600, n));

        var doc = await ParseAsync(KnowledgeFileKind.Pdf, bytes);

        Assert.Equal(3, doc.PageCount);
        Assert.Equal([1, 2, 3], doc.Units.Select(u => u.Page!.Value));
        Assert.All(doc.Units, u => Assert.Empty(u.HeadingPath));
        for (var n = 1; n <= 3; n++)
        {
            Assert.StartsWith($"Page {n} begins here.", doc.Units[n - 1].Text);
        }
    }

    [Fact]
    public async Task Parse_WrappedLines_AreJoinedBackIntoSentences()
    {
        var text = KnowledgeDocuments.EnglishText(1500, 11);
        var bytes = KnowledgeDocuments.Pdf(1, _ => text);

        var doc = await ParseAsync(KnowledgeFileKind.Pdf, bytes);

        // Lines wrapped at 95 characters are joined again; a line break stays only where a sentence ended anyway.
        var extracted = doc.Units[0].Text;
        Assert.Equal(text, extracted.Replace('\n', ' '));
        Assert.All(Enumerable.Range(0, extracted.Length).Where(i => extracted[i] == '\n'), i => Assert.Contains(extracted[i - 1], ".?"));
    }

    [Fact]
    public async Task Parse_ChinesePdf_ExtractsChineseText()
    {
        var text = KnowledgeDocuments.ChineseText(300, 3);
        var bytes = KnowledgeDocuments.Pdf(2, n => n == 1 ? text : "第二页：English and 中文 mixed。");

        var doc = await ParseAsync(KnowledgeFileKind.Pdf, bytes);

        Assert.Equal(text, doc.Units[0].Text);
        Assert.Equal("第二页：English and 中文 mixed。", doc.Units[1].Text);
    }

    [Fact]
    public async Task Parse_BlankPagesBetweenText_AreSkippedButCounted()
    {
        var bytes = KnowledgeDocuments.Pdf(3, n => n == 2 ? "" : $"Text on page {n}.");

        var doc = await ParseAsync(KnowledgeFileKind.Pdf, bytes);

        Assert.Equal(3, doc.PageCount);
        Assert.Equal([1, 3], doc.Units.Select(u => u.Page!.Value));
    }

    [Fact]
    public async Task Parse_EncryptedPdf_FailsEncrypted() =>
        await ParseFailsAsync(KnowledgeFileKind.Pdf, KnowledgeDocuments.EncryptedPdf(), DocumentParseCodes.Encrypted);

    [Fact]
    public async Task Parse_GarbagePdf_FailsCorrupt() =>
        await ParseFailsAsync(KnowledgeFileKind.Pdf, KnowledgeDocuments.CorruptPdf(), DocumentParseCodes.Corrupt);

    [Fact]
    public async Task Parse_TruncatedPdf_FailsCorrupt() =>
        await ParseFailsAsync(KnowledgeFileKind.Pdf, KnowledgeDocuments.TruncatedPdf(), DocumentParseCodes.Corrupt);

    [Fact]
    public async Task Parse_ScannedPdfWithoutText_FailsEmptyAndSaysNoOcr()
    {
        var ex = await ParseFailsAsync(KnowledgeFileKind.Pdf, KnowledgeDocuments.ScannedPdf(), DocumentParseCodes.Empty);

        Assert.Contains("no extractable text", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("OCR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_ZeroBytes_FailsEmpty() =>
        await ParseFailsAsync(KnowledgeFileKind.Pdf, [], DocumentParseCodes.Empty);

    [Fact]
    public async Task Parse_DeadlineShorterThanTheWork_FailsTimeout()
    {
        var bytes = KnowledgeDocuments.Pdf(200, n => KnowledgeDocuments.EnglishText(1500, n));
        var parser = new InProcessDocumentParser(new DocumentParserLimits { Timeout = TimeSpan.FromMilliseconds(1) });

        var stopwatch = Stopwatch.StartNew();
        await ParseFailsAsync(KnowledgeFileKind.Pdf, bytes, DocumentParseCodes.Timeout, parser);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Parse_PageThatNeverReturns_FailsTimeoutAtTheDeadline()
    {
        using var release = new ManualResetEventSlim();
        var parser = new InProcessDocumentParser(
            new DocumentParserLimits { Timeout = TimeSpan.FromMilliseconds(300) },
            (_, _, _, _) =>
            {
                release.Wait(TimeSpan.FromSeconds(30)); // ignores cancellation, as a stuck page would
                throw new InvalidOperationException("released");
            });

        var stopwatch = Stopwatch.StartNew();
        var ex = await ParseFailsAsync(KnowledgeFileKind.Pdf, KnowledgeDocuments.Pdf(1, _ => "Hello."), DocumentParseCodes.Timeout, parser);
        release.Set();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.Contains("0.3 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_CallerCancels_ThrowsOperationCanceled()
    {
        var bytes = KnowledgeDocuments.Pdf(5, n => $"Page {n}.");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ParseAsync(KnowledgeFileKind.Pdf, bytes, ct: cts.Token));
    }

    [Fact]
    public async Task Parse_ForwardOnlyStream_IsReadWhole()
    {
        var bytes = KnowledgeDocuments.Pdf(2, n => $"Page {n} of a streamed upload.");

        var doc = await new InProcessDocumentParser().ParseAsync(KnowledgeFileKind.Pdf, new ForwardOnlyStream(bytes));

        Assert.Equal(2, doc.Units.Count);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1000)]
    public async Task Parse_HeaderAfterByteOrderMarkOrJunk_IsRead(int junk)
    {
        byte[] prefix = junk == 3 ? [0xEF, 0xBB, 0xBF] : [.. Enumerable.Repeat((byte)'#', junk)];
        byte[] bytes = [.. prefix, .. KnowledgeDocuments.Pdf(1, _ => "Text after a prefix.")];

        Assert.True(KnowledgeFileKinds.Detect("a.pdf", bytes).Succeeded);
        var doc = await ParseAsync(KnowledgeFileKind.Pdf, bytes);

        Assert.Equal("Text after a prefix.", Assert.Single(doc.Units).Text);
    }
}
