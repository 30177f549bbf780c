using System.Buffers;
using System.Text;
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

    /// <summary>Leading whitespace a PDF may have before its <c>%PDF-</c> header.</summary>
    private const int MaxPdfLeadingWhitespace = 64;

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
    /// <see cref="HeadLength"/> bytes) agree with its extension: a PDF starts with <c>%PDF-</c>, a DOCX is a zip,
    /// text, Markdown and HTML are UTF-8 (a BOM is fine) without NUL bytes.
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
            _ => LooksLikeUtf8Text(head),
        };

        return matches
            ? Result<KnowledgeFileKind>.Ok(kind)
            : Result<KnowledgeFileKind>.Invalid("File", "Knowledge.File.Mismatch", extension);
    }

    internal static bool LooksLikePdf(ReadOnlySpan<byte> head)
    {
        var skip = 0;
        while (skip < head.Length && skip < MaxPdfLeadingWhitespace && IsPdfWhitespace(head[skip]))
        {
            skip++;
        }

        return head[skip..].StartsWith("%PDF-"u8);
    }

    internal static bool LooksLikeZip(ReadOnlySpan<byte> head) => head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]);

    /// <summary>Valid UTF-8 and no NUL byte; a sequence cut off at the end of the head is not held against it.</summary>
    internal static bool LooksLikeUtf8Text(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        if (head.Contains((byte)0))
        {
            return false;
        }

        while (!head.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(head, out _, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                // Only a truncated last character: the head may end mid-sequence.
                return true;
            }

            if (status != OperationStatus.Done)
            {
                return false;
            }

            head = head[consumed..];
        }

        return true;
    }

    private static bool IsPdfWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f';
}
