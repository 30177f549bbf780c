using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.ContentFilter;
using StarStudio.Core.Explore;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data.Account;
using StarStudio.Data.ContentFilter;
using StarStudio.Data.Explore;
using StarStudio.Data.Recommendations;

namespace StarStudio.Tests.Integration.ContentFilter;

/// <summary>
/// The content filter over the real PostgreSQL as the application's role: the gallery, its facets, recommendations and
/// profiles show a viewer only the ratings their level allows (anonymous: mild), in SQL before paging; owners and admins
/// set ratings and floors.
/// </summary>
public sealed class ContentFilterTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private sealed record Stars(string Domain, Guid General, Guid Teen, Guid Mature, Guid TaggedNsfw, UserContext Owner);

    private async Task<Stars> StarsAsync()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var domain = "域" + Guid.NewGuid().ToString("N")[..8];
        await using var db = pg.OwnerContext();
        Guid Add(string name, string rating, params string[] tags)
        {
            var id = Guid.NewGuid();
            db.Stars.Add(new Star
            {
                Id = id, OwnerId = owner.UserId!.Value, Name = name, Domain = domain, Persona = "p", Tone = "t", Tags = [.. tags],
                ContentRating = rating, IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            return id;
        }

        var stars = new Stars(domain, Add("全年龄", "general", "古籍"), Add("青少年", "teen"), Add("成熟", "mature"), Add("成人卡", "general", "NSFW"), owner);
        await db.SaveChangesAsync();
        return stars;
    }

    private async Task<UserContext> ViewerAsync(string level)
    {
        var user = await pg.CreateUserAsync();
        Assert.True((await new PreferencesService(pg.Db(user), TimeProvider.System).SaveAsync(new PreferencesDraft("zh-CN", "light", false) { ContentFilterLevel = level })).Succeeded);
        return user;
    }

    private async Task<IReadOnlyList<Guid>> GalleryAsync(UserContext viewer, string domain) =>
        (await new GalleryService(pg.Db(viewer)).SearchAsync(new GalleryQuery(Domain: domain, Sort: GallerySort.New))).Value!.Items.Select(c => c.StarId).ToList();

    [Fact]
    public async Task Gallery_EachLevel_ShowsOnlyWhatItAllows_AnonymousGetsMild_AnNsfwTagIsAdult()
    {
        var s = await StarsAsync();

        Assert.Equal([s.Mature, s.Teen, s.General], await GalleryAsync(UserContext.Anonymous, s.Domain));
        Assert.Equal([s.TaggedNsfw, s.Mature, s.Teen, s.General], await GalleryAsync(await ViewerAsync("none"), s.Domain));
        Assert.Equal([s.Teen, s.General], await GalleryAsync(await ViewerAsync("moderate"), s.Domain));
        Assert.Equal([s.General], await GalleryAsync(await ViewerAsync("strict"), s.Domain));
        // A search filters the same way.
        var strictSearch = await new GalleryService(pg.Db(await ViewerAsync("strict"))).SearchAsync(new GalleryQuery(Text: "成人卡", Domain: s.Domain));
        Assert.Empty(strictSearch.Value!.Items);
    }

    [Fact]
    public async Task Facets_AndProfile_HonourTheFilter_TheOwnerStillSeesTheirOwn()
    {
        var s = await StarsAsync();
        var strict = await ViewerAsync("strict");

        var facets = await new GalleryService(pg.Db(strict)).FacetsAsync();
        Assert.DoesNotContain(facets.Tags, t => t.Value == "NSFW");
        Assert.Contains((await new GalleryService(pg.Db(await ViewerAsync("none"))).FacetsAsync()).Tags, t => t.Value == "NSFW");

        var hidden = await new GalleryService(pg.Db(strict)).ProfileAsync(s.Teen);
        Assert.Equal("ContentFilter.Profile.Hidden", Assert.Single(hidden.Errors).Code);
        Assert.True((await new GalleryService(pg.Db(strict)).ProfileAsync(s.General)).Succeeded);
        Assert.True((await new GalleryService(pg.Db(s.Owner)).ProfileAsync(s.TaggedNsfw)).Succeeded);
    }

    [Fact]
    public async Task Recommendations_ColdStart_LeaveOutWhatTheFilterHides()
    {
        var s = await StarsAsync();

        var strict = (await new RecommendationService(pg.Db(await ViewerAsync("strict")), TimeProvider.System).ShowAsync(20)).Select(r => r.StarId).ToList();
        var open = (await new RecommendationService(pg.Db(await ViewerAsync("none")), TimeProvider.System).ShowAsync(20)).Select(r => r.StarId).ToList();

        Assert.Contains(s.TaggedNsfw, open);
        Assert.Contains(s.General, strict);
        Assert.DoesNotContain(s.TaggedNsfw, strict);
        Assert.DoesNotContain(s.Teen, strict);
        Assert.DoesNotContain(s.Mature, strict);
    }

    [Fact]
    public async Task Rating_OwnerSetsIt_AdminFloorHoldsAndIsAudited_OthersCannot()
    {
        var s = await StarsAsync();
        var admin = await pg.CreateAdminAsync();
        var stranger = await pg.CreateUserAsync();
        var mild = UserContext.Anonymous;

        var set = await new ContentRatingService(pg.Db(s.Owner)).SetAsync(s.General, ContentRatings.Adult);
        Assert.Equal((ContentRatings.Adult, ContentRatings.Adult), (set.Value!.OwnerRating, set.Value.Effective));
        Assert.DoesNotContain(s.General, await GalleryAsync(mild, s.Domain));
        Assert.True((await new ContentRatingService(pg.Db(s.Owner)).SetAsync(s.General, ContentRatings.General)).Succeeded);
        Assert.Contains(s.General, await GalleryAsync(mild, s.Domain));

        Assert.Equal(ResultKind.Forbidden, (await new ContentRatingService(pg.Db(s.Owner)).SetAdminFloorAsync(s.Teen, ContentRatings.Adult)).Kind);
        Assert.Equal(ResultKind.NotFound, (await new ContentRatingService(pg.Db(stranger)).SetAsync(s.Teen, ContentRatings.General)).Kind);
        var floored = await new ContentRatingService(pg.Db(admin)).SetAdminFloorAsync(s.Teen, ContentRatings.Adult);
        Assert.Equal((ContentRatings.Teen, ContentRatings.Adult, ContentRatings.Adult), (floored.Value!.OwnerRating, floored.Value.AdminFloor, floored.Value.Effective));
        Assert.DoesNotContain(s.Teen, await GalleryAsync(mild, s.Domain));
        var below = await new ContentRatingService(pg.Db(s.Owner)).SetAsync(s.Teen, ContentRatings.Mature);
        Assert.Equal("ContentFilter.Rating.BelowFloor", Assert.Single(below.Errors).Code);
        Assert.Equal("ContentFilter.Rating.Unknown", Assert.Single((await new ContentRatingService(pg.Db(s.Owner)).SetAsync(s.Teen, "x")).Errors).Code);

        // The database holds the floor too: the owner's own update of it is refused.
        var direct = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => pg.Db(s.Owner).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"UPDATE stars SET admin_content_rating = NULL WHERE id = {s.Teen}")));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, direct.SqlState);

        await using var db = pg.OwnerContext();
        Assert.True(await db.AuditLogs.AnyAsync(e => e.Action == AuditActions.ContentRatingFloorSet && e.TargetId == s.Teen.ToString()));
    }
}
