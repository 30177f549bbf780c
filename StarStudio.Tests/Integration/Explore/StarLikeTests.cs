using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Integration.Explore;

/// <summary>Likes over the real PostgreSQL as the app role: one per user and star, counted without races, refused on stars players cannot see.</summary>
public sealed class StarLikeTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly GalleryTestData data = new(pg);

    private Task<long> RowsAsync(Guid star) => data.ScalarAsync($"SELECT count(*) FROM star_likes WHERE star_id = '{star}'");

    private Task<long> CounterAsync(Guid star) => data.ScalarAsync($"SELECT like_count FROM star_gallery_stats WHERE star_id = '{star}'");

    [Fact]
    public async Task Like_Twice_CountsOnce_AndToggleUnlikes()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var star = await data.StarAsync(owner, "墨痕·古籍修复师");
        var likes = data.Likes(player);

        var first = await likes.SetAsync(star, true);
        var again = await likes.SetAsync(star, true);

        Assert.Equal(new LikeState(true, 1), first.Value);
        Assert.Equal(new LikeState(true, 1), again.Value);
        Assert.Equal((1L, 1L), (await RowsAsync(star), await CounterAsync(star)));

        var toggled = await likes.ToggleAsync(star);
        Assert.Equal(new LikeState(false, 0), toggled.Value);
        Assert.Equal((0L, 0L), (await RowsAsync(star), await CounterAsync(star)));
    }

    [Fact]
    public async Task Like_ConcurrentDoubleClicksAndToggles_CounterEqualsRows()
    {
        var owner = await pg.CreateUserAsync();
        var star = await data.StarAsync(owner, "并发之星");
        var players = new List<UserContext>();
        for (var i = 0; i < 30; i++)
        {
            players.Add(await pg.CreateUserAsync());
        }

        // Each player double-clicks "like" (two concurrent likes); every third also toggles at the same time.
        var work = players.SelectMany((p, i) => new[]
        {
            data.Likes(p).SetAsync(star, true),
            data.Likes(p).SetAsync(star, true),
            i % 3 == 0 ? data.Likes(p).ToggleAsync(star) : Task.FromResult(Result<LikeState>.Ok(new LikeState(true, 0))),
        }).ToList();
        await Task.WhenAll(work);

        var rows = await RowsAsync(star);
        Assert.Equal(rows, await CounterAsync(star));
        Assert.InRange(rows, 20, 30);
        Assert.Equal(rows, await data.ScalarAsync($"SELECT count(DISTINCT user_id) FROM star_likes WHERE star_id = '{star}'"));
    }

    [Fact]
    public async Task Like_PrivateArchivedOrUnknownStar_IsRefused_UnlikeStillWorks()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var hidden = await data.StarAsync(owner, "私密之星", isPublic: false);
        var archived = await data.StarAsync(owner, "归档之星", status: StarStatus.Archived);
        var later = await data.StarAsync(owner, "后来私密");
        var likes = data.Likes(player);

        var onHidden = await likes.SetAsync(hidden, true);
        var onArchived = await likes.ToggleAsync(archived);
        var onUnknown = await likes.SetAsync(Guid.NewGuid(), true);
        var ownPrivate = await data.Likes(owner).SetAsync(hidden, true);

        Assert.Equal("Explore.Like.NotPublic", onHidden.Errors.Single().Code);
        Assert.Equal("Explore.Like.NotPublic", onArchived.Errors.Single().Code);
        Assert.Equal("Explore.Like.NotPublic", ownPrivate.Errors.Single().Code);
        Assert.Equal(ResultKind.NotFound, onUnknown.Kind);
        Assert.Equal(0L, await data.ScalarAsync($"SELECT count(*) FROM star_likes WHERE star_id IN ('{hidden}', '{archived}')"));

        // A like on a star made private since can be taken back (and then not given again).
        Assert.True((await likes.SetAsync(later, true)).Succeeded);
        await data.ExecAsync($"UPDATE stars SET is_public = false WHERE id = '{later}'");
        Assert.Equal(new LikeState(false, 0), (await likes.SetAsync(later, false)).Value);
        Assert.False((await likes.SetAsync(later, true)).Succeeded);
        Assert.Equal(0L, await CounterAsync(later));
    }

    [Fact]
    public async Task Like_SignedOut_IsForbidden()
    {
        var owner = await pg.CreateUserAsync();
        var star = await data.StarAsync(owner, "匿名不可赞");

        var result = await data.Likes(UserContext.Anonymous).SetAsync(star, true);

        Assert.Equal(ResultKind.Forbidden, result.Kind);
    }

    [Fact]
    public async Task Rls_APlayerReadsOnlyTheirOwnLikes_AndCannotWriteLikesOrCountersDirectly()
    {
        var owner = await pg.CreateUserAsync();
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        var star = await data.StarAsync(owner, "隐私之星");
        await data.Likes(a).SetAsync(star, true);

        var seenByB = await pg.Db(b).RunAsync((ctx, _) => ctx.Set<StarLike>().CountAsync());
        var seenByA = await pg.Db(a).RunAsync((ctx, _) => ctx.Set<StarLike>().CountAsync());
        var seenByOwner = await pg.Db(owner).RunAsync((ctx, _) => ctx.Set<StarLike>().CountAsync());
        Assert.Equal((0, 1, 0), (seenByB, seenByA, seenByOwner));

        await Assert.ThrowsAsync<PostgresException>(() => pg.Db(b).RunAsync((ctx, user) =>
            ctx.Database.ExecuteSqlAsync($"INSERT INTO star_likes (star_id, user_id, created_at) VALUES ({star}, {user.UserId}, now())")));
        var updated = await pg.Db(b).RunAsync((ctx, _) => ctx.Database.ExecuteSqlAsync($"UPDATE star_gallery_stats SET like_count = 1000 WHERE star_id = {star}"));
        Assert.Equal(0, updated);
        Assert.Equal(1L, await CounterAsync(star));
    }
}
