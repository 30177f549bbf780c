using StarStudio.Web.Identity;

namespace StarStudio.Tests.Unit.Identity;

public class SafeReturnUrlTests
{
    [Theory]
    [InlineData("/studio", "/studio")]
    [InlineData("/studio/stars/1?x=2", "/studio/stars/1?x=2")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData(null, "/")]
    public void SafeReturnUrl_OnlyLocalPaths_AreFollowed(string? input, string expected) =>
        Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(input));
}
