namespace StarStudio.Core.Arena;

/// <summary>How a blind battle ended, from the point of view of the entry shown on the left (A).</summary>
public enum BattleOutcome
{
    AWins,
    BWins,
    Tie,
    BothBad,
}

/// <summary>One vote: entry indices <paramref name="A"/> and <paramref name="B"/> (0..n-1) and its outcome.</summary>
public readonly record struct BattleVote(int A, int B, BattleOutcome Outcome);

/// <summary>A rating with its bootstrap 95% interval, on the Elo-like scale (1000 = the reference, 400 per factor 10).</summary>
public readonly record struct RatingInterval(double Rating, double Lower, double Upper);

/// <summary>Ratings with and without style control, and the style coefficients.</summary>
/// <param name="Plain">Bradley–Terry ratings (no style covariates), with bootstrap intervals.</param>
/// <param name="Controlled">Ratings with the style covariates in the model (point estimates).</param>
/// <param name="StyleCoefficients">One logit coefficient per style feature, per standard deviation of its normalised difference.</param>
/// <param name="Rounds">Bootstrap rounds run.</param>
public sealed record ArenaRatings(
    IReadOnlyList<RatingInterval> Plain,
    IReadOnlyList<double> Controlled,
    IReadOnlyList<double> StyleCoefficients,
    int Rounds);

/// <summary>
/// Bradley–Terry maximum likelihood over pairwise votes (issue 11, the public LMArena method): ties and "both bad"
/// count as half a win each way; every entry also plays <see cref="Prior"/> virtual ties against a fixed reference of
/// strength 1, which keeps an entry with no wins (or no votes) finite and pins the scale (rating 1000 = reference).
/// </summary>
public static class BradleyTerry
{
    /// <summary>Virtual tie games against the reference per entry (a weak prior: one virtual game).</summary>
    public const double Prior = 1.0;

    /// <summary>Elo-like points per unit of log-strength: 400 / ln 10.</summary>
    public const double Scale = 400 / 2.302585092994046;

    public const double Base = 1000;

    public const int DefaultRounds = 200;

    private const int MaxIterations = 100;
    private const double Tolerance = 1e-10;

    /// <summary>Log-strengths θ maximising the likelihood (Newton iterations over the pair tallies, with the virtual reference).</summary>
    public static double[] Fit(int n, IReadOnlyList<BattleVote> votes, double prior = Prior) =>
        Fit(n, Tally(n, votes), prior, null);

    /// <summary>Converts a log-strength to the rating scale.</summary>
    public static double ToRating(double theta) => Base + (Scale * theta);

    /// <summary>
    /// Fits, then refits on <paramref name="rounds"/> bootstrap resamples of the votes (seeded, so a re-run gives the same
    /// intervals) for percentile 95% intervals; style control is fitted on the full data when features are given.
    /// </summary>
    /// <param name="style">Per entry, its style features (e.g. length, headers, list items); null to skip style control.</param>
    public static ArenaRatings Rate(int n, IReadOnlyList<BattleVote> votes, int rounds = DefaultRounds, int seed = 11,
        IReadOnlyList<double[]>? style = null)
    {
        var full = Fit(n, Tally(n, votes), Prior, null);
        var samples = new double[rounds][];
        if (votes.Count > 0)
        {
            // Each round draws its own resample from its own seeded generator, so the result does not depend on how
            // rounds are spread over threads.
            Parallel.For(0, rounds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, r =>
            {
                var rng = new Random(HashCode.Combine(seed, r));
                var tally = new PairTally(n);
                for (var k = 0; k < votes.Count; k++)
                {
                    tally.Add(votes[rng.Next(votes.Count)]);
                }

                samples[r] = Fit(n, tally, Prior, full);
            });
        }
        else
        {
            for (var r = 0; r < rounds; r++)
            {
                samples[r] = (double[])full.Clone();
            }
        }

        var plain = new RatingInterval[n];
        var column = new double[rounds];
        for (var i = 0; i < n; i++)
        {
            for (var r = 0; r < rounds; r++)
            {
                column[r] = samples[r][i];
            }

            Array.Sort(column);
            plain[i] = new RatingInterval(ToRating(full[i]), ToRating(Percentile(column, 0.025)), ToRating(Percentile(column, 0.975)));
        }

        if (style is null)
        {
            return new ArenaRatings(plain, plain.Select(p => p.Rating).ToArray(), [], rounds);
        }

        var (theta, beta) = FitWithStyle(n, votes, style);
        return new ArenaRatings(plain, theta.Select(ToRating).ToArray(), beta, rounds);
    }

