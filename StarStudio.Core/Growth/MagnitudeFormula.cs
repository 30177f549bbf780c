using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarStudio.Core.Growth;

/// <summary>
/// The magnitude (星等) formula, docs/magnitude.md: every sub-signal is shrunk toward 50 by its evidence
/// (<c>(n·raw + k·50)/(n + k)</c>), a dimension is the weighted sum of its sub-signals, overall =
/// 0.3·depth + 0.2·originality + 0.2·consistency + 0.3·utility, and the level follows the thresholds, lowered when
/// L4 or L5 lacks the ratings and players they demand.
/// </summary>
public static class MagnitudeFormula
{
    /// <summary>Bumped when the formula changes, so history rows say which one made them.</summary>
    public const int Version = 1;

    public const double Prior = 50;

    public const double DepthWeight = 0.3, OriginalityWeight = 0.2, ConsistencyWeight = 0.2, UtilityWeight = 0.3;

    /// <summary>Lower bounds of L2…L5 on the overall score.</summary>
    public const double L2From = 40, L3From = 55, L4From = 70, L5From = 85;

    /// <summary>L4 needs this many ratings and distinct players; L5 the larger pair.</summary>
    public const int L4Ratings = 50, L4Players = 10, L5Ratings = 200, L5Players = 50;

    // Shrinkage strengths (k): how many observations weigh as much as the prior. Per-answer signals are noisy one by one
    // (an answer without a citation may simply not need one), so 10; a rating or a label is a deliberate judgement, 5;
    // a judge's rubric score is a careful one, 3; a probe pair is chosen to measure exactly this, 2.
    public const double KCited = 10, KDepthLabel = 5, KRubric = 3, KCopied = 10, KProbe = 2, KRegenerated = 5;
    public const double KRating = 5, KUseful = 5, KSkill = 10, KReturning = 5;

    /// <summary>Shrinks <paramref name="raw"/> (0–100) toward <see cref="Prior"/>: with n = 0 the prior, with n ≫ k the measurement.</summary>
    public static double Shrink(double? raw, int n, double k) =>
        raw is { } r && n > 0 ? (n * Math.Clamp(r, 0, 100) + k * Prior) / (n + k) : Prior;

    /// <summary>The level an overall score reaches, before the evidence caps.</summary>
    public static MagnitudeLevel LevelOf(double overall) => overall switch
    {
        >= L5From => MagnitudeLevel.L5,
        >= L4From => MagnitudeLevel.L4,
        >= L3From => MagnitudeLevel.L3,
        >= L2From => MagnitudeLevel.L2,
        _ => MagnitudeLevel.L1,
    };

    /// <summary>Scores a star's signals. Pure: the same signals always give the same scores.</summary>
    public static MagnitudeScores Evaluate(MagnitudeSignals s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var depth = Dimension("depth",
            Part("cited", Share(s.CitedAnswers, s.Answers), s.Answers, KCited, 0.5),
            Part("depth_label", Share(s.DepthLabels, s.Ratings), s.Ratings, KDepthLabel, 0.25),
            Part("rubric_depth", s.RubricDepthScores > 0 ? (s.RubricDepthMean - 1) / 9 * 100 : null, s.RubricDepthScores, KRubric, 0.25));
        var originality = Dimension("originality",
            Part("not_copied", s.CopiedSamples > 0 ? (1 - s.CopiedShareMean) * 100 : null, s.CopiedSamples, KCopied, 1));
        var consistency = Dimension("consistency",
            Part("probe_agreement", s.ProbePairs > 0 ? s.ProbeAgreementMean * 100 : null, s.ProbePairs, KProbe, 0.6),
            Part("regenerated_agreement", s.RegeneratedPairs > 0 ? s.RegeneratedSimilarityMean * 100 : null, s.RegeneratedPairs, KRegenerated, 0.4));
        var utility = Dimension("utility",
            Part("rating", s.Ratings > 0 ? (s.RatingMean - 1) / 4 * 100 : null, s.Ratings, KRating, 0.4),
            Part("useful_label", Share(s.UsefulLabels, s.Ratings), s.Ratings, KUseful, 0.2),
            Part("skill_success", Share(s.SkillCallsSucceeded, s.SkillCalls), s.SkillCalls, KSkill, 0.2),
            Part("returning_players", Share(s.ReturningPlayers, s.Players), s.Players, KReturning, 0.2));

        // Overall is computed from the rounded dimension scores, so the stored numbers add up for a reader.
        var overall = Round(DepthWeight * depth.Score + OriginalityWeight * originality.Score
                            + ConsistencyWeight * consistency.Score + UtilityWeight * utility.Score);
        var reached = LevelOf(overall);
        var given = Capped(reached, s.Ratings, s.Players);
        MagnitudeCap? cap = null;
        if (given != reached)
        {
            var (ratingsNeeded, playersNeeded) = reached == MagnitudeLevel.L5 && given == MagnitudeLevel.L4 ? (L5Ratings, L5Players) : (L4Ratings, L4Players);
            cap = new MagnitudeCap(reached, given, s.Ratings, s.Players, ratingsNeeded, playersNeeded);
        }

        return new MagnitudeScores(depth, originality, consistency, utility, overall, given, cap);
    }

