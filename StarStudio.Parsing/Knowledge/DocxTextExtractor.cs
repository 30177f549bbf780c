using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Reads a DOCX into one unit per heading section (styles Title, Heading 1–9 or an outline level), tables
/// included row by row; the zip is checked for bombs before OpenXml opens it.</summary>
internal static class DocxTextExtractor
{
    private const int MaxStyleDepth = 16;

    public static ParsedDocument Extract(ReadOnlyMemory<byte> content, DocumentParserLimits limits, ParseBudget budget)
    {
        ZipBombGuard.Check(content, limits, budget);

        var sections = new SectionBuilder();
        try
        {
            using var stream = InProcessDocumentParser.AsStream(content);
            using var document = WordprocessingDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = limits.MaxDocxUncompressedBytes });
            var main = document.MainDocumentPart
                ?? throw new DocumentParseException(DocumentParseCodes.Corrupt, "The file is not a Word document: it has no main document part.");
            var body = main.Document?.Body
                ?? throw new DocumentParseException(DocumentParseCodes.Corrupt, "The Word document has no body.");
            var styles = HeadingStyles.From(main.StyleDefinitionsPart?.Styles);
            Walk(body, sections, styles, budget);
        }
        catch (Exception ex) when (ParseFailures.IsLibraryError(ex))
        {
            throw new DocumentParseException(DocumentParseCodes.Corrupt, "The Word document is damaged and cannot be read.", ex);
        }

        var units = sections.Finish();
        return units.Count == 0
            ? throw new DocumentParseException(DocumentParseCodes.Empty, "The Word document contains no text.")
            : new ParsedDocument(units, 0);
    }

    private static void Walk(OpenXmlElement container, SectionBuilder sections, HeadingStyles styles, ParseBudget budget)
    {
        foreach (var element in container.ChildElements)
        {
            switch (element)
            {
                case Paragraph paragraph:
                    budget.Check();
                    var text = ParagraphText(paragraph);
                    if (styles.LevelOf(paragraph) is { } level)
                    {
                        sections.Heading(level, text);
                    }
                    else
                    {
                        sections.AppendBlock(text);
                    }

                    break;
                case Table table:
                    budget.Check();
                    sections.AppendBlock(TableText(table));
                    break;
                default:
                    // Content controls, custom XML and similar wrappers hold paragraphs and tables of their own.
                    if (element.HasChildren)
                    {
                        Walk(element, sections, styles, budget);
                    }

                    break;
            }
        }
    }

    internal static string ParagraphText(OpenXmlElement paragraph)
    {
        var sb = new StringBuilder();
        foreach (var node in paragraph.Descendants())
        {
            switch (node)
            {
                case Text t:
                    sb.Append(t.Text);
                    break;
                case TabChar:
                    sb.Append('\t');
                    break;
                case Break or CarriageReturn:
                    sb.Append('\n');
                    break;
                case NoBreakHyphen:
                    sb.Append('-');
                    break;
            }
        }

        return sb.ToString();
    }

    private static string TableText(Table table)
    {
        var sb = new StringBuilder();
        foreach (var row in table.Descendants<TableRow>())
        {
            var first = true;
            foreach (var cell in row.Elements<TableCell>())
            {
                if (!first)
                {
                    sb.Append(" | ");
                }

                first = false;
                var cellParagraphs = cell.Elements<Paragraph>().Select(ParagraphText).Where(t => !string.IsNullOrWhiteSpace(t));
                sb.Append(string.Join(' ', cellParagraphs).Replace('\n', ' '));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Which paragraph styles are headings, and of what level (0 = Title).</summary>
    private sealed class HeadingStyles
    {
        private readonly Dictionary<string, int?> _levels = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Style> _byId = new(StringComparer.OrdinalIgnoreCase);

        public static HeadingStyles From(Styles? styles)
        {
            var result = new HeadingStyles();
            foreach (var style in styles?.Elements<Style>() ?? [])
            {
                if (style.StyleId?.Value is { } id)
                {
                    result._byId.TryAdd(id, style);
                }
            }

            return result;
        }

        public int? LevelOf(Paragraph paragraph)
        {
            var properties = paragraph.ParagraphProperties;
            if (properties?.OutlineLevel?.Val?.Value is { } outline && outline < 9)
            {
                return outline + 1;
            }

            var styleId = properties?.ParagraphStyleId?.Val?.Value;
            if (string.IsNullOrEmpty(styleId))
            {
                return null;
            }

            if (!_levels.TryGetValue(styleId, out var level))
            {
                level = Resolve(styleId, 0);
                _levels[styleId] = level;
            }

            return level;
        }

        private int? Resolve(string styleId, int depth)
        {
            if (_byId.TryGetValue(styleId, out var style))
            {
                if (FromName(style.StyleName?.Val?.Value) is { } byName)
                {
                    return byName;
                }

                if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } outline && outline < 9)
                {
                    return outline + 1;
                }

                if (depth < MaxStyleDepth && style.BasedOn?.Val?.Value is { } basedOn)
                {
                    return Resolve(basedOn, depth + 1);
                }

                return null;
            }

            // No styles part (or an unknown id): the built-in ids Word uses.
            return FromName(styleId);
        }

        /// <summary>"heading 2" / "Heading2" → 2, "Title" → 0.</summary>
        private static int? FromName(string? name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            var compact = name.Replace(" ", "", StringComparison.Ordinal);
            if (compact.Equals("title", StringComparison.OrdinalIgnoreCase))
            {
                return 0;
            }

            if (compact.Length == 8 && compact.StartsWith("heading", StringComparison.OrdinalIgnoreCase) && compact[7] is >= '1' and <= '9')
            {
                return compact[7] - '0';
            }

            return null;
        }
    }
}

