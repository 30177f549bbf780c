using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Extensions;
using StarStudio.Data.Extensions;
using static StarStudio.Tests.Integration.Extensions.ExtensionTestData;

namespace StarStudio.Tests.Integration.Extensions;

/// <summary>The registry over the real PostgreSQL, as the application role: publish, review, install, auto-update, reviews, votes, RLS.</summary>
public sealed class ExtensionServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private IExtensionService As(UserContext user) => new ExtensionService(pg.Db(user), TimeProvider.System);

    /// <summary>A maker's extension with <paramref name="version"/> approved by an admin.</summary>
    private async Task<(UserContext Maker, UserContext Admin, string Id)> ApprovedAsync(Func<string, string, string>? manifest = null, string version = "1.0.0")
    {
        var maker = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var id = NewId();
        var published = await As(maker).PublishAsync((manifest ?? ((i, v) => ChatTemplate(i, v)))(id, version));
        Assert.True(published.Succeeded, string.Join(", ", published.Errors.Select(e => e.Code)));
        Assert.True((await As(admin).ApproveAsync(published.Value!.Id)).Succeeded);
        return (maker, admin, id);
    }

    [Fact]
    public async Task Publish_Review_Install_AutoUpdate_TheWholeFlow()
    {
        var maker = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var follower = await pg.CreateUserAsync();
        var pinner = await pg.CreateUserAsync();
        var id = NewId();

        // 1.0.0 waits for review: not listed, not installable, the maker sees it pending.
        var first = await As(maker).PublishAsync(ChatTemplate(id, "1.0.0"));
        Assert.True(first.Succeeded);
        Assert.DoesNotContain(await As(follower).CatalogAsync(), e => e.Id == id);
        Assert.Equal(ResultKind.NotFound, (await As(follower).InstallAsync(id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await As(follower).GetAsync(id)).Kind);
        Assert.Equal("pending", Assert.Single(await As(maker).MineAsync(), e => e.Id == id).Status);

        // Rejected with a reason the maker sees; a reason is required.
        Assert.Equal("Extensions.Review.ReasonRequired", Assert.Single((await As(admin).RejectAsync(first.Value!.Id, "  ")).Errors).Code);
        Assert.Equal(ResultKind.Forbidden, (await As(maker).RejectAsync(first.Value.Id, "self")).Kind);
        Assert.True((await As(admin).RejectAsync(first.Value.Id, "story_string 中有错别字")).Succeeded);
        var mine = Assert.Single(await As(maker).MineAsync(), e => e.Id == id);
        Assert.Equal(("rejected", "story_string 中有错别字"), (mine.Status, mine.Versions[0].RejectReason));

        // A new version must be higher than every version so far (rejected ones too).
        Assert.Equal("Extensions.Version.NotHigher", Assert.Single((await As(maker).PublishAsync(ChatTemplate(id, "0.9.0"))).Errors).Code);
        Assert.Equal("Extensions.Version.NotHigher", Assert.Single((await As(maker).PublishAsync(ChatTemplate(id, "1.0.0+build.2"))).Errors).Code);
        var second = await As(maker).PublishAsync(ChatTemplate(id, "1.0.1"));
        Assert.True((await As(admin).ApproveAsync(second.Value!.Id)).Succeeded);
        Assert.Equal("Extensions.Review.AlreadyReviewed", Assert.Single((await As(admin).ApproveAsync(second.Value.Id)).Errors).Code);

        // Listed now; two players install; one pins the version.
        var listed = Assert.Single(await As(follower).CatalogAsync(), e => e.Id == id);
        Assert.Equal(("1.0.1", "温暖模板"), (listed.LatestVersion, listed.Name));
        Assert.True((await As(follower).InstallAsync(id)).Succeeded);
        Assert.True((await As(pinner).InstallAsync(id)).Succeeded);
        Assert.False((await As(pinner).SetAutoUpdateAsync(id, false)).Value!.AutoUpdate);

        // 1.1.0 approved: the follower moves to it, the pinner stays and is told an update exists.
        var third = await As(maker).PublishAsync(ChatTemplate(id, "1.1.0", name: "温暖模板 2"));
        Assert.Equal("1.0.1", Assert.Single(await As(follower).CatalogAsync(), e => e.Id == id).Installation!.Version); // still pending
        Assert.True((await As(admin).ApproveAsync(third.Value!.Id)).Succeeded);
        var followed = Assert.Single(await As(follower).CatalogAsync(), e => e.Id == id);
        var pinned = Assert.Single(await As(pinner).CatalogAsync(), e => e.Id == id);
        Assert.Equal(("1.1.0", (string?)null), (followed.Installation!.Version, followed.Installation.UpdateAvailable));
        Assert.Equal(("1.0.1", (string?)"1.1.0"), (pinned.Installation!.Version, pinned.Installation.UpdateAvailable));
        Assert.Equal(("温暖模板 2", 2), (followed.Name, followed.InstallCount));
        Assert.Equal("温暖模板 2", (await As(follower).ActiveAsync()).ChatTemplate!.Name);
        Assert.Equal("温暖模板", (await As(pinner).ActiveAsync()).ChatTemplate!.Name);

        // The pinner updates by hand; turning auto-update back on also takes the latest.
        Assert.Equal("1.1.0", (await As(pinner).UpdateAsync(id)).Value!.Version);
        Assert.True((await As(follower).UninstallAsync(id)).Succeeded);
        Assert.Equal(1, Assert.Single(await As(pinner).CatalogAsync(), e => e.Id == id).InstallCount);
    }

    [Fact]
    public async Task Publish_AnIdAnotherMakerHolds_IsTaken_EvenWhilePending()
    {
        var id = NewId();
        Assert.True((await As(await pg.CreateUserAsync()).PublishAsync(ChatTemplate(id, "1.0.0"))).Succeeded);

        var stolen = await As(await pg.CreateUserAsync()).PublishAsync(ChatTemplate(id, "2.0.0"));

        var error = Assert.Single(stolen.Errors);
        Assert.Equal(("id", "Extensions.Id.Taken"), (error.Field, error.Code));
        await using var db = pg.OwnerContext();
        Assert.Equal(1, await db.ExtensionVersions.CountAsync(v => v.ExtensionId == id));
    }

    [Fact]
    public async Task Publish_BadManifest_ErrorsAtTheirFields_NothingStored_AnonymousForbidden()
    {
        var maker = await pg.CreateUserAsync();
        var json = ChatTemplate("Bad Id", "1.0").Replace("[\"ui\"]", "[\"ui\",\"root\"]");

        var result = await As(maker).PublishAsync(json);

        Assert.Equal(["id", "version", "permissions[1]"], result.Errors.Select(e => e.Field));
        Assert.Empty(await As(maker).MineAsync());
        Assert.Equal(ResultKind.Forbidden, (await As(UserContext.Anonymous).PublishAsync(ChatTemplate(NewId(), "1.0.0"))).Kind);

        // An extension keeps its kind across versions.
        var themeId = NewId("theme");
        Assert.True((await As(maker).PublishAsync(Theme(themeId, "1.0.0"))).Succeeded);
        var switched = await As(maker).PublishAsync(ChatTemplate(themeId, "2.0.0"));
        Assert.Equal(("kind", "Extensions.Kind.Changed"), (switched.Errors[0].Field, switched.Errors[0].Code));
    }

    [Fact]
    public async Task Reviews_OnlyAfterInstalling_OnePerUser_NeverOnesOwn()
    {
        var (maker, _, id) = await ApprovedAsync();
        var player = await pg.CreateUserAsync();

        var early = await As(player).ReviewAsync(id, 5, "还没装");
        Assert.Equal(("rating", "Extensions.Reviews.NotInstalled"), (early.Errors[0].Field, early.Errors[0].Code));
        Assert.Equal("Extensions.Reviews.OwnExtension", (await As(maker).ReviewAsync(id, 5, "我的")).Errors[0].Code);
        Assert.Equal(["rating", "body"], (await As(player).ReviewAsync(id, 6, new string('x', 2001))).Errors.Select(e => e.Field));

        await As(player).InstallAsync(id);
        Assert.True((await As(player).ReviewAsync(id, 2, "一般")).Succeeded);
        var edited = await As(player).ReviewAsync(id, 4, "改主意了");

        Assert.Equal((4, "改主意了", "1.0.0"), (edited.Value!.Rating, edited.Value.Body, edited.Value.Version));
        var detail = (await As(player).GetAsync(id)).Value!;
        Assert.Equal((4.0, 1), (detail.Summary.RatingAverage, detail.Summary.RatingCount));
        Assert.Single(detail.Reviews);
        Assert.True(detail.MyReview!.IsMine);

        // Past the service, the database refuses a review without an installation too.
        var stranger = await pg.CreateUserAsync();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(stranger).RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync(
            $"INSERT INTO extension_reviews (extension_id, user_id, rating, body, version) VALUES ({id}, {stranger.UserId}, 5, 'x', '1.0.0')")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (refused as PostgresException ?? refused.InnerException as PostgresException)?.SqlState);
    }

    [Fact]
    public async Task HelpfulVotes_OnePerUser_Withdrawable_NotOnOnesOwn_NotWritableDirectly()
    {
        var (_, _, id) = await ApprovedAsync();
        var reviewer = await pg.CreateUserAsync();
        var voter = await pg.CreateUserAsync();
        await As(reviewer).InstallAsync(id);
        var review = (await As(reviewer).ReviewAsync(id, 5, "好用")).Value!;

        Assert.Equal(1, (await As(voter).SetHelpfulAsync(review.Id, true)).Value);
        Assert.Equal(1, (await As(voter).SetHelpfulAsync(review.Id, true)).Value);
        Assert.True((await As(voter).GetAsync(id)).Value!.Reviews[0].VotedByMe);
        Assert.Equal(0, (await As(voter).SetHelpfulAsync(review.Id, false)).Value);
        Assert.Equal("Extensions.Reviews.OwnVote", (await As(reviewer).SetHelpfulAsync(review.Id, true)).Errors[0].Code);

        // The reviewer cannot inflate their own count by writing the column.
        await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(reviewer).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE extension_reviews SET helpful_count = 100 WHERE id = {review.Id}")));
        await using var db = pg.OwnerContext();
        Assert.Equal(0, await db.ExtensionReviews.Where(r => r.Id == review.Id).Select(r => r.HelpfulCount).SingleAsync());
    }

    [Fact]
    public async Task Ratings_And_Votes_UnderConcurrency_CountEveryRow()
    {
        var (_, _, id) = await ApprovedAsync();
        var users = new List<UserContext>();
        for (var i = 0; i < 24; i++)
        {
            var u = await pg.CreateUserAsync();
            await As(u).InstallAsync(id);
            users.Add(u);
        }

        var reviewer = users[0];
        var review = (await As(reviewer).ReviewAsync(id, 1, "first")).Value!;
        // Everyone else reviews (some twice, as an edit) and votes the first review helpful, all at once.
        var work = users.Skip(1).Select((u, i) => Task.Run(async () =>
        {
            await As(u).ReviewAsync(id, i % 5 + 1, "r");
            if (i % 3 == 0)
            {
                await As(u).ReviewAsync(id, 5, "edited");
            }

            await As(u).SetHelpfulAsync(review.Id, true);
        }));
        await Task.WhenAll(work);

        await using var db = pg.OwnerContext();
        var ext = await db.Extensions.AsNoTracking().SingleAsync(e => e.Id == id);
        var rows = await db.ExtensionReviews.AsNoTracking().Where(r => r.ExtensionId == id).ToListAsync();
        Assert.Equal(24, rows.Count);
        Assert.Equal((rows.Count, rows.Sum(r => (int)r.Rating)), (ext.RatingCount, ext.RatingSum));
        Assert.Equal(23, await db.ExtensionReviews.Where(r => r.Id == review.Id).Select(r => r.HelpfulCount).SingleAsync());
        Assert.Equal(23, await db.ExtensionReviewVotes.CountAsync(v => v.ReviewId == review.Id));
        Assert.Equal(24, ext.InstallCount);
    }

    [Fact]
    public async Task Enable_AtMostOneChatTemplateAndOneTheme_PerUser_EvenConcurrently()
    {
        var (_, _, a) = await ApprovedAsync();
        var (_, _, b) = await ApprovedAsync();
        var (_, _, theme) = await ApprovedAsync((i, v) => Theme(i, v));
        var (_, _, ui) = await ApprovedAsync((i, v) => Ui(i, v));
        var player = await pg.CreateUserAsync();

        await As(player).InstallAsync(a);
        await As(player).InstallAsync(theme);
        await As(player).InstallAsync(ui);
        await As(player).InstallAsync(b);
        var active = await As(player).ActiveAsync();
        Assert.Equal((b, theme), (active.ChatTemplateId, active.ThemeId));
        Assert.Equal("#2e7d32", active.Theme!.Light["primary"]);
        Assert.False(Assert.Single(await As(player).CatalogAsync(), e => e.Id == a).Installation!.Enabled);
        Assert.False(Assert.Single(await As(player).CatalogAsync(), e => e.Id == ui).CanRun);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => As(player).SetEnabledAsync(i % 2 == 0 ? a : b, true))));

        await using var db = pg.OwnerContext();
        var enabledTemplates = await db.ExtensionInstallations.CountAsync(i => i.UserId == player.UserId && i.Enabled && (i.ExtensionId == a || i.ExtensionId == b));
        Assert.Equal(1, enabledTemplates);
        Assert.True((await As(player).SetEnabledAsync(theme, false)).Succeeded);
        Assert.Null((await As(player).ActiveAsync()).Theme);
    }

    [Fact]
    public async Task Suspend_TakesItOffTheCatalog_AndStopsApplying_ReinstateBringsItBack()
    {
        var (_, admin, id) = await ApprovedAsync();
        var player = await pg.CreateUserAsync();
        await As(player).InstallAsync(id);
        Assert.NotNull((await As(player).ActiveAsync()).ChatTemplate);

        Assert.Equal("Extensions.Review.ReasonRequired", (await As(admin).SetSuspendedAsync(id, true, "")).Errors[0].Code);
        Assert.Equal(ResultKind.Forbidden, (await As(player).SetSuspendedAsync(id, true, "x")).Kind);
        Assert.True((await As(admin).SetSuspendedAsync(id, true, "收到举报")).Succeeded);

        Assert.DoesNotContain(await As(player).CatalogAsync(), e => e.Id == id);
        Assert.Null((await As(player).ActiveAsync()).ChatTemplate);
        Assert.Equal(ResultKind.NotFound, (await As(await pg.CreateUserAsync()).InstallAsync(id)).Kind);

        Assert.True((await As(admin).SetSuspendedAsync(id, false, null)).Succeeded);
        Assert.NotNull((await As(player).ActiveAsync()).ChatTemplate);
    }

    [Fact]
    public async Task Rls_PendingIsPrivate_InstallationsAreOwn_VersionsAreImmutable()
    {
        var maker = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var id = NewId();
        var pending = (await As(maker).PublishAsync(ChatTemplate(id, "1.0.0"))).Value!;

        // Another user sees neither the pending extension nor its version.
        var seen = await pg.Db(other).RunAsync(async (ctx, _) => (await ctx.Extensions.CountAsync(e => e.Id == id), await ctx.ExtensionVersions.CountAsync(v => v.ExtensionId == id)));
        Assert.Equal((0, 0), seen);

        // A maker cannot approve their own version, nor mark a new extension approved.
        var selfApproved = await pg.Db(maker).RunAsync((ctx, _) => ctx.ExtensionVersions.Where(v => v.Id == pending.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, "approved")));
        Assert.Equal(0, selfApproved);
        await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(maker).RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync(
            $"INSERT INTO extensions (id, author_id, name, kind, description, status) VALUES ({NewId()}, {maker.UserId}, 'x', 'theme', '', 'approved')")));

        // Installing a pending version straight into the table is refused.
        await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(other).RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync(
            $"INSERT INTO extension_installations (user_id, extension_id, version_id, enabled, auto_update) VALUES ({other.UserId}, {id}, {pending.Id}, true, true)")));

        // Once approved, a user's installation is theirs alone; the manifest of an approved version cannot change.
        await As(admin).ApproveAsync(pending.Id);
        await As(other).InstallAsync(id);
        Assert.Equal(0, await pg.Db(maker).RunAsync((ctx, _) => ctx.ExtensionInstallations.CountAsync(i => i.ExtensionId == id)));
        await Assert.ThrowsAnyAsync<Exception>(() => pg.Db(admin).RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync(
            $"UPDATE extension_versions SET manifest = '{{}}'::jsonb WHERE id = {pending.Id}")));
    }
}
