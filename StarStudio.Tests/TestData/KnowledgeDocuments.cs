using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PageSize = UglyToad.PdfPig.Content.PageSize;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace StarStudio.Tests.TestData;

/// <summary>Builds real knowledge documents in memory (PDF, DOCX, Markdown, HTML, text) and broken ones, for tests.</summary>
/// <remarks>
/// <para>PDFs whose text is all Latin-1 are written by PdfPig's <see cref="PdfDocumentBuilder"/> with Helvetica. PdfPig
/// can only embed TrueType (glyf) fonts and the CJK fonts on this machine are OpenType/CFF collections (.ttc), so a PDF
/// with Chinese text is written by hand instead: a Type0 font with Identity-H encoding and a ToUnicode map, not
/// embedded. Text extraction reads it exactly; a viewer renders it with a substitute font.</para>
/// <para>Every method returns the file's bytes; the same arguments give the same bytes.</para>
/// </remarks>
public static class KnowledgeDocuments
{
    private const double PageWidth = 595;
    private const double PageHeight = 842;
    private const double Margin = 40;

    private static readonly Lazy<byte[]> ZipBomb = new(BuildDocxZipBomb);

    // ---------------------------------------------------------------- text

    /// <summary>English prose of about <paramref name="chars"/> characters: sentences of 8–20 words, with a number like 3.14 now and then.</summary>
    public static string EnglishText(int chars, int seed = 1)
    {
        string[] words =
        [
            "the", "star", "knowledge", "pipeline", "reads", "every", "page", "and", "keeps", "citations", "exact", "so",
            "answers", "can", "point", "back", "to", "source", "chunk", "sentence", "token", "model", "vector", "index",
            "retrieval", "quality", "depends", "on", "clean", "text", "with", "overlap", "between", "neighbours", "of",
            "a", "document", "heading", "section", "paragraph", "table", "owner", "studio", "persona", "tone", "memory",
        ];
        var random = new Random(seed);
        var sb = new StringBuilder(chars + 200);
        while (sb.Length < chars)
        {
            var count = random.Next(8, 21);
            for (var i = 0; i < count; i++)
            {
                var word = words[random.Next(words.Length)];
                if (i == 0)
                {
                    word = char.ToUpperInvariant(word[0]) + word[1..];
                }
                else if (random.Next(40) == 0)
                {
                    word = $"{random.Next(1, 10)}.{random.Next(10, 99)}";
                }

                sb.Append(word).Append(i == count - 1 ? "" : " ");
            }

            sb.Append(random.Next(10) == 0 ? "? " : ". ");
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>Chinese prose of about <paramref name="chars"/> characters, sentences ending in 。！？ or ；.</summary>
    public static string ChineseText(int chars, int seed = 1)
    {
        string[] phrases =
        [
            "知识库", "解析文档", "每一页", "都保留", "引用位置", "星辰", "回答问题", "需要", "准确的", "来源", "分块", "句子",
            "向量索引", "检索质量", "取决于", "干净的文本", "相邻分块", "之间", "有重叠", "标题路径", "段落", "表格", "主人", "语气",
        ];
        char[] ends = ['。', '。', '。', '！', '？', '；'];
        var random = new Random(seed);
        var sb = new StringBuilder(chars + 100);
        while (sb.Length < chars)
        {
            var count = random.Next(4, 10);
            for (var i = 0; i < count; i++)
            {
                sb.Append(phrases[random.Next(phrases.Length)]);
                if (i < count - 1 && random.Next(4) == 0)
                {
                    sb.Append('，');
                }
            }

            sb.Append(ends[random.Next(ends.Length)]);
        }

        return sb.ToString();
    }

    /// <summary>A UTF-8 text file, with a byte order mark when asked.</summary>
    public static byte[] Text(string text, bool bom = false) =>
        bom ? [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    // ---------------------------------------------------------------- PDF

    /// <summary>A PDF of <paramref name="pages"/> A4 pages; page <c>n</c> (1-based) shows <c>pageText(n)</c>, wrapped
    /// into lines (a <c>\n</c> starts a new line). Latin-1 text uses Helvetica; anything else a hand-written Unicode PDF.</summary>
    public static byte[] Pdf(int pages, Func<int, string> pageText)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        var texts = Enumerable.Range(1, pages).Select(pageText).ToArray();
        return texts.All(IsLatin1) ? HelveticaPdf(texts) : UnicodePdf(texts);
    }

    /// <summary>A PDF whose pages have no text at all, only filled rectangles (as a scan without OCR looks to a text extractor).</summary>
    public static byte[] ScannedPdf(int pages = 2)
    {
        using var builder = new PdfDocumentBuilder();
        for (var i = 0; i < pages; i++)
        {
            var page = builder.AddPage(PageSize.A4);
            page.SetTextAndFillColor(120, 120, 120);
            page.DrawRectangle(new PdfPoint(Margin, Margin), PageWidth - (2 * Margin), PageHeight - (2 * Margin), 1, fill: true);
        }

        return builder.Build();
    }

    /// <summary>A one-page PDF encrypted with the standard security handler (RC4, 128 bit) and a user password that
    /// is not empty, so it cannot be opened without it. Written by hand: PdfPig cannot write encrypted files.</summary>
    public static byte[] EncryptedPdf()
    {
        var content = "BT /F1 12 Tf 72 720 Td (secret) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            StreamObject(content),
            "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <" + new string('A', 64) + "> /U <" + new string('B', 64) + "> >>",
        ];
        return WritePdf(objects, "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]");
    }

    /// <summary>A file that starts like a PDF and then is garbage: no objects, no cross-reference table.</summary>
    public static byte[] CorruptPdf()
    {
        var random = new Random(7);
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        return [.. "%PDF-1.7\n"u8, .. garbage, .. "\n%%EOF\n"u8];
    }

    /// <summary>The first half of a real PDF, as an interrupted upload leaves it.</summary>
    public static byte[] TruncatedPdf()
    {
        var whole = Pdf(3, n => EnglishText(800, n));
        return whole[..(whole.Length / 2)];
    }

    // ---------------------------------------------------------------- DOCX

    /// <summary>A DOCX with a styles part (Title, Heading 1–9). Each item adds a heading paragraph when
    /// <c>heading</c> is not null (style <c>Heading{level}</c>, level 0 = <c>Title</c>), then one body paragraph per
    /// line of <c>text</c>.</summary>
    public static byte[] Docx(params (string? Heading, int Level, string Text)[] paragraphs) => BuildDocx(paragraphs, table: null);

    /// <summary>A DOCX with a heading, a paragraph, and a table of <paramref name="rows"/> after it.</summary>
    public static byte[] DocxWithTable(string heading, string text, string[][] rows) => BuildDocx([(heading, 1, text)], rows);

    /// <summary>A zip that claims to be a DOCX: <c>[Content_Types].xml</c> and a <c>word/document.xml</c> of 500 MB of
    /// zeros, compressed to well under 1 MB (built once, streamed: never 500 MB in memory).</summary>
    public static byte[] DocxZipBomb() => ZipBomb.Value;

    /// <summary>A zip bomb that lies: its <c>word/document.xml</c> expands to 50 MB of zeros while the zip headers
    /// (local and central) claim 1,000 bytes, so only decompressing for real reveals it.</summary>
    public static byte[] DocxZipBombWithLyingSizes()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Optimal).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 50; i++)
            {
                entry.Write(zeros);
            }
        }

        var bytes = buffer.ToArray();
        var span = bytes.AsSpan();
        for (var i = 0; i + 30 < span.Length; i++)
        {
            if (span[i..].StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
            {
                BitConverter.TryWriteBytes(span.Slice(i + 22, 4), 1000u); // local header: uncompressed size
            }
            else if (span[i..].StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x01, 0x02]))
            {
                BitConverter.TryWriteBytes(span.Slice(i + 24, 4), 1000u); // central directory: uncompressed size
            }
        }

        return bytes;
    }

    /// <summary>A zip file (valid) that is not a Word document: it has no <c>[Content_Types].xml</c> or document part.</summary>
    public static byte[] ZipThatIsNotDocx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            writer.Write("just a zip");
        }

        return buffer.ToArray();
    }

    /// <summary>A DOCX whose zip bytes were damaged after the header (central directory and most entries gone).</summary>
    public static byte[] CorruptDocx()
    {
        var whole = Docx(("Heading", 1, EnglishText(2000)));
        return whole[..(whole.Length / 3)];
    }

    // ---------------------------------------------------------------- Markdown, HTML

    /// <summary>Markdown with an ATX heading (<c>#</c> × level, level 1–6) per section that has one, then its text as a paragraph.</summary>
    public static byte[] Markdown(params (string? Heading, int Level, string Text)[] sections)
    {
        var sb = new StringBuilder();
        foreach (var (heading, level, text) in sections)
        {
            if (heading is not null)
            {
                sb.Append('#', Math.Clamp(level, 1, 6)).Append(' ').Append(heading).Append("\n\n");
            }

            if (text.Length > 0)
            {
                sb.Append(text).Append("\n\n");
            }
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A whole HTML page: <c>h1</c>–<c>h6</c> per section that has a heading, text in <c>p</c> elements (one per
    /// line), plus the noise real pages have — a script, a style sheet, a nav bar and a noscript — that parsing must drop.</summary>
    public static byte[] Html(params (string? Heading, int Level, string Text)[] sections)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"zh\">\n<head><meta charset=\"utf-8\"><title>Test page</title>\n");
        sb.Append("<style>body { font-family: sans-serif; } .hidden { display: none; }</style>\n");
        sb.Append("<script>var tracking = 'SCRIPT-NOISE'; console.log(tracking);</script>\n</head>\n<body>\n");
        sb.Append("<nav><ul><li><a href=\"/\">NAV-NOISE Home</a></li><li><a href=\"/about\">About</a></li></ul></nav>\n");
        sb.Append("<noscript>NOSCRIPT-NOISE enable JavaScript</noscript>\n<main>\n");
        foreach (var (heading, level, text) in sections)
        {
            if (heading is not null)
            {
                var h = Math.Clamp(level, 1, 6);
                sb.Append("<h").Append(h).Append('>').Append(System.Net.WebUtility.HtmlEncode(heading)).Append("</h").Append(h).Append(">\n");
            }

            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                sb.Append("  <p>").Append(System.Net.WebUtility.HtmlEncode(line)).Append("</p>\n");
            }
        }

        sb.Append("</main>\n<script>document.title = 'SCRIPT-NOISE';</script>\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    // ---------------------------------------------------------------- helpers

    private static bool IsLatin1(string text) => text.All(c => c is '\n' or (>= ' ' and <= '~') or (>= '\u00A0' and <= '\u00FF'));

    private static IEnumerable<string> WrapLines(string text, int width)
    {
        foreach (var paragraph in text.Split('\n'))
        {
            var rest = paragraph.TrimEnd();
            while (rest.Length > width)
            {
                var cut = rest.LastIndexOf(' ', width);
                if (cut <= 0)
                {
                    cut = width;
                }

                yield return rest[..cut];
                rest = rest[cut..].TrimStart();
            }

            yield return rest;
        }
    }

    private static byte[] HelveticaPdf(string[] texts)
    {
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in texts)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = PageHeight - Margin - 10;
            foreach (var line in WrapLines(text, 95))
            {
                if (line.Length > 0)
                {
                    page.AddText(line, 10, new PdfPoint(Margin, y), font);
                }

                y -= 13;
            }
        }

        return builder.Build();
    }

    /// <summary>Pages drawn with a non-embedded Type0 font: Identity-H, CIDs equal to UTF-16 code units, a ToUnicode map back.</summary>
    private static byte[] UnicodePdf(string[] texts)
    {
        var pageCount = texts.Length;
        var used = new SortedSet<char>(texts.SelectMany(t => t).Where(c => c != '\n' && !char.IsSurrogate(c)));
        used.Add(' ');

        // Objects: 1 catalog, 2 pages, 3 Type0 font, 4 CID font, 5 descriptor, 6 ToUnicode; then per page: page, contents.
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(' ', Enumerable.Range(0, pageCount).Select(i => $"{7 + (2 * i)} 0 R")) + $"] /Count {pageCount} >>",
            "<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKsc-Regular /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKsc-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /CIDToGIDMap /Identity >>",
            "<< /Type /FontDescriptor /FontName /NotoSansCJKsc-Regular /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
            StreamObject(ToUnicodeCMap(used)),
        };
        foreach (var text in texts)
        {
            var pageObject = objects.Count + 1;
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PageWidth} {PageHeight}] /Resources << /Font << /F1 3 0 R >> >> /Contents {pageObject + 1} 0 R >>");
            var content = new StringBuilder();
            var y = PageHeight - Margin - 10;
            foreach (var line in WrapLines(text, 50))
            {
                if (line.Length > 0)
                {
                    content.Append($"BT /F1 10 Tf {Margin} {y} Td <");
                    foreach (var c in line)
                    {
                        content.Append(((int)(char.IsSurrogate(c) ? '?' : c)).ToString("X4"));
                    }

                    content.Append("> Tj ET\n");
                }

                y -= 13;
            }

            objects.Add(StreamObject(content.ToString()));
        }

        return WritePdf(objects, "");
    }

    private static string ToUnicodeCMap(IReadOnlyCollection<char> chars)
    {
        var sb = new StringBuilder();
        sb.Append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
        sb.Append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n");
        sb.Append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        foreach (var block in chars.Chunk(100))
        {
            sb.Append(block.Length).Append(" beginbfchar\n");
            foreach (var c in block)
            {
                sb.Append($"<{(int)c:X4}> <{(int)c:X4}>\n");
            }

            sb.Append("endbfchar\n");
        }

        sb.Append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend");
        return sb.ToString();
    }

    private static string StreamObject(string content) =>
        $"<< /Length {Encoding.Latin1.GetByteCount(content)} >>\nstream\n{content}\nendstream";

    /// <summary>Writes numbered objects (1..n), a cross-reference table and a trailer; all text is Latin-1.</summary>
    private static byte[] WritePdf(IReadOnlyList<string> objects, string trailerExtra)
    {
        using var pdf = new MemoryStream();
        void Write(string s) => pdf.Write(Encoding.Latin1.GetBytes(s));

        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new long[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            offsets[i] = pdf.Position;
            Write($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Position;
        var sb = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            sb.Append($"{offset:D10} 00000 n \n");
        }

        sb.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R {trailerExtra} >>\nstartxref\n{xref}\n%%EOF\n");
        Write(sb.ToString());
        return pdf.ToArray();
    }

    private static byte[] BuildDocx(IEnumerable<(string? Heading, int Level, string Text)> paragraphs, string[][]? table)
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var stylesPart = main.AddNewPart<StyleDefinitionsPart>();
            stylesPart.Styles = HeadingStyles();
            var body = new Body();
            foreach (var (heading, level, text) in paragraphs)
            {
                if (heading is not null)
                {
                    body.Append(new Paragraph(
                        new ParagraphProperties(new ParagraphStyleId { Val = level <= 0 ? "Title" : $"Heading{Math.Min(level, 9)}" }),
                        new Run(new Text(heading) { Space = SpaceProcessingModeValues.Preserve })));
                }

                foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    body.Append(new Paragraph(new Run(new Text(line) { Space = SpaceProcessingModeValues.Preserve })));
                }
            }

            if (table is not null)
            {
                var t = new Table(new TableProperties(new TableBorders()));
                foreach (var row in table)
                {
                    t.Append(new TableRow(row.Select(cell => new TableCell(new Paragraph(new Run(new Text(cell)))))));
                }

                body.Append(t);
            }

            body.Append(new SectionProperties());
            main.Document = new Document(body);
        }

        return buffer.ToArray();
    }

    private static Styles HeadingStyles()
    {
        var styles = new Styles(new Style(new StyleName { Val = "Normal" }) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true });
        styles.Append(new Style(new StyleName { Val = "Title" }, new BasedOn { Val = "Normal" }) { Type = StyleValues.Paragraph, StyleId = "Title" });
        for (var level = 1; level <= 9; level++)
        {
            styles.Append(new Style(
                new StyleName { Val = $"heading {level}" },
                new BasedOn { Val = "Normal" },
                new StyleParagraphProperties(new OutlineLevel { Val = level - 1 }))
            { Type = StyleValues.Paragraph, StyleId = $"Heading{level}" });
        }

        return styles;
    }

    private static byte[] BuildDocxZipBomb()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                types.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
            }

            using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Optimal).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 500; i++)
            {
                entry.Write(zeros);
            }
        }

        return buffer.ToArray();
    }
}
