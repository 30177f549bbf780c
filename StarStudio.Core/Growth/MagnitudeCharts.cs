using System.Globalization;

namespace StarStudio.Core.Growth;

/// <summary>
/// Geometry of the magnitude charts, drawn as plain SVG (MudBlazor 8.15 has no radar chart): shared by the panel and the
/// PDF report so both show the same picture.
/// </summary>
public static class MagnitudeCharts
{
    /// <summary>The four axes, clockwise from the top: depth, originality, consistency, utility.</summary>
    public static readonly string[] Axes = ["depth", "originality", "consistency", "utility"];

    /// <summary>SVG points ("x,y x,y …") of a radar polygon for scores 0–100 around (c, c) with radius r.</summary>
    public static string RadarPoints(IReadOnlyList<double> scores, double c, double r)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var points = new List<string>(scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            var (x, y) = Point(i, scores.Count, Math.Clamp(scores[i], 0, 100) / 100 * r, c);
            points.Add(string.Create(CultureInfo.InvariantCulture, $"{x:0.##},{y:0.##}"));
        }

        return string.Join(' ', points);
    }

    /// <summary>The end of axis <paramref name="i"/> of <paramref name="n"/> at distance <paramref name="length"/> from (c, c).</summary>
    public static (double X, double Y) Point(int i, int n, double length, double c)
    {
        var angle = -Math.PI / 2 + 2 * Math.PI * i / n;
        return (c + length * Math.Cos(angle), c + length * Math.Sin(angle));
    }

    /// <summary>The scores of a history row in axis order.</summary>
    public static double[] Scores(MagnitudeHistory h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return [(double)h.Depth, (double)h.Originality, (double)h.Consistency, (double)h.Utility];
    }

    /// <summary>SVG polyline points of the overall score over time in a w×h box (0–100 on the y axis, evenly spaced in x).</summary>
    public static string HistoryPoints(IReadOnlyList<MagnitudePoint> history, double w, double h)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return "";
        }

        var step = history.Count == 1 ? 0 : w / (history.Count - 1);
        return string.Join(' ', history.Select((p, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{(history.Count == 1 ? w / 2 : i * step):0.##},{h - (double)Math.Clamp(p.Overall, 0, 100) / 100 * h:0.##}")));
    }

    /// <summary>Grey, blue, green, purple, amber: brighter stars, warmer colours; each keeps 4.5:1 against white text.</summary>
    public static string LevelColour(MagnitudeLevel level) => level switch
    {
        MagnitudeLevel.L1 => "#616161",
        MagnitudeLevel.L2 => "#1565c0",
        MagnitudeLevel.L3 => "#2e7d32",
        MagnitudeLevel.L4 => "#6a1b9a",
        _ => "#a15c00",
    };

    /// <summary>A score as the page prints it.</summary>
    public static string Format(double score) => score.ToString("0.0", CultureInfo.CurrentCulture);
}
