using StarStudio.Core.Arena;

namespace StarStudio.Tests.Unit.Arena;

public sealed class BradleyTerryTests
{
    private static BattleVote V(int a, int b, BattleOutcome o) => new(a, b, o);

    private static List<BattleVote> Repeat(int times, BattleVote v) => Enumerable.Repeat(v, times).ToList();

    /// <summary>The reference: plain gradient ascent on the same penalised log-likelihood, written out independently.</summary>
    private static double[] GradientAscent(int n, IReadOnlyList<BattleVote> votes, double prior, double[][]? z = null, int k = 0)
    {
        var w = new double[n + k];
        for (var step = 0; step < 200_000; step++)
        {
            var g = new double[n + k];
            for (var i = 0; i < n; i++)
            {
                g[i] += prior * (0.5 - (1 / (1 + Math.Exp(-w[i]))));
            }

            for (var v = 0; v < votes.Count; v++)
            {
                var y = votes[v].Outcome switch { BattleOutcome.AWins => 1.0, BattleOutcome.BWins => 0.0, _ => 0.5 };
                var eta = w[votes[v].A] - w[votes[v].B];
                for (var f = 0; f < k; f++)
                {
                    eta += w[n + f] * z![v][f];
                }

                var r = y - (1 / (1 + Math.Exp(-eta)));
                g[votes[v].A] += r;
                g[votes[v].B] -= r;
                for (var f = 0; f < k; f++)
                {
                    g[n + f] += r * z![v][f];
                }
            }

            var largest = 0.0;
            for (var i = 0; i < w.Length; i++)
            {
                w[i] += 0.02 * g[i];
                largest = Math.Max(largest, Math.Abs(g[i]));
            }

            if (largest < 1e-11)
            {
                break;
            }
        }

        return w;
    }

    private static readonly List<BattleVote> Small =
    [
        .. Repeat(5, V(0, 1, BattleOutcome.AWins)),
        .. Repeat(2, V(1, 0, BattleOutcome.AWins)),
        .. Repeat(3, V(1, 2, BattleOutcome.AWins)),
        .. Repeat(2, V(2, 1, BattleOutcome.Tie)),
        .. Repeat(4, V(0, 3, BattleOutcome.AWins)),
        .. Repeat(1, V(3, 0, BattleOutcome.BothBad)),
        .. Repeat(2, V(2, 3, BattleOutcome.BWins)),
        .. Repeat(3, V(3, 2, BattleOutcome.BWins)),
        .. Repeat(1, V(0, 2, BattleOutcome.Tie)),
    ];

    [Fact]
    public void TwoEntries_ThreeWinsToOne_DifferByLogThree()
    {
        // By hand: without a prior the MLE has p0/p1 = 3/1.
        var votes = Repeat(3, V(0, 1, BattleOutcome.AWins)).Concat(Repeat(1, V(0, 1, BattleOutcome.BWins))).ToList();
        var theta = BradleyTerry.Fit(2, votes, prior: 0);
        Assert.Equal(Math.Log(3), theta[0] - theta[1], 8);
    }

    [Fact]
    public void Ties_CountAsHalfWins()
    {
        // 1 win + 2 ties = 2 "wins" to 1: ratio 2.
        var votes = new List<BattleVote> { V(0, 1, BattleOutcome.AWins), V(0, 1, BattleOutcome.Tie), V(1, 0, BattleOutcome.Tie) };
        var theta = BradleyTerry.Fit(2, votes, prior: 0);
        Assert.Equal(Math.Log(2), theta[0] - theta[1], 8);
    }

    [Fact]
    public void Fit_MatchesGradientAscent_OnASmallCase()
    {
        var expected = GradientAscent(4, Small, BradleyTerry.Prior);
        var actual = BradleyTerry.Fit(4, Small);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], actual[i], 6);
        }

        Assert.True(actual[0] > actual[1] && actual[1] > actual[2]);
    }

    [Fact]
    public void UnbeatenAndUnvotedEntries_StayFinite()
    {
        var theta = BradleyTerry.Fit(3, Repeat(10, V(0, 1, BattleOutcome.AWins)));
        Assert.All(theta, t => Assert.True(double.IsFinite(t)));
        Assert.Equal(0, theta[2], 10); // no votes: the prior keeps it at the reference
        Assert.True(theta[0] > 0 && theta[1] < 0);
    }

    [Fact]
    public void StyleFit_WithoutStyleDifferences_EqualsPlainFit()
    {
        var style = Enumerable.Range(0, 4).Select(_ => new double[] { 100, 2, 5 }).ToList();
        var (theta, beta) = BradleyTerry.FitWithStyle(4, Small, style);
        var plain = BradleyTerry.Fit(4, Small);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(plain[i], theta[i], 6);
        }

        Assert.All(beta, b => Assert.Equal(0, b, 8));
    }

    [Fact]
    public void StyleFit_MatchesGradientAscent()
    {
        double[][] style = [[300, 1], [100, 0], [200, 3], [50, 0]];
        var z = Small.Select(v => style[v.A].Zip(style[v.B], (a, b) => a + b == 0 ? 0 : (a - b) / (a + b)).ToArray()).ToArray();
        for (var f = 0; f < 2; f++)
        {
            var mean = z.Average(x => x[f]);
            var sd = Math.Sqrt(z.Average(x => (x[f] - mean) * (x[f] - mean)));
            foreach (var x in z)
            {
                x[f] /= sd;
            }
        }

        var expected = GradientAscent(4, Small, BradleyTerry.Prior, z, 2);
        var (theta, beta) = BradleyTerry.FitWithStyle(4, Small, style);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], theta[i], 5);
        }

        Assert.Equal(expected[4], beta[0], 5);
        Assert.Equal(expected[5], beta[1], 5);
    }

    [Fact]
    public void Rate_IntervalsContainThePoint_AndRepeatWithTheSeed()
    {
        var a = BradleyTerry.Rate(4, Small, rounds: 200, seed: 5);
        var b = BradleyTerry.Rate(4, Small, rounds: 200, seed: 5);
        Assert.Equal(a.Plain, b.Plain);
        Assert.Equal(200, a.Rounds);
        var theta = BradleyTerry.Fit(4, Small);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(BradleyTerry.ToRating(theta[i]), a.Plain[i].Rating, 9);
            Assert.True(a.Plain[i].Lower <= a.Plain[i].Rating && a.Plain[i].Rating <= a.Plain[i].Upper);
            Assert.True(a.Plain[i].Upper > a.Plain[i].Lower);
        }
    }

    [Fact]
    public void Rate_MoreVotesGiveNarrowerIntervals()
    {
        var few = BradleyTerry.Rate(4, Small);
        var many = BradleyTerry.Rate(4, Enumerable.Range(0, 10).SelectMany(_ => Small).ToList());
        for (var i = 0; i < 4; i++)
        {
            Assert.True(many.Plain[i].Upper - many.Plain[i].Lower < few.Plain[i].Upper - few.Plain[i].Lower);
        }
    }

    [Fact]
    public void Rate_NoVotes_EveryoneAtTheReference()
    {
        var r = BradleyTerry.Rate(3, []);
        Assert.All(r.Plain, p => Assert.Equal(new RatingInterval(1000, 1000, 1000), p));
    }

    [Fact]
    public void Fit_RefusesUnknownEntries() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BradleyTerry.Fit(2, [V(0, 2, BattleOutcome.AWins)]));
}
