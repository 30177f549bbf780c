using System.Runtime.InteropServices;
using System.Text;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Data.Knowledge.Parsing;

/// <summary>
/// Turns PDF (PdfPig), DOCX (OpenXml), Markdown (Markdig), HTML (AngleSharp) and plain text into text units:
/// a unit per PDF page, a unit per heading section for DOCX, Markdown and HTML, one unit for plain text.
/// </summary>
/// <remarks>
/// <para>All text is normalized (newlines <c>\n</c>, no control characters but <c>\n</c> and <c>\t</c>, runs of spaces
/// collapsed). <see cref="ParsedDocument.PageCount"/> is the PDF's page count and 0 for formats without pages.</para>
/// <para>The work runs on a thread-pool task that is checked for cancellation between pages and blocks; the caller
/// stops waiting after <see cref="DocumentParserLimits.Timeout"/> (<c>Knowledge.Parse.Timeout</c>) even when a single
/// page never returns — that task is then abandoned and ends on its own.</para>
/// <para>Failures are <see cref="DocumentParseException"/> with a <see cref="DocumentParseCodes"/> code; cancellation by
/// the caller's token is an <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class DocumentParser : IDocumentParser
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly DocumentParserLimits _limits;
    private readonly Func<KnowledgeFileKind, ReadOnlyMemory<byte>, DocumentParserLimits, ParseBudget, ParsedDocument> _parse;

    public DocumentParser()
        : this(new DocumentParserLimits())
    {
    }

    public DocumentParser(DocumentParserLimits limits)
        : this(limits, Parse)
    {
    }

    /// <summary>For tests: the same deadline handling around another parse function (e.g. one that hangs).</summary>
    internal DocumentParser(DocumentParserLimits limits, Func<KnowledgeFileKind, ReadOnlyMemory<byte>, DocumentParserLimits, ParseBudget, ParsedDocument> parse)
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
                KnowledgeFileKind.Pdf => PdfTextExtractor.Extract(content, budget),
                KnowledgeFileKind.Docx => DocxTextExtractor.Extract(content, limits, budget),
                KnowledgeFileKind.Markdown => MarkdownTextExtractor.Extract(DecodeUtf8(content), budget),
                KnowledgeFileKind.Html => HtmlTextExtractor.Extract(DecodeUtf8(content), budget),
                _ => PlainText(DecodeUtf8(content)),
            };
        }
        catch (Exception ex) when (ex is not DocumentParseException and not OperationCanceledException)
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

    /// <summary>UTF-8 with or without a BOM; invalid bytes become U+FFFD.</summary>
    internal static string DecodeUtf8(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        return Utf8.GetString(span);
    }

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
