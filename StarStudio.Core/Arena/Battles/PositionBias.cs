namespace StarStudio.Core.Arena.Battles;

/// <summary>
/// How often the entry shown on the left (A) won the decisive votes (A better / B better; ties and "both bad" carry
/// no side). <see cref="Low"/>–<see cref="High"/> is the 95% Wilson score interval; <see cref="DiffersFromHalf"/> is
/// true when 0.5 lies outside it (the score test of share = 0.5 at the 5% level, which that interval inverts).
/// </summary>
public sealed record PositionBiasReport(int LeftWins, int DecisiveVotes, double? LeftShare, double Low, double High, bool DiffersFromHalf);

/// <summary>The position-bias report (issue 11 §3: "position randomised and the A/B position bias reported").</summary>
public static class PositionBias
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    public static PositionBiasReport Report(int leftWins, int decisiveVotes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leftWins);
        ArgumentOutOfRangeException.ThrowIfLessThan(decisiveVotes, leftWins);
        if (decisiveVotes == 0)
        {
            return new PositionBiasReport(0, 0, null, 0, 1, false);
        }

        double n = decisiveVotes;
        var p = leftWins / n;
        const double z2 = Z95 * Z95;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        var low = Math.Max(0, centre - half);
        var high = Math.Min(1, centre + half);
        return new PositionBiasReport(leftWins, decisiveVotes, p, low, high, 0.5 < low || 0.5 > high);
    }
}
