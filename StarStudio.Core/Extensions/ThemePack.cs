using System.Globalization;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Extensions;

/// <summary>
/// CSS colours a theme pack may use: <c>#rgb</c>, <c>#rgba</c>, <c>#rrggbb</c>, <c>#rrggbbaa</c>, <c>rgb()</c>/<c>rgba()</c>
/// (numbers or percentages, comma or space separated) and <c>hsl()</c>/<c>hsla()</c>. Every accepted colour is normalised to
/// <c>#rrggbb</c> or <c>#rrggbbaa</c>, which is what MudBlazor's palette reads. Named colours (<c>red</c>) and
/// <c>var(...)</c> are refused with a message saying which forms to use: a pack is data, not a stylesheet.
/// </summary>
public static partial class CssColor
{
    /// <summary>The colour as <c>#rrggbb</c>/<c>#rrggbbaa</c>, or null when it is not one of the accepted CSS forms.</summary>
    public static string? Normalize(string? value)
    {
        var text = (value ?? "").Trim().ToLowerInvariant();
        if (text.Length is 0 or > 64)
        {
            return null;
        }

        if (text[0] == '#')
        {
            var hex = text[1..];
            if (!hex.All(char.IsAsciiHexDigit) || hex.Length is not (3 or 4 or 6 or 8))
            {
                return null;
            }

            if (hex.Length <= 4)
            {
                hex = string.Concat(hex.Select(c => $"{c}{c}"));
            }

            return "#" + (hex.Length == 8 && hex.EndsWith("ff", StringComparison.Ordinal) ? hex[..6] : hex);
        }

        var m = Function().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var name = m.Groups["name"].Value;
        var args = m.Groups["args"].Value.Replace('/', ' ').Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (args.Length is not (3 or 4))
        {
            return null;
        }

        double alpha = 1;
        if (args.Length == 4 && !TryNumber(args[3], 1, out alpha))
        {
            return null;
        }

        double r, g, b;
        if (name.StartsWith("rgb", StringComparison.Ordinal))
        {
            if (!TryNumber(args[0], 255, out r) || !TryNumber(args[1], 255, out g) || !TryNumber(args[2], 255, out b))
            {
                return null;
            }
        }
        else
        {
            if (!double.TryParse(args[0].Replace("deg", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var h)
                || !args[1].EndsWith('%') || !args[2].EndsWith('%')
                || !TryNumber(args[1], 1, out var s) || !TryNumber(args[2], 1, out var l))
            {
                return null;
            }

            (r, g, b) = FromHsl(((h % 360) + 360) % 360, s, l);
        }

        if (r > 255 || g > 255 || b > 255 || alpha > 1)
        {
            return null;
        }

        var hexOut = $"#{(int)Math.Round(r):x2}{(int)Math.Round(g):x2}{(int)Math.Round(b):x2}";
        return alpha >= 1 ? hexOut : hexOut + ((int)Math.Round(alpha * 255)).ToString("x2", CultureInfo.InvariantCulture);
    }

    /// <summary>A number, or a percentage of <paramref name="scale"/>; never negative.</summary>
    private static bool TryNumber(string text, double scale, out double value)
    {
        var percent = text.EndsWith('%');
        var ok = double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        if (!ok || value < 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return false;
        }

        if (percent)
        {
            if (value > 100)
            {
                return false;
            }

            value = value / 100 * scale;
        }

        return true;
    }

    private static (double R, double G, double B) FromHsl(double h, double s, double l)
    {
        var c = (1 - Math.Abs(2 * l - 1)) * s;
        var x = c * (1 - Math.Abs(h / 60 % 2 - 1));
        var m = l - c / 2;
        var (r, g, b) = h switch
        {
            < 60 => (c, x, 0d),
            < 120 => (x, c, 0d),
            < 180 => (0d, c, x),
            < 240 => (0d, x, c),
            < 300 => (x, 0d, c),
            _ => (c, 0d, x),
        };
        return ((r + m) * 255, (g + m) * 255, (b + m) * 255);
    }

    [GeneratedRegex(@"^(?<name>rgba?|hsla?)\((?<args>[^()]*)\)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Function();
}

/// <summary>
/// A theme pack's colours (payload <c>{"light": {...}, "dark": {...}}</c>): each key one of <see cref="Keys"/>, each value
/// a CSS colour (normalised). The app builds a MudBlazor palette from it for the user who enabled the pack; keys the pack
/// leaves out keep StarStudio's colours.
/// </summary>
public sealed record ThemePalette(IReadOnlyDictionary<string, string> Light, IReadOnlyDictionary<string, string> Dark)
{
    /// <summary>The palette entries a pack may set (MudBlazor palette property names in camelCase).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "primary", "secondary", "tertiary", "info", "success", "warning", "error",
        "appbarBackground", "appbarText", "background", "surface", "drawerBackground", "drawerText",
        "textPrimary", "textSecondary", "actionDefault", "lines",
    ];
}
