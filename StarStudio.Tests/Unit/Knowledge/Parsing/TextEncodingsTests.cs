using System.Text;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Tests.Unit.Knowledge.Parsing;

public class TextEncodingsTests
{
    private static readonly Encoding Gb18030;

    static TextEncodingsTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Gb18030 = Encoding.GetEncoding("GB18030");
    }

    [Theory]
    [InlineData("古籍修复是一门手艺：修复师用小麦淀粉浆糊、桑皮纸和丝线，让残破的书页重新站起来。")]
    [InlineData("知识库")]
    [InlineData("第一章 纸张\n\n宣纸以青檀树皮为主要原料，质地绵韧，不易虫蛀，适合长期保存。")]
    public void Decode_GbkText_ReturnsTheChineseText(string text) =>
        Assert.Equal(text, TextEncodings.Decode(Gb18030.GetBytes(text)));

    [Fact]
    public void Decode_Utf16WithByteOrderMarks_ReturnsTheText()
    {
        const string text = "UTF-16 文本 with a mark";
        Assert.Equal(text, TextEncodings.Decode([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)]));
        Assert.Equal(text, TextEncodings.Decode([0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)]));
    }

    [Fact]
    public void Decode_Utf8CutInsideTheLastCharacter_DropsThePartialCharacter()
    {
        var bytes = Encoding.UTF8.GetBytes("完整的句子。中");

        Assert.Equal("完整的句子。", TextEncodings.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Fact]
    public void Decode_Utf8WithAStrayByte_DropsItWithoutReplacementCharacter()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("前文"), 0xFF, .. Encoding.UTF8.GetBytes("后文")];

        Assert.Equal("前文后文", TextEncodings.Decode(bytes));
    }

    [Fact]
    public void Detect_Binary_IsNotText()
    {
        Assert.Null(TextEncodings.Detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]));
        Assert.Null(TextEncodings.Detect([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0E, 0x0F, 0xC3, 0x28]));
    }
}