    /// <summary>
    /// The LMArena style-control model: logit P(A beats B) = θ_A − θ_B + Σ β_k·z_k, where z_k is the normalised style
    /// difference (a−b)/(a+b) of feature k, standardised over the votes. Same virtual-reference prior on θ, none on β.
    /// Solved by Newton's method on the concave log-likelihood.
    /// </summary>
    public static (double[] Theta, double[] Beta) FitWithStyle(int n, IReadOnlyList<BattleVote> votes, IReadOnlyList<double[]> style,
        double prior = Prior)
    {
        var k = style.Count == 0 ? 0 : style[0].Length;
        var z = new double[votes.Count][];
        for (var v = 0; v < votes.Count; v++)
        {
            z[v] = new double[k];
            for (var f = 0; f < k; f++)
            {
                var a = style[votes[v].A][f];
                var b = style[votes[v].B][f];
                z[v][f] = a + b == 0 ? 0 : (a - b) / (a + b);
            }
        }

        for (var f = 0; f < k; f++)
        {
            var mean = votes.Count == 0 ? 0 : z.Average(x => x[f]);
            var sd = votes.Count == 0 ? 0 : Math.Sqrt(z.Average(x => (x[f] - mean) * (x[f] - mean)));
            foreach (var x in z)
            {
                // A feature that never varies carries no information; zero it instead of dividing by zero.
                x[f] = sd < 1e-12 ? 0 : x[f] / sd;
            }
        }

        var m = n + k;
        var w = new double[m];
        var idx = new int[2 + k];
        var val = new double[2 + k];
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var grad = new double[m];
            var hess = new double[m, m];
            for (var i = 0; i < n; i++)
            {
                // Virtual ties against the reference (θ = 0): prior·(½ − σ(θ_i)) and curvature prior·σ(1−σ).
                var s = Sigmoid(w[i]);
                grad[i] += prior * (0.5 - s);
                hess[i, i] += prior * s * (1 - s);
            }

            for (var v = 0; v < votes.Count; v++)
            {
                var (a, b, outcome) = votes[v];
                var y = outcome switch { BattleOutcome.AWins => 1.0, BattleOutcome.BWins => 0.0, _ => 0.5 };
                var eta = w[a] - w[b];
                for (var f = 0; f < k; f++)
                {
                    eta += w[n + f] * z[v][f];
                }

                var p = Sigmoid(eta);
                var r = y - p;
                var c = p * (1 - p);

                // x = e_a − e_b + z: accumulate x·r and x·xᵀ·c sparsely.
                idx[0] = a;
                val[0] = 1;
                idx[1] = b;
                val[1] = -1;
                for (var f = 0; f < k; f++)
                {
                    idx[2 + f] = n + f;
                    val[2 + f] = z[v][f];
                }

                for (var s1 = 0; s1 < idx.Length; s1++)
                {
                    grad[idx[s1]] += val[s1] * r;
                    for (var s2 = 0; s2 < idx.Length; s2++)
                    {
                        hess[idx[s1], idx[s2]] += val[s1] * val[s2] * c;
                    }
                }
            }

            // Tiny ridge on the diagonal so a style column of zeros keeps the system solvable.
            for (var i = 0; i < m; i++)
            {
                hess[i, i] += 1e-9;
            }

            var step = Solve(hess, grad);
            var largest = 0.0;
            for (var i = 0; i < m; i++)
            {
                w[i] += step[i];
                largest = Math.Max(largest, Math.Abs(step[i]));
            }

            if (largest < 1e-10)
            {
                break;
            }
        }

