using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Growth;
using StarStudio.Core.Training;

namespace StarStudio.Data.Growth.Magnitude;

/// <summary>
/// Reads the signals of a batch of stars through <c>magnitude_signals</c> (migration <c>Magnitude</c>): one set-based
/// query per batch, whatever the batch size, so the nightly run makes a handful of round trips for 10,000 stars.
/// </summary>
internal static class MagnitudeSignalsQuery
{
    /// <summary>
    /// One star's measured signals, the probe result of its latest history row (the nightly run carries it) and that
    /// row's signals (null without a row, or from another formula version).
    /// </summary>
    public sealed record StarSignals(Guid StarId, MagnitudeSignals Signals, DateTimeOffset? ProbedAt, MagnitudeSignals? Previous);

    /// <summary>The next <paramref name="limit"/> active stars after <paramref name="after"/> (the nightly job: no user set).</summary>
    public static Task<List<StarSignals>> BatchAsync(StarStudioDbContext ctx, Guid? after, int limit, CancellationToken ct) =>
        ReadAsync(ctx, after, limit, null, ct);

    /// <summary>One star, for its owner (the transaction must carry the owner's <c>app.user_id</c>).</summary>
    public static async Task<StarSignals?> OneAsync(StarStudioDbContext ctx, Guid starId, CancellationToken ct) =>
        (await ReadAsync(ctx, null, 1, starId, ct)).SingleOrDefault();

    private static async Task<List<StarSignals>> ReadAsync(StarStudioDbContext ctx, Guid? after, int limit, Guid? star, CancellationToken ct)
    {
        var rows = await ctx.Database.SqlQueryRaw<Row>(
            "SELECT * FROM magnitude_signals(@after, @limit, @star)",
            new NpgsqlParameter("after", NpgsqlDbType.Uuid) { Value = (object?)after ?? DBNull.Value },
            new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit },
            new NpgsqlParameter("star", NpgsqlDbType.Uuid) { Value = (object?)star ?? DBNull.Value }).ToListAsync(ct);
        return rows.Select(Map).ToList();
    }

    private static StarSignals Map(Row r)
    {
        var (probePairs, probeAgreement, probedAt) = MagnitudeEvidence.Probe(r.LastProbe);
        var (regenPairs, regenMean) = Regenerated(r.Regenerated);
        var signals = new MagnitudeSignals(
            r.Answers, r.CitedAnswers, r.CopiedSamples, r.CopiedShareMean,
            r.Ratings, r.RatingMean, r.DepthLabels, r.UsefulLabels,
            r.RubricDepthScores, r.RubricDepthMean, r.SkillCalls, r.SkillCallsSucceeded,
            r.Players, r.ReturningPlayers, probePairs, probeAgreement, regenPairs, regenMean);
        return new StarSignals(r.StarId, signals, probedAt, MagnitudeEvidence.Signals(r.LastProbe, MagnitudeFormula.Version));
    }

    /// <summary>Mean similarity of the two latest rated generations of each regenerated answer (at most 20 per star).</summary>
    private static (int Pairs, double Mean) Regenerated(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return (0, 0);
        }

        var pairs = JsonSerializer.Deserialize<string?[][]>(json) ?? [];
        var sims = pairs.Where(p => p.Length == 2).Select(p => TextOverlap.Similarity(p[0], p[1])).ToList();
        return sims.Count == 0 ? (0, 0) : (sims.Count, sims.Average());
    }

    private sealed record Row(
        Guid StarId, int Answers, int CitedAnswers, int CopiedSamples, double CopiedShareMean,
        int Ratings, double RatingMean, int DepthLabels, int UsefulLabels,
        int RubricDepthScores, double RubricDepthMean, int SkillCalls, int SkillCallsSucceeded,
        int Players, int ReturningPlayers, string? LastProbe, string? Regenerated);
}
