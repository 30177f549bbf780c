using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace StarStudio.Web.Components.Layout;

/// <summary>
/// <see cref="MudThemeProvider"/> with its stylesheet built once per theme and mode and shared by every circuit.
/// MudBlazor's provider renders the theme's whole stylesheet (about 12,000 characters of CSS variables) as a new string
/// on every render, and a circuit keeps two of them (its current and its previous render tree): about 50 KB per
/// circuit for the same text (docs/scaling.md, "What a circuit holds"). The markup rendered is the same as MudBlazor's.
/// A theme is treated as immutable once rendered: StarStudio's own is static, and a theme pack builds a new instance.
/// </summary>
public sealed class StarThemeProvider : MudThemeProvider
{
    private const string ChartStyle =
        "<style>\n    .mud-chart-serie:hover {\n        filter: url(#lighten);\n    }\n\n    .mud-chart-serie-hovered \n    {\n        filter: url(#lighten);\n    }\n</style>\n\n";

    private static readonly ConditionalWeakTable<MudTheme, string?[]> Stylesheets = new();
    private static readonly Lazy<string> Scrollbar = new(BuildMudBlazorScrollbar);
    private static readonly MudTheme DefaultTheme = new();

    /// <summary>The stylesheet of a theme and mode, built on first use.</summary>
    private string Stylesheet()
    {
        var theme = Theme ?? DefaultTheme;
        var byMode = Stylesheets.GetValue(theme, _ => new string?[2]);
        var mode = IsDarkMode ? 1 : 0;
        // Two circuits may build the same text at once; either result is the same, one of them is kept.
        return byMode[mode] ??= BuildTheme();
    }

    /// <summary>The stylesheet built for a theme and mode, if one was (for tests).</summary>
    internal static string? Cached(MudTheme theme, bool dark) => Stylesheets.TryGetValue(theme, out var byMode) ? byMode[dark ? 1 : 0] : null;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (!DefaultScrollbar)
        {
            builder.AddMarkupContent(0, Scrollbar.Value);
        }

        builder.AddMarkupContent(1, ChartStyle);
        builder.AddMarkupContent(2, Stylesheet());
    }
}
