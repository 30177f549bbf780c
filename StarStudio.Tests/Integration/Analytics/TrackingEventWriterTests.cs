using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Analytics;
using StarStudio.Core.Common;

namespace StarStudio.Tests.Integration.Analytics;

/// <summary>
/// The writer: batches reach <c>tracking_event</c> with the database's Beijing day key, a known event id is skipped, a full
/// queue or a malformed event is dropped (never thrown at the caller), and nobody writes events another way: not inside a
/// user's transaction, not by INSERT as the app role. Only admins read them.
/// </summary>
public sealed class TrackingEventWriterTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly AnalyticsTestData data = new(pg);

    [Fact]
    public async Task Writer_StoresTheBeijingDayKey_AndCountsAReplayedEventOnce()
    {
        var user = await pg.CreateUserAsync();
        var writer = data.Writer();
        var lateOnJan1 = DateTimeOffset.Parse("2025-01-01T15:59:59.500Z");
        var earlyOnJan2 = DateTimeOffset.Parse("2025-01-01T16:00:00Z");
        var id = TrackingEventIds.For(TrackingEventKeys.OrderPaid, Guid.NewGuid().ToString());

        Assert.True(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.OrderPaid, user.UserId, lateOnJan1, id, metadata: new Dictionary<string, object?> { ["amount"] = 12.5m })));
        Assert.True(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.OrderPaid, user.UserId, lateOnJan1, id)));
        Assert.True(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, user.UserId, earlyOnJan2)));
        await writer.FlushAsync();

        Assert.Equal(2, writer.Written);
        Assert.Equal(1, await data.ScalarAsync("SELECT count(*) FROM tracking_event WHERE event_id = $1", id));
        Assert.Equal(AnalyticsCalendar.DayKey(new DateOnly(2025, 1, 1)), await data.ScalarAsync("SELECT day_key FROM tracking_event WHERE event_id = $1", id));
        Assert.Equal(AnalyticsCalendar.DayKey(new DateOnly(2025, 1, 2)),
            await data.ScalarAsync("SELECT day_key FROM tracking_event WHERE user_id = $1 AND event_key = 'user.signed_in'", user.UserId!.Value));
        Assert.Equal(125, await data.ScalarAsync("SELECT ((metadata ->> 'amount')::numeric * 10)::int FROM tracking_event WHERE event_id = $1", id));
        // The batch filled in the date dimension for its days.
        Assert.Equal(2, await data.ScalarAsync("SELECT count(*) FROM analytics_date_dimension WHERE calendar_date IN ('2025-01-01', '2025-01-02')"));
    }

    [Fact]
    public void Track_DropsMalformedEvents_AndEventsBeyondTheQueue_WithoutThrowing()
    {
        var writer = data.Writer(capacity: 2);
        var now = DateTimeOffset.UtcNow;

        Assert.False(writer.Track(AnalyticsTestData.Event("Not A Key", null, now)));
        Assert.False(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, null, now, scope: new string('x', 65))));
        Assert.True(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, null, now)));
        Assert.True(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, null, now)));
        Assert.False(writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, null, now)));
        Assert.Equal(3, writer.Dropped);
    }

    [Fact]
    public async Task Append_IsRefusedInsideAUsersTransaction()
    {
        var user = await pg.CreateUserAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, _) => db.Database.SqlQuery<int>($"""
            SELECT tracking_event_append(ARRAY[gen_random_uuid()], ARRAY['user.signed_in'], ARRAY['site'], ARRAY['x'], ARRAY[{user.UserId}]::uuid[],
                                         ARRAY[NULL]::uuid[], ARRAY[NULL]::text[], ARRAY[jsonb_build_object()], ARRAY[now()]) AS "Value"
            """).SingleAsync()));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }

    [Fact]
    public async Task AppRole_CannotWriteTheAnalyticsTablesDirectly()
    {
        var admin = await pg.CreateAdminAsync();
        foreach (var sql in new[]
                 {
                     "INSERT INTO tracking_event (event_id, event_key, scope_kind, scope_id, day_key, metadata, occurred_at) VALUES (gen_random_uuid(), 'a.b', 'site', 'x', 1, jsonb_build_object(), now())",
                     "INSERT INTO analytics_metric (metric_key, grain, period_key, value, updated_at) VALUES ('revenue', 'day', 1, 1000000, now())",
                     "DELETE FROM tracking_daily_stat",
                     "UPDATE analytics_date_dimension SET year_key = 0",
                 })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(admin).RunAsync((db, _) => db.Database.ExecuteSqlRawAsync(sql)));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }
    }

    [Fact]
    public async Task Events_AreReadByAdminsOnly()
    {
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var writer = data.Writer();
        writer.Track(AnalyticsTestData.Event(TrackingEventKeys.SignIn, player.UserId, DateTimeOffset.UtcNow));
        await writer.FlushAsync();

        Assert.Equal(0, await pg.Db(player).RunAsync((db, _) => db.TrackingEvents.CountAsync()));
        Assert.Equal(0, await pg.Db(player).RunAsync((db, _) => db.AnalyticsDateDimension.CountAsync()));
        Assert.Equal(0, await pg.Db(UserContext.Anonymous).RunAsync((db, _) => db.TrackingEvents.CountAsync()));
        Assert.True(await pg.Db(admin).RunAsync((db, _) => db.TrackingEvents.CountAsync(e => e.UserId == player.UserId)) == 1);
    }
}
