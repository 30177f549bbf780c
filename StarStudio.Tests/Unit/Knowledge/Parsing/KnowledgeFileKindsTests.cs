using System.Text;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Unit.Knowledge.Parsing;

public class KnowledgeFileKindsTests
{
    public static readonly TheoryData<string, byte[], KnowledgeFileKind> Matching = new()
    {
        { "report.pdf", "%PDF-1.7\n%\u00e2"u8.ToArray(), KnowledgeFileKind.Pdf },
        { "REPORT.PDF", "\r\n  %PDF-1.4\n"u8.ToArray(), KnowledgeFileKind.Pdf },
        { "notes.docx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], KnowledgeFileKind.Docx },
        { "notes.txt", Encoding.UTF8.GetBytes("plain text 纯文本"), KnowledgeFileKind.Text },
        { "notes.txt", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("with a BOM")], KnowledgeFileKind.Text },
        { "readme.md", Encoding.UTF8.GetBytes("# 标题\n\ntext"), KnowledgeFileKind.Markdown },
        { "readme.markdown", Encoding.UTF8.GetBytes("- item"), KnowledgeFileKind.Markdown },
        { "page.html", Encoding.UTF8.GetBytes("<!DOCTYPE html><p>hi</p>"), KnowledgeFileKind.Html },
        { "page.htm", Encoding.UTF8.GetBytes("<p>hi</p>"), KnowledgeFileKind.Html },
        { "notes.txt", [0xFF, 0xFE, 0x41, 0x00, 0x42, 0x00], KnowledgeFileKind.Text },
        { "notes.txt", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("UTF-16 小端，带字节序标记。")], KnowledgeFileKind.Text },
        { "notes.md", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("# UTF-16 大端")], KnowledgeFileKind.Markdown },
        { "notes.txt", Gb18030("古籍修复是一门手艺：修复师用小麦淀粉浆糊、桑皮纸和丝线，让残破的书页重新站起来。"), KnowledgeFileKind.Text },
        { "page.html", Gb18030("<html><head><meta charset=\"gbk\"><title>装帧</title></head><body><p>线装书用丝线穿孔装订，最常见的是四眼订法。</p></body></html>"), KnowledgeFileKind.Html },
        { "report.pdf", [0xEF, 0xBB, 0xBF, .. "%PDF-1.7\n"u8], KnowledgeFileKind.Pdf },
        { "report.pdf", [.. Enumerable.Repeat((byte)'x', 1000), .. "%PDF-1.4\n"u8], KnowledgeFileKind.Pdf },
    };

    private static byte[] Gb18030(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030").GetBytes(text);
    }

    [Theory]
    [MemberData(nameof(Matching))]
    public void Detect_ContentMatchingExtension_ReturnsKind(string fileName, byte[] head, KnowledgeFileKind kind)
    {
        var result = KnowledgeFileKinds.Detect(fileName, head);

        Assert.True(result.Succeeded);
        Assert.Equal(kind, result.Value);
    }

    [Fact]
    public void Detect_GeneratedDocuments_AreRecognised()
    {
        Assert.Equal(KnowledgeFileKind.Pdf, KnowledgeFileKinds.Detect("a.pdf", KnowledgeDocuments.Pdf(1, _ => "Hello.")).Value);
        Assert.Equal(KnowledgeFileKind.Pdf, KnowledgeFileKinds.Detect("a.pdf", KnowledgeDocuments.Pdf(1, _ => "你好。")).Value);
        Assert.Equal(KnowledgeFileKind.Docx, KnowledgeFileKinds.Detect("a.docx", KnowledgeDocuments.Docx(("H", 1, "text"))).Value);
        Assert.Equal(KnowledgeFileKind.Html, KnowledgeFileKinds.Detect("a.html", KnowledgeDocuments.Html(("H", 1, "text"))).Value);
    }

    [Theory]
    [InlineData("virus.exe", ".exe")]
    [InlineData("sheet.xlsx", ".xlsx")]
    [InlineData("old.doc", ".doc")]
    [InlineData("no-extension", "")]
    public void Detect_UnsupportedExtension_ReturnsUnsupported(string fileName, string extension)
    {
        var result = KnowledgeFileKinds.Detect(fileName, "%PDF-1.7"u8);

        AssertError(result, "Knowledge.File.Unsupported");
        Assert.Equal([extension], result.Errors[0].Args);
    }

    public static readonly TheoryData<string, byte[]> Mismatched = new()
    {
        { "report.pdf", Encoding.UTF8.GetBytes("just text pretending to be a PDF") },
        { "report.pdf", [0x50, 0x4B, 0x03, 0x04, 0, 0] },
        { "report.pdf", [.. Enumerable.Repeat((byte)'x', 1100), .. "%PDF-1.4\n"u8] },
        { "notes.docx", Encoding.UTF8.GetBytes("%PDF-1.7") },
        { "notes.docx", Encoding.UTF8.GetBytes("<html></html>") },
        { "notes.txt", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] },
        { "notes.txt", [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A, 0x25, 0xE2, 0xE3, 0xCF, 0xD3] },
        { "readme.md", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] },
        { "page.html", [0x3C, 0x70, 0x3E, 0x00, 0x3C, 0x2F, 0x70, 0x3E] },
    };

    [Theory]
    [MemberData(nameof(Mismatched))]
    public void Detect_ContentNotMatchingExtension_ReturnsMismatch(string fileName, byte[] head)
    {
        var result = KnowledgeFileKinds.Detect(fileName, head);

        AssertError(result, "Knowledge.File.Mismatch");
        Assert.Equal([Path.GetExtension(fileName)], result.Errors[0].Args);
    }

    [Fact]
    public void Detect_RealPdfRenamedToTxt_ReturnsMismatch() =>
        AssertError(KnowledgeFileKinds.Detect("a.txt", KnowledgeDocuments.Pdf(1, _ => "Hello.")), "Knowledge.File.Mismatch");

    [Fact]
    public void Detect_RealDocxRenamedToMarkdown_ReturnsMismatch() =>
        AssertError(KnowledgeFileKinds.Detect("a.md", KnowledgeDocuments.Docx(("H", 1, "text"))), "Knowledge.File.Mismatch");

    [Theory]
    [InlineData("a.pdf")]
    [InlineData("a.docx")]
    [InlineData("a.txt")]
    public void Detect_ZeroBytes_ReturnsEmpty(string fileName) =>
        AssertError(KnowledgeFileKinds.Detect(fileName, []), "Knowledge.File.Empty");

    [Fact]
    public void Detect_HeadCutInsideMultiByteCharacter_IsStillText()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('中', 3000));
        var head = bytes.AsSpan(0, KnowledgeFileKinds.HeadLength); // 8192 is not a multiple of 3

        Assert.Equal(KnowledgeFileKind.Text, KnowledgeFileKinds.Detect("a.txt", head).Value);
    }

    [Fact]
    public void Detect_NulByteAfterHeadLength_IsIgnored()
    {
        var bytes = new byte[KnowledgeFileKinds.HeadLength + 10];
        bytes.AsSpan().Fill((byte)'a');
        bytes[^1] = 0;

        Assert.True(KnowledgeFileKinds.Detect("a.txt", bytes).Succeeded);
    }

    [Fact]
    public void Detect_ControlBytesThatNoCharsetHasAsText_ReturnsMismatch()
    {
        byte[] head = [.. "abc"u8, 0xC3, 0x28, 0x01, 0x02, 0x03, 0x1A, 0x1B, .. "def"u8];

        AssertError(KnowledgeFileKinds.Detect("a.md", head), "Knowledge.File.Mismatch");
    }

    private static void AssertError(Result<KnowledgeFileKind> result, string code)
    {
        Assert.Equal(ResultKind.Invalid, result.Kind);
        var error = Assert.Single(result.Errors);
        Assert.Equal("File", error.Field);
        Assert.Equal(code, error.Code);
    }
}
