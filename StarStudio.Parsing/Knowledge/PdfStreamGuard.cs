using System.IO.Compression;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Refuses a PDF whose Flate streams inflate past the limit, before PdfPig (which inflates a stream whole, into
/// one buffer) reads any: each stream is inflated once into nothing, counting, and stopped at the limit.</summary>
/// <remarks>Streams are found by their <c>stream</c> … <c>endstream</c> keywords, not by <c>/Length</c> (which a hostile
/// file can misstate); image streams are skipped, as text extraction does not decode them. Whatever slips past (an
/// image stream used as page content) meets the worker's memory cap.</remarks>
internal static class PdfStreamGuard
{
    private static ReadOnlySpan<byte> StreamKeyword => "stream"u8;
    private static ReadOnlySpan<byte> EndStreamKeyword => "endstream"u8;

    /// <summary>How far back from <c>stream</c> the stream's dictionary is looked for.</summary>
    private const int DictionaryWindow = 2048;

    public static void Check(ReadOnlyMemory<byte> content, DocumentParserLimits limits, ParseBudget budget)
    {
        var pdf = content.Span;
        var position = 0;
        var buffer = new byte[64 * 1024];
        while (position < pdf.Length)
        {
            var found = pdf[position..].IndexOf(StreamKeyword);
            if (found < 0)
            {
                return;
            }

            var keyword = position + found;
            position = keyword + StreamKeyword.Length;
            if (keyword >= 3 && pdf[(keyword - 3)..keyword].SequenceEqual("end"u8))
            {
                continue; // "endstream"
            }

            var dataStart = position;
            if (dataStart < pdf.Length && pdf[dataStart] == '\r')
            {
                dataStart++;
            }

            if (dataStart < pdf.Length && pdf[dataStart] == '\n')
            {
                dataStart++;
            }

            var end = pdf[dataStart..].IndexOf(EndStreamKeyword);
            var dataEnd = end < 0 ? pdf.Length : dataStart + end;
            position = dataEnd;

            var dictionary = pdf[Math.Max(0, keyword - DictionaryWindow)..keyword];
            var dictionaryStart = dictionary.LastIndexOf("<<"u8);
            if (dictionaryStart < 0)
            {
                continue;
            }

            dictionary = dictionary[dictionaryStart..];
            if (dictionary.IndexOf("/FlateDecode"u8) < 0 && dictionary.IndexOf("/Fl "u8) < 0 && dictionary.IndexOf("/Fl]"u8) < 0 && dictionary.IndexOf("/Fl/"u8) < 0)
            {
                continue;
            }

            if (dictionary.IndexOf("/Image"u8) >= 0)
            {
                continue;
            }

            budget.Check();
            var inflated = Inflate(content.Slice(dataStart, dataEnd - dataStart), limits.MaxPdfStreamBytes, buffer);
            if (inflated > limits.MaxPdfStreamBytes)
            {
                throw new DocumentParseException(
                    DocumentParseCodes.TooLarge,
                    $"The PDF is refused because one of its compressed streams expands to more than {limits.MaxPdfStreamBytes / (1024 * 1024)} MB; it may be a decompression bomb.");
            }
        }
    }

    /// <summary>How many bytes the stream inflates to, counting up to just past <paramref name="cap"/>; damaged data
    /// counts what inflated before the damage (PdfPig decides what to make of it).</summary>
    private static long Inflate(ReadOnlyMemory<byte> data, long cap, byte[] buffer)
    {
        long total = 0;
        try
        {
            using var zlib = new ZLibStream(InProcessDocumentParser.AsStream(data), CompressionMode.Decompress);
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                total += read;
                if (total > cap)
                {
                    break;
                }
            }
        }
        catch (InvalidDataException)
        {
        }

        return total;
    }
}
