using StarStudio.Core.Common;

namespace StarStudio.Core.Knowledge.Parsing;

/// <summary>Decides what kind of knowledge file an upload is: by its extension, then confirmed by its content.</summary>
/// <remarks>
/// Error codes (field <c>File</c>): <c>Knowledge.File.Unsupported</c> (argument: the extension),
/// <c>Knowledge.File.Mismatch</c> (argument: the extension) and <c>Knowledge.File.Empty</c>.
/// </remarks>
public static class KnowledgeFileKinds
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs to see (more are ignored).</summary>
    public const int HeadLength = 8 * 1024;

    /// <summary>The extensions the pipeline accepts, lower case with the dot.</summary>
    public static readonly IReadOnlyList<string> SupportedExtensions = [".pdf", ".docx", ".txt", ".md", ".markdown", ".html", ".htm"];

    /// <summary>How far into the file a PDF's <c>%PDF-</c> header may start: readers (Acrobat, PdfPig) accept it
    /// anywhere in the first 1,024 bytes, after a byte-order mark or a mail gateway's junk.</summary>
    private const int MaxPdfHeaderOffset = 1024;

    /// <summary>The kind for a file name's extension, or null when it is not one the pipeline reads.</summary>
    public static KnowledgeFileKind? FromExtension(string? fileName) =>
        Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
        {
            ".pdf" => KnowledgeFileKind.Pdf,
            ".docx" => KnowledgeFileKind.Docx,
            ".txt" => KnowledgeFileKind.Text,
            ".md" or ".markdown" => KnowledgeFileKind.Markdown,
            ".html" or ".htm" => KnowledgeFileKind.Html,
            _ => null,
        };

    /// <summary>
    /// The kind of <paramref name="fileName"/> when its first bytes (<paramref name="head"/>, e.g. the first
    /// <see cref="HeadLength"/> bytes) agree with its extension: a PDF has <c>%PDF-</c> in its first 1,024 bytes, a DOCX
    /// is a zip, text, Markdown and HTML are text in a charset <see cref="TextEncodings"/> recognizes (UTF-8, UTF-16 with a
    /// byte-order mark, GBK/GB18030 and other legacy charsets).
    /// </summary>
    public static Result<KnowledgeFileKind> Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        if (FromExtension(fileName) is not { } kind)
        {
            return Result<KnowledgeFileKind>.Invalid("File", "Knowledge.File.Unsupported", extension);
        }

        if (head.IsEmpty)
        {
            return Result<KnowledgeFileKind>.Invalid("File", "Knowledge.File.Empty");
        }

        if (head.Length > HeadLength)
        {
            head = head[..HeadLength];
        }

        var matches = kind switch
        {
            KnowledgeFileKind.Pdf => LooksLikePdf(head),
            KnowledgeFileKind.Docx => LooksLikeZip(head),
            // A PDF or a zip renamed to .txt decodes as legacy-charset "text" often enough: their signatures say otherwise.
            _ => !head.TrimStart(" \t\r\n"u8).StartsWith("%PDF-"u8) && !LooksLikeZip(head) && TextEncodings.IsText(head),
        };

        return matches
            ? Result<KnowledgeFileKind>.Ok(kind)
            : Result<KnowledgeFileKind>.Invalid("File", "Knowledge.File.Mismatch", extension);
    }

    internal static bool LooksLikePdf(ReadOnlySpan<byte> head)
    {
        var window = head[..Math.Min(head.Length, MaxPdfHeaderOffset + 5)];
        return window.IndexOf("%PDF-"u8) >= 0;
    }

    internal static bool LooksLikeZip(ReadOnlySpan<byte> head) => head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]);
}
