using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Arena.Admin;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Arena.Admin;

/// <summary>The time job on the real PostgreSQL with nobody signed in: it moves exactly the due trials, once.</summary>
public sealed class ArenaTrialClockTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Run_MovesExactlyTheDueTrials_AsTheirCreator_AndQueuesEachFinishOnce()
    {
        var now = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        var clock = new ManualClock(now);
        var acting = new ActingUser();
        var scoring = new RecordingScoringQueue(acting);
        var admin = (await pg.CreateAdminAsync()).UserId!.Value;
        var former = await pg.CreateUserAsync(null, RoleNames.Admin);
        var m = TimeSpan.FromMinutes(1);

        var dueOpen = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Draft, now - m, now + (10 * m), now + (20 * m), autoOpen: true);
        var openAtNow = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Draft, now, now + (10 * m), now + (20 * m), autoOpen: true);
        var notYet = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Draft, now + m, now + (10 * m), now + (20 * m), autoOpen: true);
        var manual = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Draft, now - m, now + (10 * m), now + (20 * m));
        var alreadyOver = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Draft, now - (3 * m), now - (2 * m), now - m, autoOpen: true);
        var invalid = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Draft, now - m, now + (10 * m), now + (20 * m), autoOpen: true, prompt: "");
        var dueFinish = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Ongoing, now - (3 * m), now - (2 * m), now - TimeSpan.FromSeconds(1));
        var endsAtNow = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Ongoing, now - (3 * m), now - (2 * m), now);
        var judging = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Ongoing, now - (3 * m), now - (2 * m), now + m);
        var orphan = await ArenaAdminTestData.TrialAsync(pg, former.UserId!.Value, TrialStatus.Ongoing, now - (3 * m), now - (2 * m), now - m);
        var done = await ArenaAdminTestData.TrialAsync(pg, admin, TrialStatus.Finished, now - (3 * m), now - (2 * m), now - m);

        // The creator of one trial lost the admin role: the job acts as the remaining admin for it.
        await using (var db = pg.OwnerContext())
        {
            db.UserRoles.RemoveRange(db.UserRoles.Where(r => r.UserId == former.UserId));
            await db.SaveChangesAsync();
        }

        var job = new ArenaTrialClock(pg.AppContextFactory(), clock, scoring, acting, NullLogger<ArenaTrialClock>.Instance);
        var run = await job.RunAsync();
        var again = await job.RunAsync();

        Assert.Equal(new[] { dueOpen, openAtNow }.Order(), run.Opened.Order());
        Assert.Equal(new[] { dueFinish, endsAtNow, orphan }.Order(), run.Finished.Order());
        Assert.Equal(1, run.Refused); // the draft without a prompt
        Assert.Empty(again.Opened);
        Assert.Empty(again.Finished);
        Assert.Equal(new[] { dueFinish, endsAtNow, orphan }.Order(), scoring.Enqueued.Order());
        // Scoring is queued as whoever finished: the creator, or an admin in place of a demoted one; never nobody.
        Assert.Equal(admin, scoring.Actors[dueFinish]);
        Assert.NotNull(scoring.Actors[orphan]);
        Assert.NotEqual(former.UserId, scoring.Actors[orphan]);
        Assert.Null(acting.User);

        foreach (var (id, status) in new[]
        {
            (dueOpen, TrialStatus.Ongoing), (openAtNow, TrialStatus.Ongoing), (notYet, TrialStatus.Draft), (manual, TrialStatus.Draft),
            (alreadyOver, TrialStatus.Draft), (invalid, TrialStatus.Draft), (dueFinish, TrialStatus.Finished), (endsAtNow, TrialStatus.Finished),
            (judging, TrialStatus.Ongoing), (orphan, TrialStatus.Finished), (done, TrialStatus.Finished),
        })
        {
            Assert.Equal((id, status), (id, (await ArenaAdminTestData.ReadAsync(pg, id)).Status));
        }

        Assert.Equal(now, (await ArenaAdminTestData.ReadAsync(pg, dueFinish)).FinishedAt);

        // A minute later the judging trial has ended too; only it moves.
        clock.Advance(m);
        var later = await job.RunAsync();
        Assert.Equal([judging], later.Finished);
        Assert.Equal(4, scoring.Enqueued.Count);
    }

    [Fact]
    public async Task Run_AndAnAdminFinishingTogether_QueueScoringOnce()
    {
        var now = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
        var clock = new ManualClock(now);
        var scoring = new RecordingScoringQueue();
        var admin = await pg.CreateAdminAsync();
        var id = await ArenaAdminTestData.TrialAsync(pg, admin.UserId!.Value, TrialStatus.Ongoing, now.AddHours(-2), now.AddHours(-1), now.AddMinutes(-1));
        var job = new ArenaTrialClock(pg.AppContextFactory(), clock, scoring, new ActingUser(), NullLogger<ArenaTrialClock>.Instance);
        var service = new ArenaAdminService(pg.Db(admin), clock, scoring);

        await Task.WhenAll(Task.Run(() => job.RunAsync()), Task.Run(() => service.FinishNowAsync(id)));

        Assert.Single(scoring.Enqueued, id);
        Assert.Equal(TrialStatus.Finished, (await ArenaAdminTestData.ReadAsync(pg, id)).Status);
    }
}