/// <summary>Refuses a zip that would expand too far, before anything decompresses it for real.</summary>
internal static class ZipBombGuard
{
    public static void Check(ReadOnlyMemory<byte> content, DocumentParserLimits limits, ParseBudget budget)
    {
        budget.Check();
        IReadOnlyList<(string Name, long Length, long CompressedLength)> entries;
        try
        {
            using var archive = new ZipArchive(InProcessDocumentParser.AsStream(content), ZipArchiveMode.Read, leaveOpen: false);
            entries = archive.Entries.Select(e => (e.FullName, e.Length, e.CompressedLength)).ToList();
        }
        catch (InvalidDataException ex)
        {
            throw new DocumentParseException(DocumentParseCodes.Corrupt, "The file is not a valid Word document: its zip structure is damaged.", ex);
        }

        if (entries.Count > limits.MaxDocxEntries)
        {
            throw TooLarge($"it has {entries.Count} parts (at most {limits.MaxDocxEntries} are accepted)");
        }

        long total = 0;
        foreach (var (name, length, compressed) in entries)
        {
            total += length;
            if (total > limits.MaxDocxUncompressedBytes)
            {
                throw TooLarge($"it expands to more than {limits.MaxDocxUncompressedBytes / (1024 * 1024)} MB");
            }

            if (length > limits.CompressionRatioMinEntryBytes && length > limits.MaxDocxCompressionRatio * Math.Max(1, compressed))
            {
                throw TooLarge($"the part {name} is compressed more than {limits.MaxDocxCompressionRatio:0}:1");
            }
        }

        // The declared sizes bound the total: .NET's ZipArchive (which OpenXml reads through) never yields more than an
        // entry's declared size, so a header that understates it only truncates the part (which then fails as corrupt).
        // Small parts can still be hostile: 2 KB of XML nesting 40,000 elements overflows the stack inside OpenXml's
        // tree load, which no catch survives. So every XML part is streamed once, depth and size checked, first.
        CheckXmlParts(content, limits, budget);
    }

    private static void CheckXmlParts(ReadOnlyMemory<byte> content, DocumentParserLimits limits, ParseBudget budget)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        using var archive = new ZipArchive(InProcessDocumentParser.AsStream(content), ZipArchiveMode.Read, leaveOpen: false);
        foreach (var entry in archive.Entries)
        {
            budget.Check();
            if (entry.Length == 0)
            {
                continue;
            }

            // Every part, whatever its name: the main document may be called anything its relationships say.
            using var stream = new CappedStream(entry.Open(), limits.MaxDocxPartBytes, entry.FullName);
            var nodes = 0L;
            try
            {
                using var reader = XmlReader.Create(stream, settings);
                while (reader.Read())
                {
                    if (reader.Depth > limits.MaxXmlDepth)
                    {
                        throw new DocumentParseException(
                            DocumentParseCodes.TooDeep,
                            $"The Word document is refused because its part {entry.FullName} nests elements more than {limits.MaxXmlDepth} levels deep.");
                    }

                    if ((++nodes & 0xFFFF) == 0)
                    {
                        budget.Check();
                    }
                }
            }
            catch (XmlException) when (nodes == 0)
            {
                // Not XML from its first byte (an image, an embedded binary): OpenXml never builds a tree of it.
            }
            catch (XmlException ex)
            {
                throw new DocumentParseException(DocumentParseCodes.Corrupt, $"The Word document is damaged: its part {entry.FullName} is not valid XML.", ex);
            }
        }
    }

    /// <summary>Counts what it decompresses and stops past the part limit, whatever the zip header declared.</summary>
    private sealed class CappedStream(Stream inner, long cap, string name) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _read += n;
            return _read > cap
                ? throw TooLarge($"its part {name} expands to more than {cap / (1024 * 1024)} MB")
                : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private static DocumentParseException TooLarge(string reason) =>
        new(DocumentParseCodes.TooLarge, $"The Word document is refused because {reason}; it may be a zip bomb.");
}