        return (w[..n], w[n..]);
    }

    /// <summary>Wins (ties counted half) and games per unordered pair.</summary>
    internal sealed class PairTally(int n)
    {
        public readonly double[] Wins = new double[n * n];
        public readonly double[] Games = new double[n * n];

        public void Add(BattleVote v)
        {
            if (v.A == v.B)
            {
                return;
            }

            var (aw, bw) = v.Outcome switch
            {
                BattleOutcome.AWins => (1.0, 0.0),
                BattleOutcome.BWins => (0.0, 1.0),
                _ => (0.5, 0.5),
            };

            Wins[(v.A * n) + v.B] += aw;
            Wins[(v.B * n) + v.A] += bw;
            Games[(v.A * n) + v.B] += 1;
            Games[(v.B * n) + v.A] += 1;
        }
    }

    private static PairTally Tally(int n, IReadOnlyList<BattleVote> votes)
    {
        var t = new PairTally(n);
        foreach (var v in votes)
        {
            if ((uint)v.A >= n || (uint)v.B >= n)
            {
                throw new ArgumentOutOfRangeException(nameof(votes), "A vote names an entry outside 0..n-1.");
            }

            t.Add(v);
        }

        return t;
    }

    private static double[] Fit(int n, PairTally tally, double prior, double[]? start)
    {
        // Pairs with games, each once (i < j): a trial has at most n(n−1)/2 of them, whatever the number of votes.
        var pairs = new List<(int I, int J, double Games, double WinsI)>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var games = tally.Games[(i * n) + j];
                if (games > 0)
                {
                    pairs.Add((i, j, games, tally.Wins[(i * n) + j]));
                }
            }
        }

        // Newton's method on the concave log-likelihood (MM needs thousands of sweeps at 100 entries; Newton about
        // ten), with step halving so a far start (an unbeaten entry) never overshoots.
        var theta = start is null ? new double[n] : (double[])start.Clone();
        var current = LogLikelihood(theta, pairs, prior);
        var grad = new double[n];
        var hess = new double[n, n];
        var trial = new double[n];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            Array.Clear(grad);
            Array.Clear(hess);
            for (var i = 0; i < n; i++)
            {
                var s = Sigmoid(theta[i]);
                grad[i] = prior * (0.5 - s);
                hess[i, i] = (prior * s * (1 - s)) + 1e-12;
            }

            foreach (var (i, j, games, winsI) in pairs)
            {
                var p = Sigmoid(theta[i] - theta[j]);
                var r = winsI - (games * p);
                var c = games * p * (1 - p);
                grad[i] += r;
                grad[j] -= r;
                hess[i, i] += c;
                hess[j, j] += c;
                hess[i, j] -= c;
                hess[j, i] -= c;
            }

            var step = Solve(hess, grad);
            var scale = 1.0;
            double next;
            while (true)
            {
                for (var i = 0; i < n; i++)
                {
                    trial[i] = theta[i] + (scale * step[i]);
                }

                next = LogLikelihood(trial, pairs, prior);
                if (next >= current - 1e-12 || scale < 1e-6)
                {
                    break;
                }

                scale /= 2;
            }

            var largest = 0.0;
            for (var i = 0; i < n; i++)
            {
                largest = Math.Max(largest, Math.Abs(trial[i] - theta[i]));
            }

            (theta, trial) = (trial, theta);
            current = next;
            if (largest < Tolerance)
            {
                break;
            }
        }

        return theta;
    }

    private static double LogLikelihood(double[] theta, List<(int I, int J, double Games, double WinsI)> pairs, double prior)
    {
        var sum = 0.0;
        for (var i = 0; i < theta.Length; i++)
        {
            sum += prior * 0.5 * (LogSigmoid(theta[i]) + LogSigmoid(-theta[i]));
        }

        foreach (var (i, j, games, winsI) in pairs)
        {
            var d = theta[i] - theta[j];
            sum += (winsI * LogSigmoid(d)) + ((games - winsI) * LogSigmoid(-d));
        }

        return sum;
    }

    private static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

    private static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Solves H·x = g for a symmetric positive definite H (Cholesky).</summary>
    private static double[] Solve(double[,] h, double[] g)
    {
        var m = g.Length;
        var l = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = h[i, j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-300)) : sum / l[j, j];
            }
        }

        var y = new double[m];
        for (var i = 0; i < m; i++)
        {
            var sum = g[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[i, k] * y[k];
            }

            y[i] = sum / l[i, i];
        }

        var x = new double[m];
        for (var i = m - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < m; k++)
            {
                sum -= l[k, i] * x[k];
            }

            x[i] = sum / l[i, i];
        }

        return x;
    }
}
