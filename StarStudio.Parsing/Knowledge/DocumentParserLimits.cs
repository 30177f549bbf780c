namespace StarStudio.Parsing.Knowledge;

/// <summary>How long parsing may take and how large or deep a document may be before the parser gives up. Each limit
/// is checked before the library that would build the document's tree sees the content.</summary>
public sealed record DocumentParserLimits
{
    /// <summary>One overall deadline per document; past it the parse fails with <c>Knowledge.Parse.Timeout</c>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The most a DOCX may expand to, summed over its zip entries.</summary>
    public long MaxDocxUncompressedBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>The most zip entries a DOCX may have.</summary>
    public int MaxDocxEntries { get; init; } = 10_000;

    /// <summary>The highest uncompressed-to-compressed ratio an entry larger than <see cref="CompressionRatioMinEntryBytes"/> may have.</summary>
    public double MaxDocxCompressionRatio { get; init; } = 100;

    /// <summary>Entries up to this size are not held to <see cref="MaxDocxCompressionRatio"/> (small XML parts compress very well).</summary>
    public long CompressionRatioMinEntryBytes { get; init; } = 1024 * 1024;

    /// <summary>The largest single XML part of a DOCX, uncompressed (counted while streaming it, whatever its header says).</summary>
    public long MaxDocxPartBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The deepest element nesting an XML part of a DOCX may have. Real documents stay under 40 (tables in
    /// tables, drawings in content controls); OpenXml's tree load recurses per level and overflows the stack near 40,000.</summary>
    public int MaxXmlDepth { get; init; } = 256;

    /// <summary>The deepest nesting of HTML elements or Markdown containers (quotes, lists) read; browsers stop
    /// nesting at 512 too.</summary>
    public int MaxMarkupDepth { get; init; } = 512;

    /// <summary>The most one Flate stream of a PDF (other than an image) may inflate to; page content is rarely over a few MB.</summary>
    public long MaxPdfStreamBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>The largest text, Markdown or HTML file read (its bytes; the text and the tree built from it are larger).</summary>
    public long MaxTextFileBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>The most characters of text one document may yield.</summary>
    public long MaxExtractedChars { get; init; } = 64L * 1024 * 1024;

    /// <summary>The limits of character card files (parsed by the same worker).</summary>
    public StarStudio.Parsing.Cards.CardLimits Cards { get; init; } = new();
}
