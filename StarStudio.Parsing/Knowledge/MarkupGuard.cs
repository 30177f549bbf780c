using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Estimates how deep HTML or Markdown nests, in one linear pass over the text, before a parser builds a tree
/// of it; past the limit the document is refused (<c>Knowledge.Parse.TooDeep</c>). The estimate errs high (HTML end tags
/// a parser would infer are not inferred), never low.</summary>
internal static class MarkupGuard
{
    /// <summary>Elements that never hold children.</summary>
    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        "keygen", "frame", "basefont", "bgsound",
    };

    /// <summary>Elements whose end tag may be left out: the next sibling closes them, so they do not deepen the tree.</summary>
    private static readonly HashSet<string> SelfClosingByNextSibling = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rt", "rp", "rb", "rtc", "thead", "tbody", "tfoot",
        "colgroup", "caption",
    };

    /// <summary>Elements whose content is text up to their end tag.</summary>
    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
    };

    public static void CheckHtml(string html, int maxDepth)
    {
        var depth = 0;
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= html.Length)
            {
                return;
            }

            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                if (end < 0)
                {
                    return;
                }

                i = end + 3;
                continue;
            }

            var closing = html[lt + 1] == '/';
            var nameStart = closing ? lt + 2 : lt + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':'))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                i = lt + 1; // "<" as text
                continue;
            }

            var gt = html.IndexOf('>', nameEnd);
            if (gt < 0)
            {
                return; // no tag ends after here: the rest is text
            }

            var name = html.AsSpan(nameStart, nameEnd - nameStart).ToString();
            i = gt + 1;
            if (closing)
            {
                if (depth > 0 && !VoidElements.Contains(name) && !SelfClosingByNextSibling.Contains(name))
                {
                    depth--;
                }

                continue;
            }

            if (RawText.Contains(name))
            {
                var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : end;
                continue;
            }

            if (html[gt - 1] == '/' || VoidElements.Contains(name) || SelfClosingByNextSibling.Contains(name))
            {
                continue;
            }

            if (++depth > maxDepth)
            {
                throw TooDeep("HTML", maxDepth);
            }
        }
    }

    /// <summary>Containers of one line: block quote markers, list markers, and indentation (a nested list's items are
    /// indented at least two columns per level).</summary>
    public static void CheckMarkdown(string markdown, int maxDepth)
    {
        var lineStart = 0;
        while (lineStart < markdown.Length)
        {
            var depth = 0;
            var indent = 0;
            var i = lineStart;
            while (i < markdown.Length)
            {
                var c = markdown[i];
                if (c == ' ')
                {
                    indent++;
                    i++;
                }
                else if (c == '\t')
                {
                    indent += 4;
                    i++;
                }
                else if (c == '>')
                {
                    depth++;
                    i++;
                }
                else if (c is '-' or '*' or '+' && i + 1 < markdown.Length && markdown[i + 1] is ' ' or '\t')
                {
                    depth++;
                    i += 2;
                }
                else if (char.IsAsciiDigit(c) && OrderedMarkerEnd(markdown, i) is var end and > 0)
                {
                    depth++;
                    i = end;
                }
                else
                {
                    break;
                }

                if (depth + (indent / 2) > maxDepth)
                {
                    throw TooDeep("Markdown", maxDepth);
                }
            }

            var newline = markdown.IndexOf('\n', i);
            lineStart = newline < 0 ? markdown.Length : newline + 1;
        }
    }

    /// <summary>The index after "12. " or "3) ", or 0 when none starts at <paramref name="i"/>.</summary>
    private static int OrderedMarkerEnd(string text, int i)
    {
        var j = i;
        while (j < text.Length && j - i < 9 && char.IsAsciiDigit(text[j]))
        {
            j++;
        }

        return j + 1 < text.Length && text[j] is '.' or ')' && text[j + 1] is ' ' or '\t' ? j + 2 : 0;
    }

    private static DocumentParseException TooDeep(string format, int maxDepth) =>
        new(DocumentParseCodes.TooDeep, $"The {format} document is refused because it nests more than {maxDepth} levels deep.");
}
