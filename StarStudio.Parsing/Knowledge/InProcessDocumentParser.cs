using System.Runtime.InteropServices;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>
/// Turns PDF (PdfPig), DOCX (OpenXml), Markdown (Markdig), HTML (AngleSharp) and plain text into text units:
/// a unit per PDF page, a unit per heading section for DOCX, Markdown and HTML, one unit for plain text.
/// </summary>
/// <remarks>
/// <para>All text is normalized (newlines <c>\n</c>, no control characters but <c>\n</c> and <c>\t</c>, runs of spaces
/// collapsed). <see cref="ParsedDocument.PageCount"/> is the PDF's page count and 0 for formats without pages.</para>
/// <para>In process: the parser worker calls <see cref="Parse"/>, and tests of the extractors use this class. The app
/// never parses in its own process (a stack overflow there cannot be caught and ends every user's session): it uses
/// the worker, through StarStudio.Data's <c>WorkerDocumentParser</c>. Here the caller stops waiting after
/// <see cref="DocumentParserLimits.Timeout"/> (<c>Knowledge.Parse.Timeout</c>), but a single page that never returns
/// keeps its thread until it ends on its own — only killing a process stops such work.</para>
/// <para>Failures are <see cref="DocumentParseException"/> with a <see cref="DocumentParseCodes"/> code; cancellation by
/// the caller's token is an <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class InProcessDocumentParser : IDocumentParser
{
    private readonly DocumentParserLimits _limits;
    private readonly Func<KnowledgeFileKind, ReadOnlyMemory<byte>, DocumentParserLimits, ParseBudget, ParsedDocument> _parse;

    public InProcessDocumentParser()
        : this(new DocumentParserLimits())
    {
    }

    public InProcessDocumentParser(DocumentParserLimits limits)
        : this(limits, Parse)
    {
    }

    /// <summary>For tests: the same deadline handling around another parse function (e.g. one that hangs).</summary>
    internal InProcessDocumentParser(DocumentParserLimits limits, Func<KnowledgeFileKind, ReadOnlyMemory<byte>, DocumentParserLimits, ParseBudget, ParsedDocument> parse)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limits.Timeout, TimeSpan.Zero, nameof(limits));
        _limits = limits;
        _parse = parse;
    }

    public async Task<ParsedDocument> ParseAsync(KnowledgeFileKind kind, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = await ReadAllAsync(content, ct).ConfigureAwait(false);
        if (bytes.IsEmpty)
        {
            throw new DocumentParseException(DocumentParseCodes.Empty, "The file is empty.");
        }

        // The work checks the budget (cancellation and deadline) between pages and blocks; waiting stops at the
        // deadline too, for a single page that never returns.
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var budget = new ParseBudget(_limits.Timeout, cts.Token);
        var work = Task.Run(() => _parse(kind, bytes, _limits, budget), cts.Token);
        try
        {
            return await work.WaitAsync(_limits.Timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            throw ParseBudget.TimedOut(_limits.Timeout);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            // The work may still be running (a page that hangs): dispose the source, and observe a late failure, when it ends.
            _ = work.ContinueWith(
                static (t, state) =>
                {
                    _ = t.Exception;
                    ((CancellationTokenSource)state!).Dispose();
                },
                cts,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>Parses synchronously on the calling thread; the budget is checked between pages and blocks.</summary>
    internal static ParsedDocument Parse(KnowledgeFileKind kind, ReadOnlyMemory<byte> content, DocumentParserLimits limits, ParseBudget budget)
    {
        budget.Check();
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown file kind.");
        }

        try
        {
            return kind switch
            {
                KnowledgeFileKind.Pdf => PdfTextExtractor.Extract(content, limits, budget),
                KnowledgeFileKind.Docx => DocxTextExtractor.Extract(content, limits, budget),
                KnowledgeFileKind.Markdown => MarkdownTextExtractor.Extract(DecodeText(content, limits), limits, budget),
                KnowledgeFileKind.Html => HtmlTextExtractor.Extract(DecodeText(content, limits), limits, budget),
                _ => PlainText(DecodeText(content, limits)),
            };
        }
        catch (Exception ex) when (ParseFailures.IsLibraryError(ex))
        {
            // Whatever a library throws on input it cannot handle, the user gets one clear reason.
            throw new DocumentParseException(DocumentParseCodes.Corrupt, $"The {kind} document could not be read: {ex.Message}", ex);
        }
    }

    private static ParsedDocument PlainText(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        return normalized.Length == 0
            ? throw new DocumentParseException(DocumentParseCodes.Empty, "The text file contains no text.")
            : new ParsedDocument([new DocumentUnit(normalized, null, [])], 0);
    }

    /// <summary>Text in its detected charset (<see cref="TextEncodings"/>), refused past the size limit for text.</summary>
    internal static string DecodeText(ReadOnlyMemory<byte> content, DocumentParserLimits limits) =>
        content.Length > limits.MaxTextFileBytes
            ? throw new DocumentParseException(
                DocumentParseCodes.TooLarge,
                $"The text file is {content.Length / (1024 * 1024)} MB; at most {limits.MaxTextFileBytes / (1024 * 1024)} MB of text, Markdown or HTML is read.")
            : TextEncodings.Decode(content.Span);

    /// <summary>A read-only stream over the bytes, without copying them when they are an array.</summary>
    internal static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream content, CancellationToken ct)
    {
        if (content is MemoryStream memory && memory.TryGetBuffer(out var existing))
        {
            var position = (int)memory.Position;
            return existing.AsMemory(position, existing.Count - position);
        }

        var capacity = content.CanSeek ? (int)Math.Clamp(content.Length - content.Position, 0, int.MaxValue) : 0;
        using var buffer = new MemoryStream(capacity);
        await content.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.TryGetBuffer(out var segment) ? segment.AsMemory() : buffer.ToArray();
    }
}
