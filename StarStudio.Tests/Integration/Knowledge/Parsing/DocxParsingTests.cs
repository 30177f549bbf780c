using System.Diagnostics;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Knowledge.Parsing;

public class DocxParsingTests : ParserTestBase
{
    [Fact]
    public async Task Parse_HeadingsAtSeveralLevels_GiveUnitsWithHeadingPaths()
    {
        var bytes = KnowledgeDocuments.Docx(
            (null, 0, "Preface before any heading."),
            ("用户手册", 0, ""),
            ("第一章 安装", 1, "下载安装包。运行安装程序。"),
            ("1.1 系统要求", 2, "需要 .NET 10。\n至少 2 GB 内存。"),
            ("第二章 使用", 1, "打开工作室。"),
            ("2.1 Chat", 2, "Type a question."));

        var doc = await ParseAsync(KnowledgeFileKind.Docx, bytes);

        Assert.Equal(0, doc.PageCount);
        Assert.Equal(
            [
                ("Preface before any heading.", ""),
                ("下载安装包。运行安装程序。", "用户手册/第一章 安装"),
                ("需要 .NET 10。\n至少 2 GB 内存。", "用户手册/第一章 安装/1.1 系统要求"),
                ("打开工作室。", "用户手册/第二章 使用"),
                ("Type a question.", "用户手册/第二章 使用/2.1 Chat"),
            ],
            doc.Units.Select(u => (u.Text, string.Join('/', u.HeadingPath))));
        Assert.All(doc.Units, u => Assert.Null(u.Page));
    }

    [Fact]
    public async Task Parse_Table_TextIsIncludedRowByRow()
    {
        var bytes = KnowledgeDocuments.DocxWithTable("价格", "价格如下：", [["套餐", "价格"], ["基础版", "0 元"], ["专业版", "99 元"]]);

        var doc = await ParseAsync(KnowledgeFileKind.Docx, bytes);

        var unit = Assert.Single(doc.Units);
        Assert.Equal("价格如下：\n套餐 | 价格\n基础版 | 0 元\n专业版 | 99 元", unit.Text);
        Assert.Equal(["价格"], unit.HeadingPath);
    }

    [Fact]
    public async Task Parse_ZipBomb_FailsTooLargeQuickly()
    {
        var bomb = KnowledgeDocuments.DocxZipBomb();
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes");

        var stopwatch = Stopwatch.StartNew();
        await ParseFailsAsync(KnowledgeFileKind.Docx, bomb, DocumentParseCodes.TooLarge);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Parse_ZipBombWithLyingSizes_IsReadOnlyUpToDeclaredSizeAndFailsCorrupt()
    {
        // .NET's ZipArchive stops at the declared 1,000 bytes, so the 50 MB never materialise; the cut part is not a document.
        var stopwatch = Stopwatch.StartNew();
        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.DocxZipBombWithLyingSizes(), DocumentParseCodes.Corrupt);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Parse_TooManyEntries_FailsTooLarge()
    {
        var parser = new InProcessDocumentParser(new DocumentParserLimits { MaxDocxEntries = 3 });

        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.Docx(("H", 1, "text")), DocumentParseCodes.TooLarge, parser);
    }

    [Fact]
    public async Task Parse_ZipThatIsNotAWordDocument_FailsCorrupt() =>
        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.ZipThatIsNotDocx(), DocumentParseCodes.Corrupt);

    [Fact]
    public async Task Parse_TruncatedDocx_FailsCorrupt() =>
        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.CorruptDocx(), DocumentParseCodes.Corrupt);

    [Fact]
    public async Task Parse_DocxWithOnlyHeadingsAndBlankParagraphs_FailsEmpty() =>
        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.Docx(("Lonely heading", 1, "   \n ")), DocumentParseCodes.Empty);

    [Fact]
    public async Task Parse_PdfBytesAsDocx_FailsCorrupt() =>
        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.Pdf(1, _ => "Hello."), DocumentParseCodes.Corrupt);

    [Fact]
    public async Task Parse_ContentControlsNestedThousandsDeep_FailsTooDeepBeforeOpenXmlLoadsIt()
    {
        // 3,000 levels would load in process; the guard refuses anything past 256 XML levels before OpenXml sees it.
        var clock = Stopwatch.StartNew();

        var ex = await ParseFailsAsync(KnowledgeFileKind.Docx, HostileDocuments.DeepDocx(3_000), DocumentParseCodes.TooDeep);

        Assert.Contains("word/document.xml", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Parse_ContentControlsNestedAFewLevels_IsRead()
    {
        var doc = await ParseAsync(KnowledgeFileKind.Docx, HostileDocuments.DeepDocx(20));

        Assert.Equal("deep", Assert.Single(doc.Units).Text);
    }

    [Fact]
    public async Task Parse_XmlPartLargerThanThePartLimit_FailsTooLarge()
    {
        var parser = new InProcessDocumentParser(new DocumentParserLimits { MaxDocxPartBytes = 64 * 1024 });

        await ParseFailsAsync(KnowledgeFileKind.Docx, KnowledgeDocuments.Docx(("H", 1, KnowledgeDocuments.EnglishText(200_000))), DocumentParseCodes.TooLarge, parser);
    }
}
