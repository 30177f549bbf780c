using StarStudio.Core.Extensions;

namespace StarStudio.Tests.Unit.Extensions;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("0.0.0")]
    [InlineData("1.2.3")]
    [InlineData("10.20.30")]
    [InlineData("1.0.0-alpha")]
    [InlineData("1.0.0-alpha.1")]
    [InlineData("1.0.0-0.3.7")]
    [InlineData("1.0.0-x.7.z.92")]
    [InlineData("1.0.0-x-y-z.--")]
    [InlineData("1.0.0+20130313144700")]
    [InlineData("1.0.0-beta+exp.sha.5114f85")]
    [InlineData("1.0.0+21AF26D3----117B344092BD")]
    [InlineData("1.0.0+001")]
    [InlineData("99999999999999999999999.999999999999999999.99999999999999999")]
    public void TryParse_ValidSemVer_Parses_AndKeepsTheText(string text)
    {
        var version = SemanticVersion.TryParse(text, out var error);

        Assert.NotNull(version);
        Assert.Null(error);
        Assert.Equal(text, version.ToString());
    }

    [Theory]
    [InlineData("", "Extensions.Version.Required")]
    [InlineData(null, "Extensions.Version.Required")]
    [InlineData("1", "Extensions.Version.BadCore")]
    [InlineData("1.2", "Extensions.Version.BadCore")]
    [InlineData("1.2.3.4", "Extensions.Version.BadCore")]
    [InlineData("v1.2.3", "Extensions.Version.BadCore")]
    [InlineData("01.2.3", "Extensions.Version.BadCore")]
    [InlineData("1.02.3", "Extensions.Version.BadCore")]
    [InlineData("1.2.-3", "Extensions.Version.BadCore")]
    [InlineData(" 1.2.3", "Extensions.Version.BadCore")]
    [InlineData("1.2.3-", "Extensions.Version.BadPreRelease")]
    [InlineData("1.2.3-alpha..1", "Extensions.Version.BadPreRelease")]
    [InlineData("1.2.3-01", "Extensions.Version.BadPreRelease")]
    [InlineData("1.2.3-alpha_beta", "Extensions.Version.BadPreRelease")]
    [InlineData("1.2.3+", "Extensions.Version.BadBuild")]
    [InlineData("1.2.3+a..b", "Extensions.Version.BadBuild")]
    [InlineData("1.2.3+a+b", "Extensions.Version.BadBuild")]
    [InlineData("１.2.3", "Extensions.Version.BadCore")]
    public void TryParse_Invalid_GivesTheReason(string? text, string expected)
    {
        Assert.Null(SemanticVersion.TryParse(text, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_LongerThanTheColumn_IsRefused()
    {
        Assert.Null(SemanticVersion.TryParse("1.0.0-" + new string('a', 80), out var error));
        Assert.Equal("Extensions.Version.TooLong", error);
    }

    [Fact]
    public void CompareTo_FollowsTheSpecificationsPrecedenceExample()
    {
        // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0.
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "10.0.0"];
        var shuffled = ordered.Reverse().Select(SemanticVersion.Parse).ToList();

        shuffled.Sort();

        Assert.Equal(ordered, shuffled.Select(v => v.Text));
        for (var i = 1; i < ordered.Length; i++)
        {
            Assert.True(SemanticVersion.Parse(ordered[i - 1]) < SemanticVersion.Parse(ordered[i]), $"{ordered[i - 1]} < {ordered[i]}");
        }
    }

    [Fact]
    public void CompareTo_NumbersNumerically_BuildMetadataIgnored()
    {
        Assert.True(SemanticVersion.Parse("1.10.0") > SemanticVersion.Parse("1.9.0"));
        Assert.True(SemanticVersion.Parse("1.0.0-alpha.10") > SemanticVersion.Parse("1.0.0-alpha.9"));
        Assert.True(SemanticVersion.Parse("1.0.0-Beta") < SemanticVersion.Parse("1.0.0-alpha")); // ASCII: 'B' < 'a'
        Assert.Equal(SemanticVersion.Parse("1.0.0+a"), SemanticVersion.Parse("1.0.0+b"));
        Assert.Equal(0, SemanticVersion.Parse("1.0.0+a").CompareTo(SemanticVersion.Parse("1.0.0")));
        Assert.True(SemanticVersion.Parse("99999999999999999999.0.0") > SemanticVersion.Parse("99999999999999999998.9.9"));
    }
}
