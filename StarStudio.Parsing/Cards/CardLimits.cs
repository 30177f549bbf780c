namespace StarStudio.Parsing.Cards;

/// <summary>How large, deep and many the parts of a character card may be. Each limit is checked before the part is
/// decoded, decompressed or parsed (and again while reading, where a header could lie); docs/cards.md lists them.</summary>
public sealed record CardLimits
{
    /// <summary>The largest card file accepted (JSON, PNG or CHARX).</summary>
    public long MaxFileBytes { get; init; } = StarStudio.Core.Cards.CardImportMapping.MaxUploadBytes;

    /// <summary>The largest card JSON, after base64 decoding or decompression. Real cards with big lorebooks stay under 2 MB.</summary>
    public int MaxJsonBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>The deepest JSON nesting read; a card nests about 6 levels (card, data, book, entries, entry, extensions) plus
    /// whatever other tools put in <c>extensions</c>.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>The largest PNG text chunk read (<c>chara</c>/<c>ccv3</c> hold base64, 4/3 of the JSON).</summary>
    public int MaxTextChunkBytes { get; init; } = 12 * 1024 * 1024;

    /// <summary>The widest or tallest image kept as an avatar; the avatar is never decoded here, but a browser would.</summary>
    public int MaxAvatarSide { get; init; } = 4096;

    /// <summary>The most pixels an avatar may have: 16.7 million, 64 MB decoded as RGBA. A 1 GB decompressed image is
    /// 16384 × 16384; its card still imports, without the avatar.</summary>
    public long MaxAvatarPixels { get; init; } = 4096L * 4096;

    /// <summary>The most lorebook entries imported; the rest are dropped (and listed as dropped in the preview).</summary>
    public int MaxLoreEntries { get; init; } = 2000;

    /// <summary>The most entries a CHARX zip may have.</summary>
    public int MaxCharxEntries { get; init; } = 1000;

    /// <summary>The largest single CHARX entry, uncompressed (assets like audio or models are not read, only counted).</summary>
    public long MaxCharxEntryBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The most a CHARX may expand to, summed over its entries.</summary>
    public long MaxCharxTotalBytes { get; init; } = 128L * 1024 * 1024;
}
