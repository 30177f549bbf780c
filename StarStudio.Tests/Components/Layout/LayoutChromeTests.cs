using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Web.Components.Layout;

namespace StarStudio.Tests.Components.Layout;

/// <summary>The navigation and theme rendered as markup shared by every circuit (docs/scaling.md).</summary>
public sealed class LayoutChromeTests : ComponentTest
{
    [Fact]
    public void NavMenu_ShowsAdminLinkToAdminsOnly_AndMarksTheCurrentSection()
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("player@example.test");
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/studio/stars/1");

        var cut = Render<NavMenu>(_ => { });

        Assert.Empty(cut.FindAll("a[href='/admin']"));
        Assert.Equal(6, cut.FindAll("a.mud-nav-link").Count);
        var active = Assert.Single(cut.FindAll("a.mud-nav-link.active"));
        Assert.Equal("/studio", active.GetAttribute("href"));
        Assert.Contains("创作工作室", active.TextContent);
        Assert.NotNull(active.QuerySelector("svg.mud-nav-link-icon"));

        auth.SetRoles("admin");
        cut.Render();
        Assert.Single(cut.FindAll("a[href='/admin']"));
    }

    [Fact]
    public void NavMenu_FollowsNavigation()
    {
        Context.AddAuthorization().SetAuthorized("player@example.test");
        var cut = Render<NavMenu>(_ => { });
        Assert.Empty(cut.FindAll("a.mud-nav-link.active"));

        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/market?q=x");

        cut.WaitForAssertion(() => Assert.Equal("/market", cut.Find("a.mud-nav-link.active").GetAttribute("href")));
    }

    [Fact]
    public void ThemeProvider_RendersMudBlazorsMarkup_FromOneStringPerThemeAndMode()
    {
        var mud = Render<MudThemeProvider>(p => p.Add(x => x.Theme, StarTheme.Theme).Add(x => x.IsDarkMode, true).Add(x => x.ObserveSystemThemeChange, false));
        var first = Render<StarThemeProvider>(p => p.Add(x => x.Theme, StarTheme.Theme).Add(x => x.IsDarkMode, true).Add(x => x.ObserveSystemThemeChange, false));
        var second = Render<StarThemeProvider>(p => p.Add(x => x.Theme, StarTheme.Theme).Add(x => x.IsDarkMode, true).Add(x => x.ObserveSystemThemeChange, false));
        var light = Render<StarThemeProvider>(p => p.Add(x => x.Theme, StarTheme.Theme).Add(x => x.IsDarkMode, false).Add(x => x.ObserveSystemThemeChange, false));

        Assert.Equal(mud.Markup, first.Markup);
        Assert.Contains("--mud-palette-primary: rgba(140,136,255,1)", first.Markup, StringComparison.Ordinal);
        Assert.Contains("--mud-palette-primary: rgba(63,61,158,1)", light.Markup, StringComparison.Ordinal);
        var shared = StarThemeProvider.Cached(StarTheme.Theme, dark: true);
        Assert.NotNull(shared);
        Assert.Contains(shared, second.Markup, StringComparison.Ordinal);
        first.Render();
        second.Render();
        Assert.Same(shared, StarThemeProvider.Cached(StarTheme.Theme, dark: true));
        Assert.NotSame(shared, StarThemeProvider.Cached(StarTheme.Theme, dark: false));
    }
}
