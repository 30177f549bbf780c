using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Reads HTML (AngleSharp) into one unit per <c>h1</c>–<c>h6</c> section: script, style, nav, noscript and
/// similar are dropped, block elements end lines, table cells are separated by <c>|</c>.</summary>
internal static class HtmlTextExtractor
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "nav", "noscript", "template", "head", "svg", "math", "iframe", "object", "embed", "canvas",
        "select", "button", "audio", "video",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "li", "main", "ol", "p", "pre", "section",
        "summary", "table", "thead", "tbody", "tfoot", "tr", "ul", "caption", "body", "html",
    };

    public static ParsedDocument Extract(string html, DocumentParserLimits limits, ParseBudget budget)
    {
        MarkupGuard.CheckHtml(html, limits.MaxMarkupDepth);
        budget.Check();
        var parser = new HtmlParser();
        var document = parser.ParseDocument(html);
        var sections = new SectionBuilder();
        INode? root = document.Body ?? document.DocumentElement;
        if (root is not null)
        {
            Walk(root, sections, budget);
        }

        var units = sections.Finish();
        return units.Count == 0
            ? throw new DocumentParseException(DocumentParseCodes.Empty, "The HTML document contains no text.")
            : new ParsedDocument(units, 0);
    }

    /// <summary>Depth-first, with an explicit stack (deeply nested markup cannot overflow the call stack).</summary>
    private static void Walk(INode root, SectionBuilder sections, ParseBudget budget)
    {
        var stack = new Stack<(INode Node, bool Leaving)>();
        stack.Push((root, false));
        var preDepth = 0;
        var visited = 0;
        while (stack.Count > 0)
        {
            if ((++visited & 1023) == 0)
            {
                budget.Check();
            }

            var (node, leaving) = stack.Pop();
            if (node is IText text)
            {
                sections.Append(preDepth > 0 ? text.Data : CollapseWhitespace(text.Data));
                continue;
            }

            if (node is not IElement element)
            {
                continue;
            }

            var name = element.LocalName;
            if (leaving)
            {
                if (name == "pre")
                {
                    preDepth--;
                }

                if (Blocks.Contains(name))
                {
                    sections.BlockBreak();
                }

                continue;
            }

            if (Skipped.Contains(name))
            {
                continue;
            }

            if (name.Length == 2 && name[0] == 'h' && name[1] is >= '1' and <= '6')
            {
                sections.Heading(name[1] - '0', element.TextContent);
                continue;
            }

            switch (name)
            {
                case "br":
                    sections.Append('\n');
                    continue;
                case "td" or "th" when element.PreviousElementSibling is not null:
                    sections.Append(" | ");
                    break;
                case "pre":
                    preDepth++;
                    break;
            }

            if (Blocks.Contains(name))
            {
                sections.BlockBreak();
            }

            stack.Push((element, true));
            for (var child = element.LastChild; child is not null; child = child.PreviousSibling)
            {
                stack.Push((child, false));
            }
        }
    }

    /// <summary>Runs of whitespace become one space (linear; no regex).</summary>
    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        var inSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inSpace = true;
                continue;
            }

            if (inSpace)
            {
                sb.Append(' ');
                inSpace = false;
            }

            sb.Append(c);
        }

        if (inSpace)
        {
            sb.Append(' ');
        }

        return sb.ToString();
    }

    /// <summary>Removes tags from a fragment of raw HTML (as Markdown may embed), keeping the text between them.</summary>
    /// <remarks>One pass, no regex: a tag is <c>&lt;</c> up to the next <c>&gt;</c>; a <c>&lt;</c> with no <c>&gt;</c> after it
    /// is text, and so is everything after it (the regex this replaces rescanned the rest of the input from every <c>&lt;</c>,
    /// quadratic on a file full of them).</remarks>
    internal static string StripTags(string html)
    {
        if (html.TrimStart().StartsWith("<!--", StringComparison.Ordinal))
        {
            return "";
        }

        var sb = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                sb.Append(html, i, html.Length - i);
                break;
            }

            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0)
            {
                sb.Append(html, i, html.Length - i);
                break;
            }

            sb.Append(html, i, lt - i).Append(' ');
            i = gt + 1;
        }

        return System.Net.WebUtility.HtmlDecode(sb.ToString());
    }
}
