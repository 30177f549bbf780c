using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Core.Market.Dashboard;
using StarStudio.Data.Billing;
using StarStudio.Data.Market.Catalog;
using StarStudio.Data.Market.Dashboard;
using StarStudio.Tests.Integration.Market.Catalog;

namespace StarStudio.Tests.Integration.Market.Dashboard;

/// <summary>
/// The maker dashboard on calls and ledger rows arranged as engineer C's recording will write them (calls through the
/// maintenance role, revenue through the wallet functions), read as the app role.
/// </summary>
public sealed class MakerDashboardServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private MakerDashboardService Dashboard(UserContext user) => new(pg.Db(user), TimeProvider.System);

    private async Task CallsAsync(Guid skill, Guid version, Guid maker, Guid payer, DateTimeOffset at, params (bool Ok, int Ms)[] calls)
    {
        await using var db = pg.OwnerContext();
        foreach (var (ok, ms) in calls)
        {
            db.SkillCalls.Add(new SkillCall
            {
                Id = Guid.NewGuid(), RequestId = Guid.NewGuid().ToString("N"), SkillId = skill, SkillVersionId = version, PayerId = payer, MakerId = maker,
                Success = ok, ErrorCode = ok ? null : "Market.Call.Timeout", HttpStatus = ok ? 200 : null, LatencyMs = ms, CreatedAt = at.ToUniversalTime(),
                Price = ok ? 1m : 0m, MakerShare = ok ? 0.8m : 0m,
            });
        }

        await db.SaveChangesAsync();
    }

    private Task<LedgerResult> PostAsync(UserContext user, string key, decimal amount, LedgerSource source, string? refType = null, string? refId = null) =>
        pg.Db(user).RunAsync((db, _) => WalletPostings.PostAsync(db, new LedgerPosting(key, user.UserId!.Value, WalletCurrency.Balance, amount, source, refType, refId)));

    [Fact]
    public async Task Dashboard_CountsCallsErrorsP95AndRevenuePerBeijingDay_AndAnotherMakerSeesNoneOfIt()
    {
        var alice = await CatalogArrange.MakerAsync(pg);
        var bob = await CatalogArrange.MakerAsync(pg);
        var payer = await pg.CreateUserAsync();
        var (weather, weatherV) = await CatalogArrange.SkillAsync(pg, alice, new SkillSpec("天气预报") { Pricing = SkillPricingType.Usage, Price = 1m, Subscribers = 4 });
        var (quiet, _) = await CatalogArrange.SkillAsync(pg, alice, new SkillSpec("安静技能"));
        var (bobs, bobsV) = await CatalogArrange.SkillAsync(pg, bob, new SkillSpec("Bob 的技能"));

        var today = BeijingTime.Day(DateTimeOffset.UtcNow);
        var todayStart = BeijingTime.StartOf(today);
        // Twenty calls today at 10..200 ms, two of them failed; three yesterday (30 s before Beijing midnight, 16:00 UTC).
        await CallsAsync(weather, weatherV, alice.UserId!.Value, payer.UserId!.Value, todayStart.AddSeconds(30),
            Enumerable.Range(1, 20).Select(i => (i is not 7 and not 13, i * 10)).ToArray());
        await CallsAsync(weather, weatherV, alice.UserId!.Value, payer.UserId!.Value, todayStart.AddSeconds(-30), (true, 5), (true, 7), (false, 900));
        await CallsAsync(bobs, bobsV, bob.UserId!.Value, payer.UserId!.Value, todayStart.AddSeconds(30), (true, 1), (true, 1), (true, 1), (true, 1), (true, 1));

        Assert.True((await PostAsync(alice, "skill-call:r1:maker", 0.8m, LedgerSource.SkillRevenue, "skill", weather.ToString())).Booked);
        Assert.True((await PostAsync(alice, "skill-call:r2:maker", 0.8m, LedgerSource.SkillRevenue, "skill", weather.ToString())).Booked);
        Assert.True((await PostAsync(alice, $"test-recharge:{Guid.NewGuid()}", 50m, LedgerSource.Recharge)).Booked); // not revenue
        Assert.True((await PostAsync(bob, "skill-call:r3:maker", 5m, LedgerSource.SkillRevenue, "skill", bobs.ToString())).Booked);

        var reviewer = await pg.CreateUserAsync();
        await new SkillReviewService(pg.Db(reviewer), TimeProvider.System).CreateAsync(weather, new ReviewInput(4, "好用"));

        var mine = (await Dashboard(alice).GetAsync(7)).Value!;
        Assert.Equal(7, mine.Days.Count);
        Assert.Equal(today, mine.Days[^1].Day);
        var t = mine.Days[^1];
        Assert.Equal(20, t.Calls);
        Assert.Equal(2, t.Errors);
        Assert.Equal(190, t.P95LatencyMs); // nearest rank: the 19th of 20 sorted latencies
        Assert.Equal(1.6m, t.Revenue);
        var y = mine.Days[^2];
        Assert.Equal((3, 1, 900), (y.Calls, y.Errors, y.P95LatencyMs!.Value));
        Assert.All(mine.Days.Take(5), d => Assert.Equal((0, null, 0m), (d.Calls, d.P95LatencyMs, d.Revenue)));
        Assert.Equal(["天气预报", "安静技能"], mine.Skills.OrderByDescending(s => s.Subscribers).Select(s => s.Name));
        Assert.Equal(4, mine.Skills.Single(s => s.Id == weather).Subscribers);
        Assert.Equal("好用", Assert.Single(mine.RecentReviews).Review.Body);

        var theirs = (await Dashboard(bob).GetAsync(7)).Value!;
        Assert.Equal(5, theirs.TotalCalls);
        Assert.Equal(5m, theirs.TotalRevenue);
        Assert.Equal([bobs], theirs.Skills.Select(s => s.Id));
        Assert.Empty(theirs.RecentReviews);
        Assert.Equal(ResultKind.NotFound, (await Dashboard(bob).GetAsync(7, weather)).Kind);

        var quietOnly = (await Dashboard(alice).GetAsync(7, quiet)).Value!;
        Assert.Equal((0, 0m), (quietOnly.TotalCalls, quietOnly.TotalRevenue));
        Assert.Empty(quietOnly.RecentReviews);
    }

    [Fact]
    public async Task Dashboard_IsForSkillMakersOnly_AndRefusesAnOutOfRangeWindow()
    {
        var owner = await pg.CreateUserAsync(null, Core.Identity.RoleNames.StarOwner);
        var maker = await CatalogArrange.MakerAsync(pg);

        Assert.Equal(ResultKind.Forbidden, (await Dashboard(owner).GetAsync(7)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Dashboard(UserContext.Anonymous).GetAsync(7)).Kind);
        Assert.Equal("Market.Dashboard.Days.Range", Assert.Single((await Dashboard(maker).GetAsync(0)).Errors).Code);
        Assert.Equal("Market.Dashboard.Days.Range", Assert.Single((await Dashboard(maker).GetAsync(DashboardMath.MaxDays + 1)).Errors).Code);
        Assert.Equal(DashboardMath.MaxDays, (await Dashboard(maker).GetAsync(DashboardMath.MaxDays)).Value!.Days.Count);
    }
}
