using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Analytics;

/// <summary>
/// The roll-up job, as no signed-in user: <c>analytics_rollup</c> (SECURITY DEFINER) replaces the days' rows of
/// <c>tracking_daily_stat</c>, <c>analytics_daily_user</c> and <c>analytics_metric</c> (day rows, and the week and month rows of
/// the distinct-user metrics for every week and month the days touch) in one transaction, so a re-run of a day gives the same
/// rows and readers never see a half-rolled day.
/// </summary>
internal sealed class AnalyticsRollup(IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock, IOptions<AnalyticsOptions> options,
    ILogger<AnalyticsRollup> log) : IAnalyticsRollup
{
    public async Task<AnalyticsRollupResult> RollUpAsync(int fromDayKey, int toDayKey, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await RollUpAsync(db, fromDayKey, toDayKey, ct);
    }

    /// <summary>Rolls up in <paramref name="db"/>'s own transaction, as whoever its transaction names (the job: nobody; an admin).</summary>
    internal static async Task<AnalyticsRollupResult> RollUpAsync(StarStudioDbContext db, int fromDayKey, int toDayKey, CancellationToken ct)
    {
        var clockTime = Stopwatch.StartNew();
        var rows = 0;
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        // Long ranges (the first run over a year of events) go a month at a time: each chunk commits on its own.
        for (var start = fromDayKey; start <= toDayKey; start += ChunkDays)
        {
            var end = Math.Min(toDayKey, start + ChunkDays - 1);
            var own = db.Database.CurrentTransaction is null;
            await using var tx = own ? await db.Database.BeginTransactionAsync(ct) : null;
            rows += await db.Database.SqlQuery<int>($"SELECT analytics_rollup({start}, {end}) AS \"Value\"").SingleAsync(ct);
            if (tx is not null)
            {
                await tx.CommitAsync(ct);
            }
        }

        return new AnalyticsRollupResult(fromDayKey, toDayKey, rows, clockTime.Elapsed);
    }

    /// <summary>Days per transaction of a long roll-up.</summary>
    public const int ChunkDays = 31;

    public async Task<AnalyticsRollupResult> RunAsync(CancellationToken ct = default)
    {
        var today = AnalyticsCalendar.Today(clock);
        var from = today - Math.Max(1, options.Value.RollupDays) + 1;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            // The first run (or one after a long outage) rolls everything since the last rolled day, up to seed 003's
            // 3660 days back.
            var last = await db.Database.SqlQuery<int?>($"SELECT analytics_last_rolled_day() AS \"Value\"").SingleAsync(ct);
            var first = last is { } l ? l : await db.Database.SqlQuery<int?>($"SELECT analytics_first_event_day() AS \"Value\"").SingleAsync(ct);
            if (first is { } f && f < from)
            {
                from = Math.Max(f, today - AnalyticsCalendar.MaxSeedDays + 1);
            }
        }

        var result = await RollUpAsync(from, today, ct);
        log.LogInformation("Analytics rolled up days {From}..{To} in {Ms} ms ({Rows} metric rows).",
            AnalyticsCalendar.CalendarDate(result.FromDayKey), AnalyticsCalendar.CalendarDate(result.ToDayKey), result.Elapsed.TotalMilliseconds, result.MetricRows);
        return result;
    }
}
