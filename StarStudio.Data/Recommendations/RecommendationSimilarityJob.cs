using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Recommendations;

namespace StarStudio.Data.Recommendations;

/// <summary>
/// Recomputes <c>star_similarities</c> as no signed-in user: all likes and plays of listed stars come through
/// <c>recommendation_signals</c> (SECURITY DEFINER, pairs of ids only), <see cref="ItemSimilarity"/> computes the
/// neighbours in memory, and <c>star_similarities_replace</c> swaps the table's contents in one transaction, so readers
/// see either the old or the new neighbours, never half.
/// </summary>
internal sealed partial class RecommendationSimilarityJob(IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock, ILogger<RecommendationSimilarityJob> log)
    : IRecommendationSimilarityJob
{
    /// <summary>Plays older than this do not count: tastes change, and the table stays bounded.</summary>
    public static readonly TimeSpan PlayWindow = TimeSpan.FromDays(90);

    public SimilarityOptions Options { get; init; } = new();

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var at = clock.GetUtcNow();
        await using var ctx = await factory.CreateDbContextAsync(ct);
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        var since = Core.Common.BeijingTime.Day(at - PlayWindow);
        var signals = await ctx.Database.SqlQuery<SignalRow>($"SELECT kind, user_id, star_id FROM recommendation_signals({since})").ToListAsync(ct);
        var pairs = ItemSimilarity.Compute(
            signals.Where(s => s.Kind == "like").Select(s => new Interaction(s.UserId, s.StarId)),
            signals.Where(s => s.Kind == "play").Select(s => new Interaction(s.UserId, s.StarId)),
            Options);
        var json = JsonSerializer.Serialize(pairs.Select(p => new { star_id = p.StarId, similar_star_id = p.SimilarStarId, score = p.Score, support = p.Support }));
        var written = await ctx.Database.SqlQuery<int>($"SELECT star_similarities_replace({json}::jsonb, {at}) AS \"Value\"").SingleAsync(ct);
        await tx.CommitAsync(ct);
        LogRun(log, signals.Count, written, (clock.GetUtcNow() - at).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        return written;
    }

    private sealed record SignalRow(string Kind, Guid UserId, Guid StarId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations: {Signals} likes and plays gave {Rows} similarity rows in {Seconds} s")]
    private static partial void LogRun(ILogger logger, int signals, int rows, string seconds);
}
