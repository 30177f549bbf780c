using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Analytics;
using StarStudio.Core.Common;
using StarStudio.Data.Analytics;

namespace StarStudio.Tests.Integration.Analytics;

/// <summary>
/// The roll-up: events per Beijing day into metrics (distinct users per day, ISO week and month), re-running a day gives the
/// same rows, late events are picked up by the next run, and the date dimension the database fills equals
/// <see cref="AnalyticsCalendar.For"/>. Each test uses days of its own (the class shares one database).
/// </summary>
public sealed class AnalyticsRollupTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly AnalyticsTestData data = new(pg);

    private static DateTimeOffset Beijing(string local) => DateTimeOffset.Parse(local + "+08:00");

    [Fact]
    public async Task Rollup_CountsEventsAndDistinctUsers_IsIdempotent_AndPicksUpLateEvents()
    {
        var (u1, u2, u3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var mon = AnalyticsCalendar.DayKey(new DateOnly(2025, 3, 3));
        var writer = data.Writer();
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, u1, Beijing("2025-03-03T00:00:01")));
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, u1, Beijing("2025-03-03T23:59:59")));
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.MessageAnswered, u2, Beijing("2025-03-03T12:00:00")));
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.MessageAnswered, u2, Beijing("2025-03-04T12:00:00")));
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.TrialEntered, u1, Beijing("2025-03-04T08:00:00")));
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.KnowledgeUploaded, u2, Beijing("2025-03-04T09:00:00"),
            metadata: new Dictionary<string, object?> { ["bytes"] = 2 * 1048576 }));
        await writer.FlushAsync();
        var rollup = data.Rollup(TimeProvider.System);

        await rollup.RollUpAsync(mon, mon + 1);
        var first = await data.MetricRowsAsync();
        await rollup.RollUpAsync(mon, mon + 1);
        var again = await data.MetricRowsAsync();

        Assert.Equal(first, again);
        Assert.Contains($"active_users|day|{mon}|2.0000", first);
        Assert.Contains($"active_users|day|{mon + 1}|2.0000", first);
        Assert.Contains($"sign_ins|day|{mon}|2.0000", first);
        Assert.Contains($"messages|day|{mon}|1.0000", first);
        Assert.Contains($"trial_entries|day|{mon + 1}|1.0000", first);
        Assert.Contains($"trial_participants|day|{mon + 1}|1.0000", first);
        Assert.Contains($"knowledge_mb|day|{mon + 1}|2.0000", first);
        Assert.Contains("active_users|week|202510|2.0000", first);
        Assert.Contains("active_users|month|202503|2.0000", first);
        Assert.Equal(2, await data.ScalarAsync("SELECT count FROM tracking_daily_stat WHERE day_key = $1 AND event_key = 'user.signed_in'", mon));

        // A late event for Monday, rolled with Tuesday's run of the same week: the week's users follow.
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, u3, Beijing("2025-03-03T10:00:00")));
        await writer.FlushAsync();
        await rollup.RollUpAsync(mon, mon + 1);
        var late = await data.MetricRowsAsync();
        Assert.Contains($"active_users|day|{mon}|3.0000", late);
        Assert.Contains("active_users|week|202510|3.0000", late);
    }

    [Fact]
    public async Task Rollup_ReadsNewUsersFromTheirTable_ByBeijingDay()
    {
        var user = await pg.CreateUserAsync();
        // 04:00 on 11 May in Beijing is still 10 May in UTC.
        await data.ScalarAsync("UPDATE users SET created_at = '2025-05-10T20:00:00Z' WHERE id = $1 RETURNING 1", user.UserId!.Value);
        var may11 = AnalyticsCalendar.DayKey(new DateOnly(2025, 5, 11));

        await data.Rollup(TimeProvider.System).RollUpAsync(may11 - 1, may11);

        var rows = await data.MetricRowsAsync();
        Assert.Contains($"new_users|day|{may11}|1.0000", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith($"new_users|day|{may11 - 1}|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DateDimension_InTheDatabase_EqualsTheCalendar()
    {
        var from = AnalyticsCalendar.DayKey(new DateOnly(2020, 12, 20));
        var to = AnalyticsCalendar.DayKey(new DateOnly(2027, 1, 10));
        await data.ScalarAsync("SELECT analytics_date_ensure($1, $2)", from, to);

        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT date_key, calendar_date, weekday, iso_week_key, week_start_date_key, week_end_date_key, month_key, month_start_date_key,
                   month_end_date_key, quarter_key, quarter_start_date_key, quarter_end_date_key, year_key, year_start_date_key, year_end_date_key
            FROM analytics_date_dimension WHERE date_key BETWEEN $1 AND $2 ORDER BY date_key
            """, conn) { Parameters = { new() { Value = from }, new() { Value = to } } };
        await using var reader = await cmd.ExecuteReaderAsync();
        var n = 0;
        while (await reader.ReadAsync())
        {
            var key = reader.GetInt32(0);
            var fromDb = new DateDimension(key, reader.GetFieldValue<DateOnly>(1), reader.GetInt16(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10),
                reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13), reader.GetInt32(14));
            Assert.Equal(AnalyticsCalendar.For(key), fromDb);
            n++;
        }

        Assert.Equal(to - from + 1, n);
    }

    [Fact]
    public async Task Rollup_IsRefusedToNonAdminUsers_AndTooLongRangesAreRefused()
    {
        var player = await pg.CreateUserAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) =>
            db.Database.SqlQuery<int>($"SELECT analytics_rollup(1, 2) AS \"Value\"").SingleAsync()));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);

        var tooLong = await Assert.ThrowsAsync<PostgresException>(() => data.ScalarAsync("SELECT analytics_rollup(1, 4000)"));
        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, tooLong.SqlState);
    }
}

/// <summary>The scheduled run (its own database: its first run backfills from the first event).</summary>
public sealed class AnalyticsRollupRunTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task FirstRun_BackfillsFromTheFirstEvent_LaterRunsRollTheLastDays()
    {
        var data = new AnalyticsTestData(pg);
        var now = DateTimeOffset.UtcNow;
        var writer = data.Writer();
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, Guid.NewGuid(), now.AddDays(-10)));
        await writer.FlushAsync();
        var rollup = data.Rollup(AnalyticsTestData.ClockAt(now));

        var first = await rollup.RunAsync();
        var second = await rollup.RunAsync();

        var today = AnalyticsCalendar.DayKey(now);
        Assert.True(first.FromDayKey <= today - 10, $"first run from {first.FromDayKey}, event on {today - 10}");
        Assert.Contains($"sign_ins|day|{today - 10}|1.0000", await data.MetricRowsAsync());
        Assert.Equal((today - 1, today), (second.FromDayKey, second.ToDayKey));
    }
}
