using System.Text;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Unit.Stars;

public class AvatarRulesTests
{
    public static readonly TheoryData<byte[], string> Images = new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png" },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 16], "image/jpeg" },
        { Encoding.ASCII.GetBytes("GIF89a\x01\x00"), "image/gif" },
        { Encoding.ASCII.GetBytes("RIFF\x10\x00\x00\x00WEBPVP8 "), "image/webp" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void SniffImageType_RealImageHeaders_AreRecognised(byte[] head, string type) =>
        Assert.Equal(type, AvatarRules.SniffImageType(head));

    [Theory]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")]
    [InlineData("just a text file renamed to avatar.png")]
    [InlineData("")]
    [InlineData("RIFF\x10\x00\x00\x00WAVEfmt ")]
    public void SniffImageType_NonImages_AreRejected(string content) =>
        Assert.Null(AvatarRules.SniffImageType(Encoding.ASCII.GetBytes(content)));
}
