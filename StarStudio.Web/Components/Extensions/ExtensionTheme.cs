using MudBlazor;
using MudBlazor.Utilities;
using StarStudio.Core.Extensions;
using StarStudio.Web.Components.Layout;

namespace StarStudio.Web.Components.Extensions;

/// <summary>
/// A MudBlazor theme from an enabled theme pack: StarStudio's theme with the pack's colours laid over it (keys the pack
/// leaves out keep StarStudio's). The colours were validated and normalised to hex when the pack was published.
/// </summary>
public static class ExtensionTheme
{
    public static MudTheme Build(ThemePalette pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var source = StarTheme.Theme;
        var light = new PaletteLight
        {
            Primary = source.PaletteLight.Primary,
            Secondary = source.PaletteLight.Secondary,
            AppbarBackground = source.PaletteLight.AppbarBackground,
            Background = source.PaletteLight.Background,
        };
        var dark = new PaletteDark
        {
            Primary = source.PaletteDark.Primary,
            Secondary = source.PaletteDark.Secondary,
            AppbarBackground = source.PaletteDark.AppbarBackground,
        };
        Apply(light, pack.Light);
        Apply(dark, pack.Dark);
        return new MudTheme { PaletteLight = light, PaletteDark = dark, Typography = source.Typography, LayoutProperties = source.LayoutProperties };
    }

    private static void Apply(Palette palette, IReadOnlyDictionary<string, string> colours)
    {
        foreach (var (key, value) in colours)
        {
            MudColor colour = value;
            switch (key)
            {
                case "primary": palette.Primary = colour; break;
                case "secondary": palette.Secondary = colour; break;
                case "tertiary": palette.Tertiary = colour; break;
                case "info": palette.Info = colour; break;
                case "success": palette.Success = colour; break;
                case "warning": palette.Warning = colour; break;
                case "error": palette.Error = colour; break;
                case "appbarBackground": palette.AppbarBackground = colour; break;
                case "appbarText": palette.AppbarText = colour; break;
                case "background": palette.Background = colour; break;
                case "surface": palette.Surface = colour; break;
                case "drawerBackground": palette.DrawerBackground = colour; break;
                case "drawerText": palette.DrawerText = colour; break;
                case "textPrimary": palette.TextPrimary = colour; break;
                case "textSecondary": palette.TextSecondary = colour; break;
                case "actionDefault": palette.ActionDefault = colour; break;
                case "lines": palette.LinesDefault = colour; break;
            }
        }
    }
}
