using StarStudio.Core.Extensions;

namespace StarStudio.Tests.Unit.Extensions;

public sealed class CssColorTests
{
    [Theory]
    [InlineData("#abc", "#aabbcc")]
    [InlineData("#ABCD", "#aabbccdd")]
    [InlineData("#3f3d9e", "#3f3d9e")]
    [InlineData("#3f3d9eff", "#3f3d9e")]
    [InlineData("#3f3d9e80", "#3f3d9e80")]
    [InlineData("rgb(255, 0, 0)", "#ff0000")]
    [InlineData("rgb(255 128 0)", "#ff8000")]
    [InlineData("rgba(0, 0, 255, 0.5)", "#0000ff80")]
    [InlineData("rgb(100%, 0%, 50%)", "#ff0080")]
    [InlineData("rgb(0 0 0 / 50%)", "#00000080")]
    [InlineData("hsl(0, 100%, 50%)", "#ff0000")]
    [InlineData("hsl(120deg 100% 25%)", "#008000")]
    [InlineData("hsla(240, 100%, 50%, 1)", "#0000ff")]
    [InlineData("  #FFF  ", "#ffffff")]
    public void Normalize_AcceptedForms_BecomeHex(string input, string expected) => Assert.Equal(expected, CssColor.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("red")]
    [InlineData("var(--x)")]
    [InlineData("#ab")]
    [InlineData("#abcde")]
    [InlineData("#ggg")]
    [InlineData("rgb(256, 0, 0)")]
    [InlineData("rgb(-1, 0, 0)")]
    [InlineData("rgb(1, 2)")]
    [InlineData("rgba(0, 0, 0, 2)")]
    [InlineData("hsl(0, 100, 50)")]
    [InlineData("url(javascript:alert(1))")]
    [InlineData("#fff; background: url(x)")]
    [InlineData("expression(alert(1))")]
    public void Normalize_AnythingElse_IsRefused(string input) => Assert.Null(CssColor.Normalize(input));
}
