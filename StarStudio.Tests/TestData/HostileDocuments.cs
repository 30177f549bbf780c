using System.IO.Compression;
using System.Text;

namespace StarStudio.Tests.TestData;

/// <summary>Small files built in memory that attack a parser: nesting that overflows a recursive tree load,
/// decompression bombs, input that makes a naive regex quadratic. None is larger than a few MB.</summary>
public static class HostileDocuments
{
    private const string WordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    private static readonly Lazy<byte[]> DocxBomb = new(BuildDocxFlateBomb);
    private static readonly Lazy<byte[]> PdfBomb = new(() => BuildPdfFlateBomb(labelledImage: false));
    private static readonly Lazy<byte[]> PdfImageBomb = new(() => BuildPdfFlateBomb(labelledImage: true));

    /// <summary>A DOCX whose body nests <paramref name="levels"/> content controls (<c>w:sdt</c> → <c>w:sdtContent</c>,
    /// two XML levels each), with a little noise per level (properties, an alias) and one paragraph at the bottom.</summary>
    public static byte[] DeepDocx(int levels)
    {
        var xml = new StringBuilder(levels * 96);
        xml.Append($"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"{WordNs}\"><w:body>");
        for (var i = 0; i < levels; i++)
        {
            xml.Append("<w:sdt><w:sdtPr><w:alias w:val=\"a").Append(i % 97).Append("\"/><w:id w:val=\"").Append(i).Append("\"/></w:sdtPr><w:sdtContent>");
        }

        xml.Append("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
        for (var i = 0; i < levels; i++)
        {
            xml.Append("</w:sdtContent></w:sdt>");
        }

        xml.Append("</w:body></w:document>");
        return Docx(zip =>
        {
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml", CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
            writer.Write(xml.ToString());
        });
    }

    /// <summary>HTML nesting <paramref name="levels"/> <c>div</c> elements around one line of text.</summary>
    public static byte[] DeepHtml(int levels) =>
        Encoding.UTF8.GetBytes("<html><body>" + string.Concat(Enumerable.Repeat("<div>", levels)) + "deep text"
            + string.Concat(Enumerable.Repeat("</div>", levels)) + "</body></html>");

    /// <summary>Markdown nesting <paramref name="levels"/> block quotes (<c>&gt;&gt;&gt;…</c>).</summary>
    public static byte[] DeepMarkdown(int levels) => Encoding.UTF8.GetBytes(new string('>', levels) + " deep text\n");

    /// <summary>Markdown whose raw HTML block is <paramref name="chars"/> <c>&lt;</c> characters with no <c>&gt;</c>: a
    /// tag-stripping regex rescans the rest of the block from every one of them.</summary>
    public static byte[] LessThanFloodMarkdown(int chars) =>
        Encoding.UTF8.GetBytes("# Flood\n\nSome text.\n\n<div " + new string('<', chars) + "\n");

    /// <summary>A DOCX whose <c>word/document.xml</c> inflates to 1 GiB (of spaces after a start tag), about 1 MB zipped.</summary>
    public static byte[] DocxFlateBomb() => DocxBomb.Value;

    /// <summary>A one-page PDF whose content stream is 1 GiB of zeros behind <c>/FlateDecode</c>, about 1 MB on disk.</summary>
    public static byte[] PdfFlateBomb() => PdfBomb.Value;

    /// <summary>The same bomb with its stream dictionary saying <c>/Subtype /Image</c> (so a guard that skips images lets
    /// it pass) while the page still uses it as its content stream.</summary>
    public static byte[] PdfFlateBombLabelledAsImage() => PdfImageBomb.Value;

    private static byte[] Docx(Action<ZipArchive> addDocument)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                types.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
            }

            using (var rels = new StreamWriter(zip.CreateEntry("_rels/.rels").Open()))
            {
                rels.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>");
            }

            addDocument(zip);
        }

        return buffer.ToArray();
    }

    private static byte[] BuildDocxFlateBomb() =>
        Docx(zip =>
        {
            using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Optimal).Open();
            entry.Write(Encoding.UTF8.GetBytes($"<w:document xmlns:w=\"{WordNs}\"><w:body>"));
            var spaces = new byte[1024 * 1024];
            spaces.AsSpan().Fill((byte)' ');
            for (var i = 0; i < 1024; i++)
            {
                entry.Write(spaces);
            }
        });

    private static byte[] BuildPdfFlateBomb(bool labelledImage)
    {
        byte[] deflated;
        using (var buffer = new MemoryStream())
        {
            using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                var zeros = new byte[1024 * 1024];
                for (var i = 0; i < 1024; i++)
                {
                    zlib.Write(zeros);
                }
            }

            deflated = buffer.ToArray();
        }

        using var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string s) => pdf.Write(Encoding.Latin1.GetBytes(s));
        void Object(string body)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }

        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>");
        offsets.Add(pdf.Position);
        Write($"4 0 obj\n<< /Length {deflated.Length} /Filter /FlateDecode{(labelledImage ? " /Subtype /Image /Width 1 /Height 1" : "")} >>\nstream\n");
        pdf.Write(deflated);
        Write("\nendstream\nendobj\n");
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        var xref = pdf.Position;
        var sb = new StringBuilder($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            sb.Append($"{offset:D10} 00000 n \n");
        }

        sb.Append($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(sb.ToString());
        return pdf.ToArray();
    }
}
