using MudBlazor.Utilities;
using StarStudio.Core.Extensions;
using StarStudio.Web.Components.Extensions;

namespace StarStudio.Tests.Unit.Extensions;

public sealed class ExtensionThemeTests
{
    [Fact]
    public void Build_LaysThePacksColoursOverStarStudiosTheme()
    {
        var pack = new ThemePalette(
            new Dictionary<string, string> { ["primary"] = "#2e7d32", ["appbarBackground"] = "#1b5e20", ["lines"] = "#00000080" },
            new Dictionary<string, string> { ["secondary"] = "#ffb74d" });

        var theme = ExtensionTheme.Build(pack);

        Assert.Equal((0x2e, 0x7d, 0x32, 0xff), Rgba(theme.PaletteLight.Primary));
        Assert.Equal((0x1b, 0x5e, 0x20, 0xff), Rgba(theme.PaletteLight.AppbarBackground));
        Assert.Equal((0x00, 0x00, 0x00, 0x80), Rgba(theme.PaletteLight.LinesDefault));
        Assert.Equal((0xd4, 0xa0, 0x17, 0xff), Rgba(theme.PaletteLight.Secondary)); // StarStudio's gold: not in the pack
        Assert.Equal((0xff, 0xb7, 0x4d, 0xff), Rgba(theme.PaletteDark.Secondary));
        Assert.Equal((0x8c, 0x88, 0xff, 0xff), Rgba(theme.PaletteDark.Primary));
    }

    private static (int R, int G, int B, int A) Rgba(MudColor c) => (c.R, c.G, c.B, c.A);
}
