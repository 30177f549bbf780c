using StarStudio.Core.Market.Maker;

namespace StarStudio.Tests.Unit.Market.Maker;

public class SemVerTests
{
    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.0.1")]
    [InlineData("10.20.30")]
    [InlineData("1.0.0-alpha")]
    [InlineData("1.0.0-alpha.1")]
    [InlineData("1.0.0-0.3.7")]
    [InlineData("1.0.0+20130313144700")]
    [InlineData("1.0.0-beta+exp.sha.5114f85")]
    public void Parses_ValidVersions_AndPrintsThemBack(string text)
    {
        Assert.True(SemVer.TryParse(text, out var v));
        Assert.Equal(text, v.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.02.0")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0-01")]
    [InlineData("1.0.0-a..b")]
    [InlineData("1.0.0+")]
    [InlineData("1.0.0.0")]
    [InlineData(" 1.0.0")]
    [InlineData("1.0.0-α")]
    [InlineData("99999999999999999999.0.0")]
    public void Refuses_InvalidVersions(string? text) => Assert.False(SemVer.TryParse(text, out _));

    [Fact]
    public void Refuses_VersionsLongerThanTheColumn() =>
        Assert.False(SemVer.TryParse("1.0.0-" + new string('a', SemVer.MaxLength), out _));

    [Fact]
    public void Orders_ByPrecedence_AsSemverDefinesIt()
    {
        // semver.org §11's example chain, each strictly less than the next.
        string[] chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"];
        for (var i = 0; i + 1 < chain.Length; i++)
        {
            Assert.True(SemVer.TryParse(chain[i], out var a));
            Assert.True(SemVer.TryParse(chain[i + 1], out var b));
            Assert.True(a.CompareTo(b) < 0, $"{a} < {b}");
            Assert.True(b.CompareTo(a) > 0, $"{b} > {a}");
        }
    }

    [Fact]
    public void BuildMetadata_DoesNotChangePrecedence()
    {
        Assert.True(SemVer.TryParse("1.0.0+a", out var a));
        Assert.True(SemVer.TryParse("1.0.0+b", out var b));
        Assert.Equal(0, a.CompareTo(b));
    }
}
