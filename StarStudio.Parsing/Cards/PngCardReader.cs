using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StarStudio.Core.Cards;

namespace StarStudio.Parsing.Cards;

/// <summary>Walks a PNG's chunks (never its image data) for the card's text chunks: <c>ccv3</c> (V3, preferred) and
/// <c>chara</c> (V2/V1), each base64 of UTF-8 JSON, in <c>tEXt</c>, or in <c>zTXt</c>/<c>iTXt</c> (inflated with a cap).</summary>
internal static class PngCardReader
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The text chunks' keywords that carry a card (and the V3 asset chunks), which the avatar is stripped of.</summary>
    public static bool IsCardChunk(string keyword) =>
        keyword is "chara" or "ccv3" || keyword.StartsWith("chara-ext-asset_", StringComparison.Ordinal);

    /// <summary>The card's JSON bytes (ccv3 if present, else chara).</summary>
    public static byte[] ReadCardJson(ReadOnlySpan<byte> png, CardLimits limits)
    {
        string? chara = null;
        string? ccv3 = null;
        foreach (var chunk in Chunks(png))
        {
            var type = chunk.Type;
            if (type is not ("tEXt" or "zTXt" or "iTXt"))
            {
                continue;
            }

            var data = png.Slice(chunk.DataOffset, chunk.Length);
            var keywordEnd = data.IndexOf((byte)0);
            if (keywordEnd <= 0)
            {
                continue;
            }

            var keyword = Encoding.Latin1.GetString(data[..keywordEnd]);
            if (keyword is not ("chara" or "ccv3"))
            {
                continue;
            }

            if (chunk.Length > limits.MaxTextChunkBytes)
            {
                throw new CardParseException(
                    CardParseCodes.ChunkTooLarge,
                    $"The PNG's {keyword} chunk is {chunk.Length} bytes, over the limit of {limits.MaxTextChunkBytes}.",
                    CardJsonReader.Mb(limits.MaxTextChunkBytes));
            }

            var text = type switch
            {
                "tEXt" => Encoding.Latin1.GetString(data[(keywordEnd + 1)..]),
                "zTXt" => ZText(data[(keywordEnd + 1)..], limits),
                _ => IText(data[(keywordEnd + 1)..], limits),
            };
            if (text is null)
            {
                continue;
            }

            if (keyword == "ccv3")
            {
                ccv3 ??= text;
            }
            else
            {
                chara ??= text;
            }
        }

        var base64 = ccv3 ?? chara ?? throw new CardParseException(CardParseCodes.PngNoCard, "The PNG has no chara or ccv3 text chunk: it is an image, not a character card.");
        return DecodeBase64(base64, limits);
    }

    public static byte[] DecodeBase64(string base64, CardLimits limits)
    {
        if ((long)base64.Length * 3 / 4 > limits.MaxJsonBytes + 3)
        {
            throw new CardParseException(CardParseCodes.JsonTooLarge, "The card's JSON is over the limit.", CardJsonReader.Mb(limits.MaxJsonBytes));
        }

        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new CardParseException(CardParseCodes.InvalidBase64, "The card's text chunk is not valid base64.");
        }
    }

    /// <summary>Width and height from the IHDR chunk, which a PNG must start with; null when it does not.</summary>
    public static (int Width, int Height)? Dimensions(ReadOnlySpan<byte> png)
    {
        if (png.Length < 33 || !png.StartsWith(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        return ((int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(png[16..])), (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(png[20..])));
    }

    /// <summary>The PNG without its card chunks (the avatar does not need the card twice).</summary>
    public static byte[] StripCardChunks(ReadOnlySpan<byte> png)
    {
        using var output = new MemoryStream(png.Length);
        output.Write(Signature);
        foreach (var chunk in Chunks(png))
        {
            if (chunk.Type is "tEXt" or "zTXt" or "iTXt")
            {
                var data = png.Slice(chunk.DataOffset, chunk.Length);
                var keywordEnd = data.IndexOf((byte)0);
                if (keywordEnd > 0 && IsCardChunk(Encoding.Latin1.GetString(data[..keywordEnd])))
                {
                    continue;
                }
            }

            output.Write(png.Slice(chunk.DataOffset - 8, chunk.Length + 12));
        }

        return output.ToArray();
    }

    /// <summary>The chunks up to IEND; a chunk whose length runs past the end of the file is refused as truncated.</summary>
    public static List<PngChunk> Chunks(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(Signature))
        {
            throw new CardParseException(CardParseCodes.UnknownFormat, "Not a PNG file.");
        }

        var chunks = new List<PngChunk>();
        var offset = Signature.Length;
        while (offset < png.Length)
        {
            if (png.Length - offset < 12)
            {
                throw new CardParseException(CardParseCodes.PngTruncated, "The PNG ends in the middle of a chunk header.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            var type = Encoding.ASCII.GetString(png.Slice(offset + 4, 4));
            if (length > int.MaxValue || length > (ulong)(png.Length - offset - 12))
            {
                throw new CardParseException(CardParseCodes.PngTruncated, $"The PNG's {type} chunk says {length} bytes but the file ends before that.");
            }

            chunks.Add(new PngChunk(type, offset + 8, (int)length));
            offset += 12 + (int)length;
            if (type == "IEND")
            {
                break;
            }
        }

        return chunks;
    }

    /// <summary>zTXt: a compression method byte (0 = zlib), then the compressed text.</summary>
    private static string? ZText(ReadOnlySpan<byte> data, CardLimits limits) =>
        data.Length < 1 || data[0] != 0 ? null : Encoding.Latin1.GetString(Inflate(data[1..], limits));

    /// <summary>iTXt: compression flag, method, language tag\0, translated keyword\0, then UTF-8 text.</summary>
    private static string? IText(ReadOnlySpan<byte> data, CardLimits limits)
    {
        if (data.Length < 2)
        {
            return null;
        }

        var compressed = data[0] == 1;
        var rest = data[2..];
        var language = rest.IndexOf((byte)0);
        if (language < 0)
        {
            return null;
        }

        rest = rest[(language + 1)..];
        var translated = rest.IndexOf((byte)0);
        if (translated < 0)
        {
            return null;
        }

        rest = rest[(translated + 1)..];
        return Encoding.UTF8.GetString(compressed ? Inflate(rest, limits) : rest);
    }

    /// <summary>Inflates at most <see cref="CardLimits.MaxTextChunkBytes"/>, counting while reading, so a small chunk
    /// that inflates to gigabytes stops at the cap.</summary>
    private static byte[] Inflate(ReadOnlySpan<byte> compressed, CardLimits limits)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                if (output.Length + read > limits.MaxTextChunkBytes)
                {
                    throw new CardParseException(
                        CardParseCodes.ChunkTooLarge,
                        $"The PNG's compressed card chunk inflates to more than {limits.MaxTextChunkBytes} bytes.",
                        CardJsonReader.Mb(limits.MaxTextChunkBytes));
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            throw new CardParseException(CardParseCodes.PngTruncated, "The PNG's compressed card chunk is damaged.");
        }

        return output.ToArray();
    }
}

/// <summary>A PNG chunk: its type and where its data is.</summary>
internal readonly record struct PngChunk(string Type, int DataOffset, int Length);
