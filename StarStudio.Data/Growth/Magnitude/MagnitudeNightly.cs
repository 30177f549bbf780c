using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Growth;

namespace StarStudio.Data.Growth.Magnitude;

/// <summary>
/// Recomputes every active star as no signed-in user: per batch of <see cref="BatchSize"/> stars, one
/// <c>magnitude_signals</c> query, the formula in memory, one <c>magnitude_append</c> call (both SECURITY DEFINER,
/// migration <c>Magnitude</c>; the connection carries no <c>app.user_id</c>, which is what they demand of a batch caller).
/// No model is called at night: consistency carries the latest probe result forward from the previous row's evidence.
/// A star whose signals are those of its latest row gets no new row.
/// </summary>
internal sealed partial class MagnitudeNightly(IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock, ILogger<MagnitudeNightly> log) : IMagnitudeNightly
{
    /// <summary>Stars per transaction: large enough that 10,000 stars take 10 round trips, small enough to keep a batch's transaction short.</summary>
    public const int BatchSize = 1000;

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var at = clock.GetUtcNow();
        Guid? after = null;
        var written = 0;
        while (true)
        {
            await using var ctx = await factory.CreateDbContextAsync(ct);
            await using var tx = await ctx.Database.BeginTransactionAsync(ct);
            var batch = await MagnitudeSignalsQuery.BatchAsync(ctx, after, BatchSize, ct);
            if (batch.Count == 0)
            {
                break;
            }

            var rows = new JsonArray();
            // A star whose signals did not change since its last row (no new answer, rating or call; the same probe) would
            // get the same scores again: no row, so quiet stars do not add 365 identical rows a year.
            foreach (var star in batch.Where(s => s.Signals != s.Previous))
            {
                var scores = MagnitudeFormula.Evaluate(star.Signals);
                rows.Add(new JsonObject
                {
                    ["star_id"] = star.StarId,
                    ["depth"] = scores.Depth.Score,
                    ["originality"] = scores.Originality.Score,
                    ["consistency"] = scores.Consistency.Score,
                    ["utility"] = scores.Utility.Score,
                    ["overall"] = scores.Overall,
                    ["level"] = scores.Level.ToString(),
                    ["evidence"] = JsonNode.Parse(MagnitudeEvidence.ToJson(star.Signals, scores, star.ProbedAt)),
                });
            }

            if (rows.Count > 0)
            {
                var json = rows.ToJsonString();
                written += await ctx.Database.SqlQuery<int>($"SELECT magnitude_append({json}::jsonb, {at}) AS \"Value\"").SingleAsync(ct);
            }

            await tx.CommitAsync(ct);
            after = batch[^1].StarId;
            if (batch.Count < BatchSize)
            {
                break;
            }
        }

        LogRun(log, written, (clock.GetUtcNow() - at).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        return written;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Magnitude: {Rows} nightly rows appended in {Seconds} s")]
    private static partial void LogRun(ILogger logger, int rows, string seconds);
}
