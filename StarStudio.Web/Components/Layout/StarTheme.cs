using MudBlazor;

namespace StarStudio.Web.Components.Layout;

/// <summary>StarStudio's palette: night-sky indigo with a star-gold accent, in light and dark.</summary>
internal static class StarTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f3d9e",
            Secondary = "#d4a017",
            AppbarBackground = "#23214f",
            Background = "#f7f7fb",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c88ff",
            Secondary = "#f2c94c",
            AppbarBackground = "#15142e",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Roboto", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };
}
