using System.Buffers.Binary;

namespace StarStudio.Parsing.Cards;

/// <summary>An image's width and height read from its header, never decoding pixels: what a browser would have to
/// allocate to show it.</summary>
internal static class ImageHeader
{
    /// <summary>Width and height, or null when the header cannot be read.</summary>
    public static (int Width, int Height)? Dimensions(ReadOnlySpan<byte> image, string contentType) => contentType switch
    {
        "image/png" => PngCardReader.Dimensions(image),
        "image/gif" when image.Length >= 10 => (BinaryPrimitives.ReadUInt16LittleEndian(image[6..]), BinaryPrimitives.ReadUInt16LittleEndian(image[8..])),
        "image/jpeg" => Jpeg(image),
        "image/webp" => WebP(image),
        _ => null,
    };

    /// <summary>The first start-of-frame marker's size, walking the marker segments.</summary>
    private static (int, int)? Jpeg(ReadOnlySpan<byte> jpeg)
    {
        var offset = 2;
        while (offset + 9 < jpeg.Length)
        {
            if (jpeg[offset] != 0xFF)
            {
                return null;
            }

            var marker = jpeg[offset + 1];
            if (marker == 0xFF)
            {
                offset++;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(offset + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(jpeg[(offset + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(jpeg[(offset + 5)..]));
            }

            offset += 2 + length;
        }

        return null;
    }

    private static (int, int)? WebP(ReadOnlySpan<byte> webp)
    {
        if (webp.Length < 30)
        {
            return null;
        }

        var chunk = webp.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + (webp[24] | (webp[25] << 8) | (webp[26] << 16)), 1 + (webp[27] | (webp[28] << 8) | (webp[29] << 16)));
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(webp[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(webp[28..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(webp[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        return null;
    }
}
