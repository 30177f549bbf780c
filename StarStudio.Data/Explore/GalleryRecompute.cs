using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;

namespace StarStudio.Data.Explore;

/// <summary>
/// The gallery job, as no signed-in user (the definer functions demand that of a batch caller): fills in the search
/// text of stars and versions that have none (jieba runs here, in .NET), then <c>star_gallery_recompute</c> rolls the last
/// <see cref="RollupDays"/> days of plays into <c>star_play_daily_stats</c> and sets every star's 7-day heat
/// (<see cref="HeatFormula"/>).
/// </summary>
internal sealed class GalleryRecompute(IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock, ILogger<GalleryRecompute> log) : IGalleryRecompute
{
    /// <summary>Days rolled up each run: the heat window and one more, so a run just after midnight still settles yesterday.</summary>
    public const int RollupDays = HeatFormula.WindowDays + 1;

    /// <summary>Search texts computed per transaction.</summary>
    public const int SearchTextBatch = 500;

    public async Task<GalleryRecomputeResult> RunAsync(CancellationToken ct = default)
    {
        var clockTime = Stopwatch.StartNew();
        var filled = 0;
        while (true)
        {
            await using var ctx = await factory.CreateDbContextAsync(ct);
            await using var tx = await ctx.Database.BeginTransactionAsync(ct);
            var missing = await ctx.Database
                .SqlQuery<MissingRow>($"SELECT is_version, id, name, domain, tone, tags, greeting FROM star_search_text_missing({SearchTextBatch})")
                .ToListAsync(ct);
            if (missing.Count == 0)
            {
                break;
            }

            var kinds = missing.Select(m => m.IsVersion).ToArray();
            var ids = missing.Select(m => m.Id).ToArray();
            var texts = missing.Select(m => GallerySearchText.For(m.Name, m.Domain, m.Tone, m.Tags, m.Greeting)).ToArray();
            filled += await ctx.Database.SqlQuery<int>($"SELECT star_search_text_set({kinds}, {ids}, {texts}) AS \"Value\"").SingleAsync(ct);
            await tx.CommitAsync(ct);
        }

        var today = BeijingTime.Day(clock.GetUtcNow());
        int changed;
        await using (var ctx = await factory.CreateDbContextAsync(ct))
        {
            ctx.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
            await using var tx = await ctx.Database.BeginTransactionAsync(ct);
            changed = await ctx.Database.SqlQuery<int>($"""
                SELECT star_gallery_recompute({today.AddDays(1 - RollupDays)}, {today}, {HeatFormula.LikeWeight}, {HeatFormula.HalfLifeDays}) AS "Value"
                """).SingleAsync(ct);
            await tx.CommitAsync(ct);
        }

        log.LogInformation("Gallery recomputed in {Ms} ms: {Filled} search texts filled, heat changed for {Changed} stars.",
            clockTime.ElapsedMilliseconds, filled, changed);
        return new GalleryRecomputeResult(filled, changed, clockTime.Elapsed);
    }

    private sealed record MissingRow(bool IsVersion, Guid Id, string Name, string Domain, string Tone, string[] Tags, string Greeting);
}
