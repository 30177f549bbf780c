using StarStudio.Web.Components.Layout;

namespace StarStudio.Tests.Unit.Layout;

public sealed class NavRulesTests
{
    [Theory]
    [InlineData("studio", "/studio", true)]
    [InlineData("studio/stars/4f1c", "/studio", true)]
    [InlineData("studio?tab=2", "/studio", true)]
    [InlineData("studio#top", "/studio", true)]
    [InlineData("Studio/Stars", "/studio", true)]
    [InlineData("studios", "/studio", false)]
    [InlineData("", "/studio", false)]
    [InlineData("explore", "/studio", false)]
    [InlineData("me/notifications", "/me", true)]
    [InlineData("market?q=studio", "/studio", false)]
    public void IsActive_MatchesThePageAndThoseUnderIt(string relativePath, string href, bool active) =>
        Assert.Equal(active, NavRules.IsActive(relativePath, href));
}
