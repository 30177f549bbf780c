using System.Globalization;

namespace StarStudio.Bench.Stars;

/// <summary>Timings of one measured operation, in milliseconds.</summary>
internal sealed class Timings(string name)
{
    private readonly List<double> samples = [];

    public string Name { get; } = name;
    public int Count => samples.Count;

    public void Add(TimeSpan elapsed) => samples.Add(elapsed.TotalMilliseconds);

    /// <summary>Nearest-rank percentile (p in 0..100).</summary>
    public double Percentile(double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Max => samples.Count == 0 ? double.NaN : samples.Max();
}

internal static class Table
{
    /// <summary>Prints a Markdown table, so the output can be pasted into docs/performance.md as it is.</summary>
    public static void Print(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(Math.Max(h.Length, 3), all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        Console.WriteLine("| " + string.Join(" | ", headers.Select((h, i) => h.PadRight(widths[i]))) + " |");
        Console.WriteLine("| " + string.Join(" | ", widths.Select((w, i) => i == 0 ? new string('-', w) : new string('-', w - 1) + ":")) + " |");
        foreach (var row in all)
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        }
    }

    public static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
