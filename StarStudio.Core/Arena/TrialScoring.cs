using System.Text.Json;

namespace StarStudio.Core.Arena;

/// <summary>What the final score of one entry is made of.</summary>
/// <param name="SchemaValid">Whether the submitted answer matched the trial's schema.</param>
/// <param name="Rubric">Weighted mean rubric score on 1–10, or null when no judge scored the entry.</param>
/// <param name="Rating">Battle rating with its interval, or null when the trial had no votes.</param>
public sealed record ScoreInputs(bool SchemaValid, double? Rubric, RatingInterval? Rating);

/// <summary>A final score (0–100) with the interval the battle rating's interval gives it.</summary>
public readonly record struct FinalScore(double Score, double Lower, double Upper);

/// <summary>A place in the leaderboard: the point rank and the range the score intervals allow.</summary>
public readonly record struct RankRange(int Rank, int Best, int Worst)
{
    /// <summary>"3" or "2–5".</summary>
    public override string ToString() => Best == Worst ? Best.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Best}–{Worst}";
}

/// <summary>A rubric criterion of a trial: what judges score (1–10) and how much it weighs.</summary>
public sealed record RubricCriterion(string Name, string Description, double Weight);

/// <summary>Style of an answer that can sway voters regardless of content (the LMArena style covariates).</summary>
public readonly record struct AnswerStyle(int Length, int Headers, int ListItems)
{
    public double[] ToFeatures() => [Length, Headers, ListItems];
}

/// <summary>The final score formula of issue 11 (docs/arena.md has a worked example) and the rank ranges.</summary>
public static class TrialScoring
{
    public const double ValidityWeight = 0.2;
    public const double RubricWeight = 0.4;
    public const double BattleWeight = 0.4;

    public const int MinRubricScore = 1;
    public const int MaxRubricScore = 10;

    /// <summary>
    /// score = 100 · Σ wₓ·x / Σ wₓ over the parts present, with x the schema validity (1 or 0, weight 0.2), the rubric
    /// mapped from 1–10 to 0–1 (weight 0.4) and the battle part, the expected share of wins against the trial's
    /// average entry 1/(1+10^((mean−rating)/400)) (weight 0.4). A part nobody produced (no judges, no votes) is left
    /// out and the others are rescaled, so a trial without judges is scored on validity and battles alone.
    /// </summary>
    public static FinalScore Score(ScoreInputs e, double meanRating)
    {
        double Combine(double? rating)
        {
            var sum = ValidityWeight * (e.SchemaValid ? 1 : 0);
            var weight = ValidityWeight;
            if (e.Rubric is { } r)
            {
                sum += RubricWeight * (Math.Clamp(r, MinRubricScore, MaxRubricScore) - MinRubricScore) / (MaxRubricScore - MinRubricScore);
                weight += RubricWeight;
            }

            if (rating is { } x)
            {
                sum += BattleWeight * ExpectedShare(x, meanRating);
                weight += BattleWeight;
            }

            return Math.Round(100 * sum / weight, 2, MidpointRounding.AwayFromZero);
        }

        return new FinalScore(Combine(e.Rating?.Rating), Combine(e.Rating?.Lower), Combine(e.Rating?.Upper));
    }

    /// <summary>Expected share of wins against an entry rated <paramref name="opponent"/>.</summary>
    public static double ExpectedShare(double rating, double opponent) => 1 / (1 + Math.Pow(10, (opponent - rating) / 400));

    /// <summary>The weighted mean of criterion means (each the mean over judges); null when nothing was scored.</summary>
    public static double? Rubric(IReadOnlyList<RubricCriterion> criteria, IReadOnlyDictionary<string, IReadOnlyList<int>> scoresByCriterion)
    {
        double sum = 0, weight = 0;
        foreach (var c in criteria)
        {
            if (c.Weight > 0 && scoresByCriterion.TryGetValue(c.Name, out var scores) && scores.Count > 0)
            {
                sum += c.Weight * scores.Average();
                weight += c.Weight;
            }
        }

        return weight == 0 ? null : sum / weight;
    }

    /// <summary>
    /// Ranks by score (equal scores share a rank) and the range each rank could take: best = 1 + the entries whose
    /// lower bound is above this entry's upper bound (surely better), worst = 1 + the others whose upper bound
    /// reaches this entry's lower bound (not surely worse).
    /// </summary>
    public static RankRange[] Ranks(IReadOnlyList<FinalScore> scores)
    {
        var ranks = new RankRange[scores.Count];
        for (var i = 0; i < scores.Count; i++)
        {
            int rank = 1, best = 1, worst = 1;
            for (var j = 0; j < scores.Count; j++)
            {
                if (j == i)
                {
                    continue;
                }

                if (scores[j].Score > scores[i].Score)
                {
                    rank++;
                }

                if (scores[j].Lower > scores[i].Upper)
                {
                    best++;
                }

                if (scores[j].Upper >= scores[i].Lower)
                {
                    worst++;
                }
            }

            ranks[i] = new RankRange(rank, best, Math.Max(worst, rank));
        }

        return ranks;
    }

    /// <summary>The reward for a point rank from a season's table (index 0 = rank 1); 0 beyond the table.</summary>
    public static long Reward(IReadOnlyList<long> table, int rank) => rank >= 1 && rank <= table.Count ? table[rank - 1] : 0;

    /// <summary>Style of a JSON answer, measured over its string values (what a voter reads).</summary>
    public static AnswerStyle Style(JsonElement answer)
    {
        int length = 0, headers = 0, items = 0;
        void Visit(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        Visit(p.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var x in e.EnumerateArray())
                    {
                        Visit(x);
                    }

                    break;
                case JsonValueKind.String:
                    var s = e.GetString()!;
                    length += AnswerSchemas.CodePoints(s);
                    foreach (var raw in s.Split('\n'))
                    {
                        var line = raw.TrimStart();
                        if (line.StartsWith('#'))
                        {
                            headers++;
                        }
                        else if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || IsNumbered(line))
                        {
                            items++;
                        }
                    }

                    break;
            }
        }

        Visit(answer);
        return new AnswerStyle(length, headers, items);
    }

    private static bool IsNumbered(string line)
    {
        var i = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            i++;
        }

        return i > 0 && i + 1 < line.Length && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ';
    }
}
