using System.Text;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Knowledge.Parsing;

public class TextMarkupParsingTests : ParserTestBase
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // ---------------------------------------------------------------- plain text

    [Fact]
    public async Task Parse_TextWithBomCrLfAndControlCharacters_IsNormalizedIntoOneUnit()
    {
        var bytes = KnowledgeDocuments.Text("第一行\r\n second   line\u0007 with\ttab  \r\n\r\n\r\n\r\nlast\u00A0\u00A0line\r", bom: true);

        var doc = await ParseAsync(KnowledgeFileKind.Text, bytes);

        var unit = Assert.Single(doc.Units);
        Assert.Equal("第一行\nsecond line with\ttab\n\nlast line", unit.Text);
        Assert.Null(unit.Page);
        Assert.Empty(unit.HeadingPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t \u0001 ")]
    public async Task Parse_BlankText_FailsEmpty(string text) =>
        await ParseFailsAsync(KnowledgeFileKind.Text, Utf8(text), DocumentParseCodes.Empty);

    [Fact]
    public async Task Parse_BomOnly_FailsEmpty() =>
        await ParseFailsAsync(KnowledgeFileKind.Text, [0xEF, 0xBB, 0xBF], DocumentParseCodes.Empty);

    // ---------------------------------------------------------------- Markdown

    [Fact]
    public async Task Parse_MarkdownSections_GiveUnitsWithHeadingPathsAndPlainText()
    {
        var markdown = """
            ---
            title: front matter is dropped
            ---
            Intro with **bold**, *italic*, `code` and a [link](https://example.com).

            # 星辰指南

            ## 安装

            先运行 `setup.sh`。
            ![架构图](arch.png)

            ```bash
            dotnet run --project StarStudio.Web
            ```

            ## 使用

            - 第一步：打开工作室
            - 第二步：上传文档

            | 名称 | 值 |
            |------|----|
            | size | 500 |

            # Appendix

            > Quoted text
            > continues here.
            """;

        var doc = await ParseAsync(KnowledgeFileKind.Markdown, Utf8(markdown));

        Assert.Equal(
            [
                ("Intro with bold, italic, code and a link.", ""),
                ("先运行 setup.sh。架构图\ndotnet run --project StarStudio.Web", "星辰指南/安装"),
                ("第一步：打开工作室\n第二步：上传文档\n名称 | 值\nsize | 500", "星辰指南/使用"),
                ("Quoted text continues here.", "Appendix"),
            ],
            doc.Units.Select(u => (u.Text, string.Join('/', u.HeadingPath))));
    }

    [Fact]
    public async Task Parse_GeneratedMarkdown_RoundTripsText()
    {
        var chinese = KnowledgeDocuments.ChineseText(400, 1);
        var english = KnowledgeDocuments.EnglishText(400, 1);
        var bytes = KnowledgeDocuments.Markdown(("第一章", 1, chinese), ("Details", 2, english));

        var doc = await ParseAsync(KnowledgeFileKind.Markdown, bytes);

        Assert.Equal([chinese, english], doc.Units.Select(u => u.Text));
        Assert.Equal(["第一章", "Details"], doc.Units[1].HeadingPath);
    }

    [Theory]
    [InlineData("# Only a heading\n\n## And another\n")]
    [InlineData("<!-- a comment -->\n\n---\n")]
    public async Task Parse_MarkdownWithoutBodyText_FailsEmpty(string markdown) =>
        await ParseFailsAsync(KnowledgeFileKind.Markdown, Utf8(markdown), DocumentParseCodes.Empty);

    // ---------------------------------------------------------------- HTML

    [Fact]
    public async Task Parse_HtmlPage_DropsScriptsStylesAndNavAndSplitsByHeadings()
    {
        var bytes = KnowledgeDocuments.Html(
            ("星辰指南", 1, "欢迎使用。\n这是第二段。"),
            ("安装", 2, "Run the installer. Then restart."),
            ("Usage", 2, "Open the studio."));

        var doc = await ParseAsync(KnowledgeFileKind.Html, bytes);

        Assert.Equal(
            [
                ("欢迎使用。\n这是第二段。", "星辰指南"),
                ("Run the installer. Then restart.", "星辰指南/安装"),
                ("Open the studio.", "星辰指南/Usage"),
            ],
            doc.Units.Select(u => (u.Text, string.Join('/', u.HeadingPath))));
        Assert.DoesNotContain(doc.Units, u => u.Text.Contains("NOISE", StringComparison.Ordinal) || u.Text.Contains("tracking", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parse_HtmlInlineMarkupTablesAndPre_KeepsTextAndLines()
    {
        var html = """
            <html><body>
            <div>Text with <b>bold</b> and <a href="#">a   link</a>.<br>After break.</div>
            <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Pro</td><td>99</td></tr></table>
            <pre>line one
            line two</pre>
            <p>&lt;escaped&gt; &amp; entities</p>
            </body></html>
            """;

        var doc = await ParseAsync(KnowledgeFileKind.Html, Utf8(html));

        var unit = Assert.Single(doc.Units);
        Assert.Equal("Text with bold and a link.\nAfter break.\nPlan | Price\nPro | 99\nline one\nline two\n<escaped> & entities", unit.Text);
    }

    [Fact]
    public async Task Parse_HtmlNestedAsDeepAsBrowsersGo_IsRead()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 500)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 500));

        var doc = await ParseAsync(KnowledgeFileKind.Html, Utf8(html));

        Assert.Equal("deep text", Assert.Single(doc.Units).Text);
    }

    [Fact]
    public async Task Parse_HtmlNestedThousandsDeep_FailsTooDeepBeforeBuildingTheTree()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 20_000)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 20_000));

        await ParseFailsAsync(KnowledgeFileKind.Html, Utf8(html), DocumentParseCodes.TooDeep);
    }

    [Fact]
    public async Task Parse_HtmlWithManyUnclosedParagraphsAndListItems_IsNotTooDeep()
    {
        var html = "<ul>" + string.Concat(Enumerable.Repeat("<li><p>item text", 3000)) + "</ul>";

        var doc = await ParseAsync(KnowledgeFileKind.Html, Utf8(html));

        Assert.Contains("item text", Assert.Single(doc.Units).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_MarkdownQuotesNestedThousandsDeep_FailsTooDeep() =>
        await ParseFailsAsync(KnowledgeFileKind.Markdown, Utf8(new string('>', 5000) + " deep\n"), DocumentParseCodes.TooDeep);

    [Fact]
    public async Task Parse_MarkdownWithRawHtmlFullOfLessThanSigns_IsReadInLinearTime()
    {
        // "<div" opens a raw HTML block; the tag-strip regex rescanned the rest of the block from every "<": 2 MB took minutes.
        var markdown = "# Flood\n\nSome text.\n\n<div " + new string('<', 2_000_000) + "\n";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var doc = await ParseAsync(KnowledgeFileKind.Markdown, Utf8(markdown));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.StartsWith("Some text.\n<div <<<", doc.Units[0].Text, StringComparison.Ordinal); // no tag ever closes: it is text
    }

    [Fact]
    public async Task Parse_TextOfZeroWidthSpacesOnly_FailsEmpty() =>
        await ParseFailsAsync(KnowledgeFileKind.Text, Utf8(new string('\u200B', 500) + "\n\u2060\uFEFF\u200B"), DocumentParseCodes.Empty);

    [Fact]
    public async Task Parse_TextCutInsideTheLastCharacter_HasNoReplacementCharacter()
    {
        var bytes = Utf8("完整的一句话。中");

        var doc = await ParseAsync(KnowledgeFileKind.Text, bytes[..^1]);

        Assert.Equal("完整的一句话。", Assert.Single(doc.Units).Text);
    }

    [Fact]
    public async Task Parse_GbkMarkdownAndHtml_ReadsTheChineseText()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var gbk = System.Text.Encoding.GetEncoding("GB18030");

        var md = await ParseAsync(KnowledgeFileKind.Markdown, gbk.GetBytes("# 装帧\n\n线装书用丝线穿孔装订，最常见的是四眼订法。\n"));
        var html = await ParseAsync(KnowledgeFileKind.Html, gbk.GetBytes("<html><head><meta charset=\"gbk\"></head><body><h1>装帧</h1><p>四眼订法。</p></body></html>"));

        Assert.Equal("线装书用丝线穿孔装订，最常见的是四眼订法。", Assert.Single(md.Units).Text);
        Assert.Equal(["装帧"], md.Units[0].HeadingPath);
        Assert.Equal("四眼订法。", Assert.Single(html.Units).Text);
    }

    [Fact]
    public async Task Parse_Utf16TextWithByteOrderMark_ReadsTheText()
    {
        byte[] bytes = [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes("小端 UTF-16 文本。")];

        var doc = await ParseAsync(KnowledgeFileKind.Text, bytes);

        Assert.Equal("小端 UTF-16 文本。", Assert.Single(doc.Units).Text);
    }

    [Theory]
    [InlineData("<html><head><title>t</title><script>x()</script></head><body><nav>menu</nav></body></html>")]
    [InlineData("<h1>Heading only</h1>")]
    public async Task Parse_HtmlWithoutBodyText_FailsEmpty(string html) =>
        await ParseFailsAsync(KnowledgeFileKind.Html, Utf8(html), DocumentParseCodes.Empty);
}
