using System.Globalization;
using System.Text;
using StarStudio.Core.Knowledge.Chunking;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Puts extracted text into the one shape the chunker sees.</summary>
/// <remarks>Newlines become <c>\n</c>; control characters other than <c>\n</c> and <c>\t</c> go, and so do the BOM, zero-width
/// spaces, word joiners and U+FFFD; a text of format characters alone is empty; runs of
/// spaces (any Unicode space separator) become one space; spaces and tabs at line starts and ends go; more than one
/// blank line becomes one; the whole text is trimmed.</remarks>
internal static class TextNormalizer
{
    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        var newlines = 0; // newlines seen since the last visible character
        var atLineStart = true;
        var visible = false; // a text of zero-width joiners and other format characters alone is empty
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    continue;
                }

                c = '\n';
            }
            else if (c is '\u2028' or '\u2029' or '\u0085' or '\f' or '\v')
            {
                c = '\n';
            }

            if (c == '\n')
            {
                newlines++;
                pendingSpace = false;
                atLineStart = true;
                continue;
            }

            if (c == '\t' || char.IsSeparator(c))
            {
                if (!atLineStart)
                {
                    if (c == '\t')
                    {
                        FlushSpace(sb, ref pendingSpace);
                        sb.Append('\t');
                    }
                    else
                    {
                        pendingSpace = true;
                    }
                }

                continue;
            }

            // Zero-width spaces, word joiners and BOMs carry nothing to index; U+FFFD is what a decoder left of bytes
            // it could not read (a truncated character), not text the author wrote.
            if (char.IsControl(c) || c is '\uFEFF' or '\u200B' or '\u2060' or '\uFFFD')
            {
                continue;
            }

            visible |= char.GetUnicodeCategory(c) != UnicodeCategory.Format;

            if (newlines > 0)
            {
                if (sb.Length > 0)
                {
                    TrimTrailingBlanks(sb);
                    sb.Append('\n', Math.Min(newlines, 2));
                }

                newlines = 0;
                pendingSpace = false;
            }
            else
            {
                FlushSpace(sb, ref pendingSpace);
            }

            atLineStart = false;
            sb.Append(c);
        }

        TrimTrailingBlanks(sb);
        return visible ? sb.ToString() : "";
    }

    /// <summary>Joins lines that a PDF wrapped in the middle of a sentence: Chinese to Chinese without a space,
    /// a word to a lower-case word with one; a blank line or a line ending a sentence stays.</summary>
    public static string UnwrapLines(string text)
    {
        if (text.IndexOf('\n') < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' && i > 0 && i + 1 < text.Length && text[i - 1] != '\n' && text[i + 1] != '\n')
            {
                var before = text[i - 1];
                var after = text[i + 1];
                if (SentenceSplitter.IsCjk(before) && SentenceSplitter.IsCjk(after) && char.IsLetter(before))
                {
                    continue;
                }

                if ((char.IsLetterOrDigit(before) || before is ',' or '-' or ':' or '(') && char.IsLower(after))
                {
                    if (before != '-')
                    {
                        sb.Append(' ');
                    }

                    continue;
                }
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Collapses a string to one line with single spaces (for headings).</summary>
    public static string SingleLine(string text) =>
        Normalize(text.Replace('\r', ' ').Replace('\n', ' ').Replace('\t', ' '));

    private static void FlushSpace(StringBuilder sb, ref bool pendingSpace)
    {
        if (pendingSpace && sb.Length > 0)
        {
            sb.Append(' ');
        }

        pendingSpace = false;
    }

    private static void TrimTrailingBlanks(StringBuilder sb)
    {
        while (sb.Length > 0 && sb[^1] is ' ' or '\t')
        {
            sb.Length--;
        }
    }
}