    /// <summary>
    /// The highest level at or below <paramref name="reached"/> whose evidence minimum is met: L5 without 200 ratings and
    /// 50 players falls to L4, L4 without 50 ratings and 10 players to L3.
    /// </summary>
    public static MagnitudeLevel Capped(MagnitudeLevel reached, int ratings, int players)
    {
        var level = reached;
        if (level == MagnitudeLevel.L5 && (ratings < L5Ratings || players < L5Players))
        {
            level = MagnitudeLevel.L4;
        }

        if (level == MagnitudeLevel.L4 && (ratings < L4Ratings || players < L4Players))
        {
            level = MagnitudeLevel.L3;
        }

        return level;
    }

    private static double? Share(int part, int total) => total > 0 ? 100.0 * part / total : null;

    private static MagnitudePart Part(string name, double? raw, int n, double k, double weight) =>
        new(name, raw is { } r ? Round(r) : null, n, k, weight, Round(Shrink(raw, n, k)));

    private static MagnitudeDimension Dimension(string name, params MagnitudePart[] parts) =>
        new(name, Round(parts.Sum(p => p.Weight * p.Score)), parts);

    internal static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);
}

/// <summary>The evidence JSON stored with a history row (<c>magnitude_history.evidence</c>).</summary>
public static class MagnitudeEvidence
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The signals, every part with its raw value, n, k, weight and score, and the cap if one applied.</summary>
    public static string ToJson(MagnitudeSignals signals, MagnitudeScores scores, DateTimeOffset? probedAt = null)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(scores);
        var dims = new JsonObject();
        foreach (var d in scores.Dimensions)
        {
            var parts = new JsonArray();
            foreach (var p in d.Parts)
            {
                parts.Add(new JsonObject { ["name"] = p.Name, ["raw"] = p.Raw, ["n"] = p.Evidence, ["k"] = p.K, ["weight"] = p.Weight, ["score"] = p.Score });
            }

            dims[d.Name] = new JsonObject { ["score"] = d.Score, ["parts"] = parts };
        }

        var root = new JsonObject
        {
            ["formula"] = MagnitudeFormula.Version,
            ["signals"] = JsonSerializer.SerializeToNode(signals),
            ["dimensions"] = dims,
            ["probe"] = new JsonObject { ["pairs"] = signals.ProbePairs, ["agreement"] = signals.ProbeAgreementMean, ["at"] = probedAt },
        };
        if (scores.Cap is { } cap)
        {
            root["cap"] = new JsonObject
            {
                ["reached"] = cap.Reached.ToString(),
                ["given"] = cap.Given.ToString(),
                ["ratings"] = cap.Ratings,
                ["players"] = cap.Players,
                ["ratings_needed"] = cap.RatingsNeeded,
                ["players_needed"] = cap.PlayersNeeded,
            };
        }

        return root.ToJsonString(Compact);
    }

    /// <summary>The probe result stored in an earlier row's evidence (carried forward by the nightly run), or none.</summary>
    public static (int Pairs, double Agreement, DateTimeOffset? At) Probe(string? evidenceJson)
    {
        if (string.IsNullOrWhiteSpace(evidenceJson))
        {
            return (0, 0, null);
        }

        try
        {
            var probe = JsonNode.Parse(evidenceJson)?["probe"];
            var pairs = probe?["pairs"]?.GetValue<int>() ?? 0;
            var agreement = probe?["agreement"]?.GetValue<double>() ?? 0;
            var at = probe?["at"] is { } a ? a.GetValue<DateTimeOffset>() : (DateTimeOffset?)null;
            return pairs > 0 && agreement is >= 0 and <= 1 ? (pairs, agreement, at) : (0, 0, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return (0, 0, null);
        }
    }

    /// <summary>
    /// The signals stored in a row's evidence, for the evidence summary; null when unreadable, or when
    /// <paramref name="formulaVersion"/> is given and the row was made by another version of the formula.
    /// </summary>
    public static MagnitudeSignals? Signals(string? evidenceJson, int? formulaVersion = null)
    {
        if (string.IsNullOrWhiteSpace(evidenceJson))
        {
            return null;
        }

        try
        {
            var root = JsonNode.Parse(evidenceJson);
            if (formulaVersion is { } v && root?["formula"]?.GetValue<int>() != v)
            {
                return null;
            }

            return root?["signals"]?.Deserialize<MagnitudeSignals>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
