using System.Buffers;
using System.Text;
using UtfUnknown;

namespace StarStudio.Core.Knowledge.Parsing;

/// <summary>
/// Which character set a text file (TXT, Markdown, HTML) is in, and its decoding: a byte-order mark first (UTF-8,
/// UTF-16 LE/BE, UTF-32 LE), then valid UTF-8, then a statistical guess (UTF.Unknown) among legacy charsets —
/// GBK/GB18030 above all, as Chinese users' older files are. Binary content is not text in any of them.
/// </summary>
public static class TextEncodings
{
    /// <summary>How many leading bytes the statistical guess looks at.</summary>
    public const int SniffLength = 64 * 1024;

    /// <summary>Share of control characters (other than tab, newlines and form feed) above which decoded content is binary.</summary>
    private const double MaxControlShare = 0.01;

    static TextEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding of <paramref name="head"/> (the file's first bytes) and the length of its byte-order mark,
    /// or null when the bytes are not text in any charset recognized.</summary>
    public static (Encoding Encoding, int BomLength)? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (Utf8(strict: false), 3);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2);
        }

        if (head.Contains((byte)0))
        {
            return null; // UTF-16 without a mark is not guessed: NUL bytes mean binary here
        }

        if (head.Length > SniffLength)
        {
            head = head[..SniffLength];
        }

        if (IsUtf8(head))
        {
            return (Utf8(strict: false), 0);
        }

        return GuessLegacy(head) is { } legacy ? (legacy, 0) : null;
    }

    /// <summary>True when <paramref name="head"/> is text by <see cref="Detect"/>.</summary>
    public static bool IsText(ReadOnlySpan<byte> head) => Detect(head) is not null;

    /// <summary>The whole content as text in its detected charset, byte-order mark removed; bytes that are invalid in
    /// that charset (a truncated last character, stray bytes) are dropped rather than turned into U+FFFD.
    /// Content that is not text decodes as UTF-8 the same way.</summary>
    public static string Decode(ReadOnlySpan<byte> content)
    {
        var (encoding, bom) = Detect(content) ?? (Utf8(strict: false), 0);
        var lenient = (Encoding)encoding.Clone();
        lenient.DecoderFallback = new DecoderReplacementFallback("");
        return lenient.GetString(content[bom..]);
    }

    /// <summary>Valid UTF-8; a sequence cut off at the end (the head may end mid-character) is not held against it.</summary>
    internal static bool IsUtf8(ReadOnlySpan<byte> head)
    {
        while (!head.IsEmpty)
        {
            var ascii = head.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (ascii < 0)
            {
                return true;
            }

            head = head[ascii..];
            var status = Rune.DecodeFromUtf8(head, out _, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
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

    private static Encoding? GuessLegacy(ReadOnlySpan<byte> head)
    {
        // Short Chinese text gives a statistical detector too little to go on ("知识库" is six bytes); text that is valid
        // GB18030 and reads as Chinese is taken as such — the users' likeliest legacy charset by far.
        var gb18030 = Encoding.GetEncoding("GB18030");
        if (ReadsAsChinese(head, gb18030) is { } chinese)
        {
            return MostlyControls(chinese) ? null : gb18030;
        }

        var result = CharsetDetector.DetectFromBytes(head.ToArray());
        var name = result.Detected?.EncodingName;
        if (string.IsNullOrEmpty(name) || result.Detected!.Confidence < 0.2f)
        {
            return null;
        }

        Encoding encoding;
        try
        {
            // GB2312 and GBK are subsets of GB18030: decoding as the superset loses nothing.
            encoding = name.ToLowerInvariant() switch
            {
                "gb2312" or "gbk" or "gb18030" or "cp936" or "x-cp20936" => Encoding.GetEncoding("GB18030"),
                "ascii" or "utf-8" => Utf8(strict: false),
                _ => Encoding.GetEncoding(name),
            };
        }
        catch (ArgumentException)
        {
            return null; // a charset .NET does not have
        }

        if (encoding is UnicodeEncoding or UTF32Encoding)
        {
            return null; // without a mark, UTF-16 has NUL bytes and was refused above; a guess of it is wrong
        }

        var text = DecodeStrictly(head, encoding);
        if (text is null)
        {
            return null;
        }

        return MostlyControls(text) ? null : encoding;
    }

    /// <summary>More control characters (other than tab, newlines and form feed) than text has: binary content.</summary>
    private static bool MostlyControls(string text)
    {
        var controls = 0;
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f'))
            {
                controls++;
            }
        }

        return controls > text.Length * MaxControlShare;
    }

    /// <summary>The text when it decodes strictly (a character cut off at the end aside) and at least nine in ten non-ASCII characters are
    /// CJK ideographs or CJK punctuation.</summary>
    private static string? ReadsAsChinese(ReadOnlySpan<byte> head, Encoding encoding)
    {
        var text = DecodeStrictly(head, encoding);
        if (text is null)
        {
            return null;
        }

        int nonAscii = 0, cjk = 0;
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                continue;
            }

            nonAscii++;
            if (c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u3000' and <= '\u303F') or (>= '\uFF00' and <= '\uFFEF'))
            {
                cjk++;
            }
        }

        return nonAscii > 0 && cjk * 10 >= nonAscii * 9 ? text : null;
    }

    /// <summary>The text, or null when a byte is invalid; up to three trailing bytes (a character the head cut off) may be dropped.</summary>
    private static string? DecodeStrictly(ReadOnlySpan<byte> head, Encoding encoding)
    {
        var strict = Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        for (var cut = 0; cut <= 3 && cut < head.Length; cut++)
        {
            try
            {
                return strict.GetString(head[..^cut]);
            }
            catch (DecoderFallbackException)
            {
            }
        }

        return null;
    }

    private static UTF8Encoding Utf8(bool strict) => new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: strict);
}
