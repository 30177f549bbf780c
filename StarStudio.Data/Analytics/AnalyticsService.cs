using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Analytics;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Analytics;

/// <summary>
/// <see cref="IAnalyticsService"/> for admins: every chart reads only the rolled-up <c>analytics_metric</c> rows of its range
/// (tens of rows, whatever the number of events), as the admin, under row-level security (admins read the analytics tables;
/// nobody else does).
/// </summary>
internal sealed class AnalyticsService(StarStudioDb db, TimeProvider clock, IClientAddress? clientAddress = null) : IAnalyticsService
{
    public async Task<Result<AnalyticsDashboard>> GetAsync(AnalyticsRange range, CancellationToken ct = default)
    {
        if (range.Validate() is { Count: > 0 } errors)
        {
            return Result<AnalyticsDashboard>.Invalid(errors);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<AnalyticsDashboard>.Forbidden();
            }

            var charts = new List<AnalyticsChart>();
            foreach (var chart in AnalyticsMetrics.Charts)
            {
                charts.Add(await AnalyticsQueries.ChartAsync(ctx, chart, range, ct));
            }

            return Result<AnalyticsDashboard>.Ok(new AnalyticsDashboard(range, charts, await AnalyticsQueries.RolledUpAtAsync(ctx, ct)));
        }, ct);
    }

    public Task<Result<AnalyticsRollupResult>> RollUpNowAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<AnalyticsRollupResult>.Forbidden();
            }

            var today = AnalyticsCalendar.Today(clock);
            var result = await AnalyticsRollup.RollUpAsync(ctx, today - 1, today, ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AnalyticsAuditActions.RollupRun, "analytics", null, null,
                After: new { from = AnalyticsCalendar.CalendarDate(result.FromDayKey), to = AnalyticsCalendar.CalendarDate(result.ToDayKey), rows = result.MetricRows }),
                clientAddress?.Get(), ct);
            return Result<AnalyticsRollupResult>.Ok(result);
        }, ct);
}

/// <summary>The dashboard's SQL (shared with the benchmark, which times exactly these).</summary>
public static class AnalyticsQueries
{
    /// <summary>One chart: additive metrics summed from day rows through the date dimension (clipped to the range), distinct-user
    /// metrics read at the grain's own rows (whole weeks and months). Missing periods are zero.</summary>
    public static async Task<AnalyticsChart> ChartAsync(StarStudioDbContext ctx, AnalyticsChartDefinition chart, AnalyticsRange range, CancellationToken ct)
    {
        var grain = GrainName(range.Grain);
        var from = range.FromKey;
        var to = range.ToKey;
        var periods = AnalyticsCalendar.Periods(from, to, range.Grain);
        var additive = chart.Metrics.Where(m => !AnalyticsMetrics.Distinct.Contains(m)).ToArray();
        var distinct = chart.Metrics.Where(AnalyticsMetrics.Distinct.Contains).ToArray();
        var periodArray = periods.ToArray();
        var rows = await ctx.Database.SqlQuery<MetricValue>($"""
            SELECT m.metric_key AS "Metric",
                   CASE {grain}::text WHEN 'day' THEN d.date_key WHEN 'week' THEN d.iso_week_key ELSE d.month_key END AS "Period",
                   sum(m.value) AS "Value"
            FROM analytics_metric m JOIN analytics_date_dimension d ON d.date_key = m.period_key
            WHERE m.grain = 'day' AND m.metric_key = ANY({additive}) AND m.period_key BETWEEN {from} AND {to}
            GROUP BY 1, 2
            UNION ALL
            SELECT m.metric_key, m.period_key, m.value FROM analytics_metric m
            WHERE m.grain = {grain}::text AND m.metric_key = ANY({distinct}) AND m.period_key = ANY({periodArray})
            """).ToListAsync(ct);
        var index = periods.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var series = chart.Metrics.Select(metric =>
        {
            var values = new decimal[periods.Count];
            foreach (var r in rows.Where(r => r.Metric == metric))
            {
                if (index.TryGetValue(r.Period, out var i))
                {
                    values[i] = r.Value;
                }
            }

            return new AnalyticsSeries(metric, values);
        }).ToList();
        return new AnalyticsChart(chart.Key, range.Grain, periods, series);
    }

    /// <summary>When the roll-up last wrote (null before its first run).</summary>
    public static Task<DateTimeOffset?> RolledUpAtAsync(StarStudioDbContext ctx, CancellationToken ct) =>
        ctx.Database.SqlQuery<DateTimeOffset?>($"SELECT analytics_rolled_up_at() AS \"Value\"").SingleAsync(ct);

    public static string GrainName(AnalyticsGrain grain) => grain switch
    {
        AnalyticsGrain.Day => "day",
        AnalyticsGrain.Week => "week",
        AnalyticsGrain.Month => "month",
        _ => throw new ArgumentOutOfRangeException(nameof(grain)),
    };

    private sealed record MetricValue(string Metric, int Period, decimal Value);
}
