using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace StarStudio.Core.Cards;

/// <summary>Writes a PNG card: the star's avatar (when it is a PNG) or a plain generated one, with the card in a
/// <c>chara</c> (V2) and a <c>ccv3</c> (V3) tEXt chunk, each base64 of UTF-8 JSON, before IEND.</summary>
public static class PngCardWriter
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The image with the card chunks: <paramref name="avatar"/> if it is a well-formed PNG (its own card
    /// chunks replaced), else a 400 × 600 image in StarStudio's indigo.</summary>
    public static byte[] Write(byte[]? avatar, byte[] v2Json, byte[] v3Json)
    {
        var chunks = avatar is not null ? Chunks(avatar) : null;
        chunks ??= Chunks(Solid(400, 600, 0x3F, 0x51, 0xB5))!;
        using var output = new MemoryStream();
        output.Write(Signature);
        foreach (var (type, data) in chunks)
        {
            if (type == "IEND")
            {
                WriteChunk(output, "tEXt", Text("chara", v2Json));
                WriteChunk(output, "tEXt", Text("ccv3", v3Json));
            }

            WriteChunk(output, type, data);
        }

        return output.ToArray();
    }

    /// <summary>A solid-colour RGB PNG (no image library: the rows are zlib-compressed with System.IO.Compression).</summary>
    public static byte[] Solid(int width, int height, byte r, byte g, byte b)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB

        var row = new byte[1 + (width * 3)];
        for (var x = 0; x < width; x++)
        {
            row[1 + (x * 3)] = r;
            row[2 + (x * 3)] = g;
            row[3 + (x * 3)] = b;
        }

        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        using var output = new MemoryStream();
        output.Write(Signature);
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", pixels.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The chunks up to IEND without card text chunks; null when the bytes are not a well-formed PNG.</summary>
    private static List<(string Type, byte[] Data)>? Chunks(byte[] png)
    {
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            return null;
        }

        var chunks = new List<(string, byte[])>();
        var offset = Signature.Length;
        while (png.Length - offset >= 12)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            if (length > (uint)(png.Length - offset - 12))
            {
                return null;
            }

            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, (int)length).ToArray();
            if (!(type is "tEXt" or "zTXt" or "iTXt" && IsCardKeyword(data)))
            {
                chunks.Add((type, data));
            }

            offset += 12 + (int)length;
            if (type == "IEND")
            {
                return chunks;
            }
        }

        return null;
    }

    private static bool IsCardKeyword(byte[] data)
    {
        var end = Array.IndexOf(data, (byte)0);
        var keyword = end > 0 ? Encoding.Latin1.GetString(data, 0, end) : "";
        return keyword is "chara" or "ccv3" || keyword.StartsWith("chara-ext-asset_", StringComparison.Ordinal);
    }

    private static byte[] Text(string keyword, byte[] json)
    {
        var base64 = Convert.ToBase64String(json);
        var data = new byte[keyword.Length + 1 + base64.Length];
        Encoding.Latin1.GetBytes(keyword, data);
        Encoding.ASCII.GetBytes(base64, data.AsSpan(keyword.Length + 1));
        return data;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc(0xFFFFFFFF, typeBytes);
        crc = Crc(crc, data) ^ 0xFFFFFFFF;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
