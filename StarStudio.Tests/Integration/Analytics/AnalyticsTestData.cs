using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Analytics;
using StarStudio.Core.Common;
using StarStudio.Data.Analytics;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Analytics;

/// <summary>The writer, the roll-up and the dashboards over a test database.</summary>
internal sealed class AnalyticsTestData(PostgresDatabase pg)
{
    public TrackingEventWriter Writer(int capacity = 1_000) =>
        new(pg.AppContextFactory(), Options.Create(new AnalyticsOptions { QueueCapacity = capacity, BatchSize = 100 }), NullLogger<TrackingEventWriter>.Instance);

    public AnalyticsRollup Rollup(TimeProvider clock) =>
        new(pg.AppContextFactory(), clock, Options.Create(new AnalyticsOptions()), NullLogger<AnalyticsRollup>.Instance);

    public IAnalyticsService Service(UserContext user, TimeProvider clock) => new AnalyticsService(pg.Db(user), clock);

    public static TrackingEvent Event(string key, Guid? user, DateTimeOffset at, Guid? id = null, string scope = "site",
        IReadOnlyDictionary<string, object?>? metadata = null) =>
        new(id ?? TrackingEventIds.New(), key, TrackingScope.Site, scope, at, user, Metadata: metadata);

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every metric row, as text, for before/after comparisons.</summary>
    public async Task<List<string>> MetricRowsAsync()
    {
        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT metric_key || '|' || grain || '|' || period_key || '|' || value FROM analytics_metric WHERE metric_key <> 'rolled_up' ORDER BY 1", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public static ManualClock ClockAt(DateTimeOffset at) => new(at);
}
