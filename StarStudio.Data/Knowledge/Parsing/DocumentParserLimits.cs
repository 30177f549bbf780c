namespace StarStudio.Data.Knowledge.Parsing;

/// <summary>How long parsing may take and how far a DOCX may expand before <see cref="DocumentParser"/> gives up.</summary>
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
}
