using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Reads Markdown (Markdig's syntax tree) into one unit per heading section, as plain text: markup stripped,
/// code blocks and table cells kept as text, front matter and raw HTML tags dropped.</summary>
internal static class MarkdownTextExtractor
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .UseYamlFrontMatter()
        .Build();

    public static ParsedDocument Extract(string markdown, DocumentParserLimits limits, ParseBudget budget)
    {
        MarkupGuard.CheckMarkdown(markdown, limits.MaxMarkupDepth);
        budget.Check();
        var document = Markdown.Parse(markdown, Pipeline);
        var sections = new SectionBuilder();
        Walk(document, sections, budget);
        var units = sections.Finish();
        return units.Count == 0
            ? throw new DocumentParseException(DocumentParseCodes.Empty, "The Markdown document contains no text.")
            : new ParsedDocument(units, 0);
    }

    private static void Walk(ContainerBlock container, SectionBuilder sections, ParseBudget budget)
    {
        foreach (var block in container)
        {
            budget.Check();
            switch (block)
            {
                case HeadingBlock heading:
                    sections.Heading(heading.Level, InlineText(heading.Inline));
                    break;
                case YamlFrontMatterBlock or ThematicBreakBlock or LinkReferenceDefinitionGroup:
                    break;
                case Table table:
                    sections.AppendBlock(BlockText(table));
                    break;
                case ContainerBlock nested:
                    Walk(nested, sections, budget);
                    break;
                default:
                    sections.AppendBlock(BlockText(block));
                    break;
            }
        }
    }

    private static string BlockText(Block block)
    {
        switch (block)
        {
            case YamlFrontMatterBlock or ThematicBreakBlock or LinkReferenceDefinitionGroup:
                return "";
            case CodeBlock code:
                return code.Lines.ToString();
            case HtmlBlock html:
                return HtmlTextExtractor.StripTags(html.Lines.ToString());
            case Table table:
                var sb = new StringBuilder();
                foreach (var row in table.OfType<TableRow>())
                {
                    sb.AppendJoin(" | ", row.OfType<TableCell>().Select(cell => BlockText(cell).Replace('\n', ' ').Trim()));
                    sb.Append('\n');
                }

                return sb.ToString();
            case LeafBlock leaf:
                return InlineText(leaf.Inline);
            case ContainerBlock container:
                return string.Join('\n', container.Select(BlockText).Where(t => t.Length > 0));
            default:
                return "";
        }
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return "";
        }

        var sb = new StringBuilder();
        AppendInline(inline, sb);
        return sb.ToString();
    }

    /// <summary>Depth-first with an explicit stack: emphasis and links can nest as deep as the delimiters in the text allow.</summary>
    private static void AppendInline(ContainerInline root, StringBuilder sb)
    {
        var stack = new Stack<Inline>();
        PushChildren(root, stack);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case LiteralInline literal:
                    sb.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    sb.Append(code.Content);
                    break;
                case LineBreakInline lineBreak:
                    if (lineBreak.IsHard)
                    {
                        sb.Append('\n');
                    }
                    else if (sb.Length > 0 && !SentenceSplitter.IsCjk(sb[^1]))
                    {
                        sb.Append(' ');
                    }

                    break;
                case AutolinkInline autolink:
                    sb.Append(autolink.Url);
                    break;
                case HtmlEntityInline entity:
                    sb.Append(entity.Transcoded.AsSpan());
                    break;
                case HtmlInline:
                    break;
                case ContainerInline nested:
                    // Emphasis, links (their text), images (their alt text).
                    PushChildren(nested, stack);
                    break;
            }
        }
    }

    private static void PushChildren(ContainerInline container, Stack<Inline> stack)
    {
        for (var inline = container.LastChild; inline is not null; inline = inline.PreviousSibling)
        {
            stack.Push(inline);
        }
    }
}
