using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Analytics;
using StarStudio.Core.Common;

namespace StarStudio.Tests.Integration.Analytics;

/// <summary>The dashboards: admins only, today's activity after "update now" (which is audited), grains and range checks.</summary>
public sealed class AnalyticsServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly AnalyticsTestData data = new(pg);

    [Fact]
    public async Task NonAdmins_AreForbidden()
    {
        var player = await pg.CreateUserAsync();
        var service = data.Service(player, TimeProvider.System);

        Assert.Equal(ResultKind.Forbidden, (await service.GetAsync(AnalyticsRange.Last(7, DateTimeOffset.UtcNow))).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.RollUpNowAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await data.Service(UserContext.Anonymous, TimeProvider.System).GetAsync(AnalyticsRange.Last(7, DateTimeOffset.UtcNow))).Kind);
    }

    [Fact]
    public async Task Admin_SeesTodaysActivity_AfterUpdateNow_AndTheRunIsAudited()
    {
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var writer = data.Writer();
        writer.SignedIn(player.UserId!.Value, DateTimeOffset.UtcNow);
        writer.ConversationStarted(Guid.NewGuid(), player.UserId!.Value, Guid.NewGuid(), admin.UserId, DateTimeOffset.UtcNow);
        await writer.FlushAsync();
        var service = data.Service(admin, TimeProvider.System);

        var rolled = await service.RollUpNowAsync();
        var view = (await service.GetAsync(AnalyticsRange.Last(7, DateTimeOffset.UtcNow))).Value!;

        Assert.True(rolled.Succeeded);
        Assert.Equal(AnalyticsMetrics.Charts.Select(c => c.Key), view.Charts.Select(c => c.Key));
        var active = view.Charts.Single(c => c.Key == "active");
        Assert.Equal(7, active.PeriodKeys.Count);
        Assert.True(active.Series.Single(s => s.Metric == AnalyticsMetrics.ActiveUsers).Values[^1] >= 1);
        Assert.True(active.Series.Single(s => s.Metric == AnalyticsMetrics.SignIns).Values[^1] >= 1);
        Assert.True(view.Charts.Single(c => c.Key == "chat").Series.Single(s => s.Metric == AnalyticsMetrics.Conversations).Values[^1] >= 1);
        Assert.True(view.Charts.Single(c => c.Key == "new_users").Series[0].Values[^1] >= 2);
        Assert.NotNull(view.RolledUpAt);
        Assert.True(await pg.Db(admin).RunAsync((db, _) => db.AuditLogs.AnyAsync(a => a.Action == AnalyticsAuditActions.RollupRun && a.ActorId == admin.UserId)));
    }

    [Fact]
    public async Task WeekAndMonthGrains_BucketByIsoWeekAndMonth_AndBadRangesAreInvalid()
    {
        var admin = await pg.CreateAdminAsync();
        var service = data.Service(admin, TimeProvider.System);

        var weeks = (await service.GetAsync(new AnalyticsRange(new DateOnly(2026, 11, 28), new DateOnly(2026, 12, 6), AnalyticsGrain.Week))).Value!;
        var months = (await service.GetAsync(new AnalyticsRange(new DateOnly(2026, 11, 28), new DateOnly(2026, 12, 6), AnalyticsGrain.Month))).Value!;
        var reversed = await service.GetAsync(new AnalyticsRange(new DateOnly(2026, 12, 6), new DateOnly(2026, 12, 1)));

        Assert.Equal(["2026-W48", "2026-W49"], weeks.Charts[0].Labels);
        Assert.Equal(["2026-11", "2026-12"], months.Charts[0].Labels);
        Assert.Equal("Analytics.Range.Reversed", reversed.Errors.Single().Code);
    }
}
