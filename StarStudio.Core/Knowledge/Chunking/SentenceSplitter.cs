namespace StarStudio.Core.Knowledge.Chunking;

/// <summary>Where a sentence lies in a text: <c>[Start, End)</c>, with its terminator, closing quotes and the whitespace after it.</summary>
public readonly record struct SentenceSpan(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Splits Chinese, English and mixed text into sentences in one pass: at <c>。！？；</c> (always), at <c>!</c> and
/// <c>?</c> followed by whitespace, the end or a CJK character, at a <c>.</c> or <c>…</c> that ends a sentence
/// (not <c>3.14</c>, <c>www.example.com</c>, <c>e.g. this</c>, <c>Dr. Wang</c>, <c>J. Smith</c>, or a list number
/// <c>1.</c>), and at line breaks.
/// </summary>
/// <remarks>The spans cover the text without gaps: the first starts at 0, each starts where the previous ended, and
/// the last ends at the text's length (whitespace belongs to the sentence before it).</remarks>
public static class SentenceSplitter
{
    /// <summary>Words that end with a period without ending the sentence (compared case-insensitively, without the dot).</summary>
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "cf", "fig", "figs", "no", "nos", "vol", "vols",
        "approx", "dept", "est", "al", "eq", "eqs", "ca", "ch", "sec", "pp", "p", "e.g", "i.e", "eg", "ie",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
    };

    private const int MaxAbbreviationLookBack = 12;

    /// <summary>The sentences of <paramref name="text"/>; empty for an empty text.</summary>
    public static IReadOnlyList<SentenceSpan> Split(ReadOnlySpan<char> text)
    {
        var spans = new List<SentenceSpan>(Math.Max(4, text.Length / 60));
        Split(text, spans);
        return spans;
    }

    /// <summary>Appends the sentences of <paramref name="text"/> to <paramref name="into"/>.</summary>
    public static void Split(ReadOnlySpan<char> text, List<SentenceSpan> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var n = text.Length;
        var start = 0;
        var i = 0;
        while (i < n)
        {
            var end = SentenceEndAt(text, i);
            if (end < 0)
            {
                i++;
                continue;
            }

            while (end < n && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            into.Add(new SentenceSpan(start, end));
            start = end;
            i = end;
        }

        if (start < n)
        {
            into.Add(new SentenceSpan(start, n));
        }
    }

    /// <summary>Whether <paramref name="c"/> is a CJK ideograph, kana, hangul or full-width form.</summary>
    public static bool IsCjk(char c) =>
        c >= '\u2E80' && (c <= '\u9FFF' || c is >= '\uAC00' and <= '\uD7AF' || c is >= '\uF900' and <= '\uFAFF' || c is >= '\uFF00' and <= '\uFFEF');

    /// <summary>When a sentence ends at <paramref name="i"/>, the index after its terminator and closing marks; otherwise -1.</summary>
    private static int SentenceEndAt(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (c == '\n')
        {
            return i + 1;
        }

        if (IsCjkTerminator(c))
        {
            return SkipClosers(text, SkipTerminators(text, i));
        }

        if (c is '!' or '?')
        {
            var end = SkipClosers(text, SkipTerminators(text, i));
            return EndsHere(text, end) ? end : -1;
        }

        if (c is '.' or '…')
        {
            var runEnd = SkipTerminators(text, i);
            var end = SkipClosers(text, runEnd);
            if (!EndsHere(text, end))
            {
                return -1;
            }

            // A lone period after an abbreviation, an initial or a list number, or before a lower-case word, does not end a sentence.
            if (c == '.' && runEnd == i + 1 && (IsAbbreviationOrNumber(text, i) || NextWordIsLowerCase(text, end)))
            {
                return -1;
            }

            return end;
        }

        return -1;
    }

    private static bool IsCjkTerminator(char c) => c is '。' or '！' or '？' or '；' or '｡';

    private static bool IsTerminator(char c) => c is '.' or '!' or '?' or '…' || IsCjkTerminator(c);

    private static bool IsCloser(char c) =>
        c is '"' or '\'' or ')' or ']' or '”' or '’' or '」' or '』' or '）' or '】' or '》' or '〉' or '〕' or '］';

    private static int SkipTerminators(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && IsTerminator(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipClosers(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && IsCloser(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>A Latin terminator ends a sentence only before whitespace, the end, or CJK text.</summary>
    private static bool EndsHere(ReadOnlySpan<char> text, int end) =>
        end >= text.Length || char.IsWhiteSpace(text[end]) || IsCjk(text[end]);

    /// <summary>The word before the period at <paramref name="dot"/> is a known abbreviation, a single letter, or a list number at a line start.</summary>
    private static bool IsAbbreviationOrNumber(ReadOnlySpan<char> text, int dot)
    {
        var wordStart = dot;
        while (wordStart > 0 && dot - wordStart < MaxAbbreviationLookBack && (char.IsLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] == '.') && !IsCjk(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text[wordStart..dot];
        if (word.IsEmpty)
        {
            return false;
        }

        if (word.Length == 1 && char.IsLetter(word[0]))
        {
            return true; // an initial: "J. Smith", or the last letter of "e.g."
        }

        if (IsAllDigits(word))
        {
            // "1. Introduction" at the start of a line is a list number, not a sentence.
            var before = wordStart - 1;
            while (before >= 0 && text[before] is ' ' or '\t')
            {
                before--;
            }

            return word.Length <= 3 && (before < 0 || text[before] == '\n');
        }

        var lookup = Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.Contains(word);
    }

    private static bool IsAllDigits(ReadOnlySpan<char> word)
    {
        foreach (var ch in word)
        {
            if (!char.IsAsciiDigit(ch))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The next non-blank character on the same line is a lower-case letter ("approx. three").</summary>
    private static bool NextWordIsLowerCase(ReadOnlySpan<char> text, int end)
    {
        while (end < text.Length && text[end] is ' ' or '\t')
        {
            end++;
        }

        return end < text.Length && char.IsLower(text[end]);
    }
}
