using System.Text;
using StarStudio.Core.Account;

namespace StarStudio.Tests.Unit.Account;

public class FeedbackRulesTests
{
    public static readonly TheoryData<byte[], string> Images = new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png" },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 16], "image/jpeg" },
        { Encoding.ASCII.GetBytes("RIFF\x10\x00\x00\x00WEBPVP8 "), "image/webp" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void SniffImageType_PngJpegWebp_AreAccepted(byte[] head, string type) =>
        Assert.Equal(type, FeedbackRules.SniffImageType(head));

    [Theory]
    [InlineData("GIF89a\x01\x00\x01\x00")]
    [InlineData("<html><script>alert(1)</script></html>")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")]
    [InlineData("%PDF-1.7 renamed to screenshot.png")]
    [InlineData("")]
    [InlineData("\x89PNG")]
    public void SniffImageType_GifHtmlSvgPdfAndTruncatedHeaders_AreRefused(string content) =>
        Assert.Null(FeedbackRules.SniffImageType(Encoding.Latin1.GetBytes(content)));

    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("138 1234 5678", "13812345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("0086 13812345678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+1 (415) 555-2671", "+14155552671")]
    [InlineData("  19912345678 ", "19912345678")]
    public void NormalizePhone_ChinaMobileOrInternational_IsStoredCompact(string raw, string stored) =>
        Assert.Equal(stored, FeedbackRules.NormalizePhone(raw));

    [Theory]
    [InlineData("12812345678")] // 12x is not a mobile prefix
    [InlineData("1381234567")] // 10 digits
    [InlineData("138123456789")] // 12 digits
    [InlineData("02079460958")] // a national number without a country code
    [InlineData("+0 123 4567")] // no country code starts with 0
    [InlineData("+123456")] // too short for E.164
    [InlineData("+1234567890123456")] // 16 digits: too long for E.164
    [InlineData("138 1234 567a")]
    [InlineData("+44+2079460958")]
    [InlineData("tel:13812345678")]
    public void NormalizePhone_AnythingElse_IsRefused(string raw) => Assert.Null(FeedbackRules.NormalizePhone(raw));

    [Fact]
    public void Validate_BlankDescription_IsRequired() =>
        Assert.Equal("Feedback.Description.Required", Assert.Single(FeedbackRules.Validate(new FeedbackDraft { Description = "   " })).Code);

    [Fact]
    public void Validate_DescriptionUnderTheMinimum_IsTooShort()
    {
        var error = Assert.Single(FeedbackRules.Validate(new FeedbackDraft { Description = "太短了" }));

        Assert.Equal(("Description", "Feedback.Description.TooShort"), (error.Field, error.Code));
        Assert.Equal([FeedbackRules.DescriptionMin], error.Args);
    }

    [Fact]
    public void Validate_DescriptionAtTheLimitInChinese_IsAccepted() =>
        Assert.Empty(FeedbackRules.Validate(new FeedbackDraft { Description = new string('星', FeedbackRules.DescriptionMax) }));

    [Fact]
    public void Validate_DescriptionOverTheLimit_IsTooLong() =>
        Assert.Equal("Feedback.Description.TooLong",
            Assert.Single(FeedbackRules.Validate(new FeedbackDraft { Description = new string('星', FeedbackRules.DescriptionMax + 1) })).Code);

    [Fact]
    public void Validate_BadPhoneAndBlankDescription_ReportsBoth()
    {
        var errors = FeedbackRules.Validate(new FeedbackDraft { Description = "", ContactPhone = "12345" });

        Assert.Equal(["Description", "ContactPhone"], errors.Select(e => e.Field));
        Assert.Equal("Feedback.Phone.Invalid", errors[1].Code);
    }

    [Fact]
    public void Validate_BlankPhone_IsOptional() =>
        Assert.Empty(FeedbackRules.Validate(new FeedbackDraft { Description = "登录后页面一直转圈", ContactPhone = " " }));

    [Theory]
    [InlineData("C:\\Users\\me\\Desktop\\截图.png", "截图.png")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a\u0000b\u001F.png", "ab.png")]
    [InlineData("", "image")]
    public void CleanFileName_PathsAndControlCharacters_AreDropped(string raw, string clean) =>
        Assert.Equal(clean, FeedbackRules.CleanFileName(raw));

    [Fact]
    public void ReplyError_OverTheLimit_IsTooLong()
    {
        Assert.Null(FeedbackRules.ReplyError(null));
        Assert.Null(FeedbackRules.ReplyError(new string('复', FeedbackRules.ReplyMax)));
        Assert.Equal("Feedback.Reply.TooLong", FeedbackRules.ReplyError(new string('复', FeedbackRules.ReplyMax + 1))!.Code);
    }
}
