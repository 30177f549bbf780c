using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Recommendations;
using StarStudio.Core.Stars;
using StarStudio.Data.Recommendations;

namespace StarStudio.Tests.Integration.Recommendations;

/// <summary>
/// Recommendations over the real PostgreSQL as the app role: the similarity job, "because you liked", every shown one
/// logged, reactions, dismissals respected, a star made private since filtered and its stale card refused, RLS of the log.
/// Each test makes its own stars in their own domain and reads only what concerns them, so the tests share one database.
/// </summary>
public sealed class RecommendationServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private RecommendationService ServiceFor(UserContext user) => new(pg.Db(user), TimeProvider.System);

    private Task<int> RunJobAsync() =>
        new RecommendationSimilarityJob(pg.AppContextFactory(), TimeProvider.System, NullLogger<RecommendationSimilarityJob>.Instance).RunAsync();

    private async Task<Guid> StarAsync(string name, string domain, double heat = 0, bool isPublic = true, Guid? owner = null)
    {
        owner ??= (await pg.CreateUserAsync()).UserId;
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star
        {
            Id = id, OwnerId = owner!.Value, Name = name, Domain = domain, Persona = "p", Tone = "", IsPublic = isPublic,
            Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow.AddDays(-30), UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        if (heat > 0)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE star_gallery_stats SET heat = {heat} WHERE star_id = {id}");
        }

        return id;
    }

    private async Task LikeAsync(Guid user, params Guid[] stars)
    {
        await using var db = pg.OwnerContext();
        foreach (var star in stars)
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO star_likes (star_id, user_id, created_at) VALUES ({star}, {user}, now())");
        }
    }

    private async Task SetPublicAsync(Guid star, bool isPublic)
    {
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlAsync($"UPDATE stars SET is_public = {isPublic} WHERE id = {star}");
    }

    private async Task<List<RecommendationLog>> LogsAsync(Guid user)
    {
        await using var db = pg.OwnerContext();
        return await db.Set<RecommendationLog>().AsNoTracking().Where(l => l.UserId == user).OrderBy(l => l.CreatedAt).ToListAsync();
    }

    /// <summary>Three other players like both 墨痕 and 纸鸢; the player likes 墨痕; the job has run.</summary>
    private async Task<(UserContext Player, Guid Liked, Guid Similar, string Domain)> LikedWithNeighbourAsync()
    {
        var domain = "域" + Guid.NewGuid().ToString("N")[..8];
        var liked = await StarAsync("墨痕", domain);
        var similar = await StarAsync("纸鸢", domain);
        for (var i = 0; i < 3; i++)
        {
            await LikeAsync((await pg.CreateUserAsync()).UserId!.Value, liked, similar);
        }

        var player = await pg.CreateUserAsync();
        await LikeAsync(player.UserId!.Value, liked);
        await RunJobAsync();
        return (player, liked, similar, domain);
    }

    [Fact]
    public async Task Show_AfterTheJob_BecauseYouLiked_AndEachShownOneIsLoggedWithItsReason()
    {
        var (player, liked, similar, _) = await LikedWithNeighbourAsync();

        var shown = await ServiceFor(player).ShowAsync(8);

        var rec = Assert.Single(shown, s => s.StarId == similar);
        Assert.Equal(RecommendationReason.Of(RecommendationReasonCode.BecauseYouLiked, "墨痕"), rec.Reason);
        Assert.DoesNotContain(shown, s => s.StarId == liked);
        var logs = await LogsAsync(player.UserId!.Value);
        Assert.Equal(shown.Select(s => s.LogId).Order(), logs.Select(l => l.Id).Order());
        var log = logs.Single(l => l.Id == rec.LogId);
        Assert.Equal(("because_you_liked", "item_to_item", similar), (log.ReasonCode, log.AlgorithmType, log.ItemId));
        Assert.Equal(["墨痕"], log.ReasonArgs);
        Assert.InRange(log.ConfidenceScore, 0.01, 1);
        Assert.Null(log.UserAction);
    }

    [Fact]
    public async Task Show_Twice_WithinTheWindow_ReusesTheRows()
    {
        var (player, _, _, _) = await LikedWithNeighbourAsync();
        var service = ServiceFor(player);

        var first = await service.ShowAsync(8);
        var second = await service.ShowAsync(8);

        Assert.Equal(first.Select(s => s.LogId), second.Select(s => s.LogId));
        Assert.Equal(first.Count, (await LogsAsync(player.UserId!.Value)).Count);
    }

    [Fact]
    public async Task Dismiss_IsRecorded_AndTheStarIsNeverRecommendedAgain()
    {
        var (player, _, similar, _) = await LikedWithNeighbourAsync();
        var service = ServiceFor(player);
        var rec = (await service.ShowAsync(8)).Single(s => s.StarId == similar);

        Assert.True((await service.DismissAsync(rec.LogId)).Succeeded);

        Assert.DoesNotContain(await service.ShowAsync(24), s => s.StarId == similar);
        var log = (await LogsAsync(player.UserId!.Value)).Single(l => l.Id == rec.LogId);
        Assert.Equal("dismissed", log.UserAction);
        Assert.NotNull(log.DismissedAt);
    }

    [Fact]
    public async Task Click_IsRecorded_AndALaterLikeCountsForTheRecommendation()
    {
        var (player, _, similar, _) = await LikedWithNeighbourAsync();
        var service = ServiceFor(player);
        var rec = (await service.ShowAsync(8)).Single(s => s.StarId == similar);

        var click = await service.ClickAsync(rec.LogId);
        await LikeAsync(player.UserId!.Value, similar);

        Assert.Equal(similar, click.Value);
        var log = (await LogsAsync(player.UserId!.Value)).Single(l => l.Id == rec.LogId);
        Assert.NotNull(log.ClickedAt);
        Assert.NotNull(log.LikedAt);
        Assert.Equal("liked", log.UserAction);
    }

    [Fact]
    public async Task StarMadePrivateSince_IsNotShown_AndAClickOnTheStaleCardSaysSo()
    {
        var (player, _, similar, _) = await LikedWithNeighbourAsync();
        var service = ServiceFor(player);
        var rec = (await service.ShowAsync(8)).Single(s => s.StarId == similar);

        await SetPublicAsync(similar, false);

        Assert.DoesNotContain(await service.ShowAsync(24), s => s.StarId == similar);
        var click = await service.ClickAsync(rec.LogId);
        Assert.Equal(ResultKind.Invalid, click.Kind);
        Assert.Equal("Recs.Click.Unavailable", Assert.Single(click.Errors).Code);
        // The click still counts: the player did click it.
        Assert.NotNull((await LogsAsync(player.UserId!.Value)).Single(l => l.Id == rec.LogId).ClickedAt);
    }

    [Fact]
    public async Task ColdStart_PopularOverallAndInTheDomain_NeverOwnStars()
    {
        var player = await pg.CreateUserAsync();
        var domain = "域" + Guid.NewGuid().ToString("N")[..8];
        var own = await StarAsync("我的星", domain, heat: 1e6, owner: player.UserId);
        var hot = await StarAsync("热星", domain, heat: 1e6 - 1);
        var hidden = await StarAsync("私密星", domain, heat: 1e6 + 1, isPublic: false);

        var shown = await ServiceFor(player).ShowAsync(24);

        Assert.Contains(shown, s => s.StarId == hot && s.Reason.Code == RecommendationReasonCode.PopularOverall);
        Assert.DoesNotContain(shown, s => s.StarId == own || s.StarId == hidden);

        // After liking a star of the domain, its other popular stars come "popular in 星域".
        var other = await StarAsync("同域星", domain, heat: 1);
        await LikeAsync(player.UserId!.Value, hot);
        var again = await ServiceFor(player).ShowAsync(24);
        Assert.Contains(again, s => s.StarId == other && s.Reason == RecommendationReason.Of(RecommendationReasonCode.PopularInDomain, domain));
    }

    [Fact]
    public async Task Anonymous_GetsNothing_AndCannotReact()
    {
        var service = ServiceFor(UserContext.Anonymous);

        Assert.Empty(await service.ShowAsync(8));
        Assert.Equal(ResultKind.Forbidden, (await service.ClickAsync(Guid.NewGuid())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.DismissAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task AnotherUsersLog_IsNotFound_NotReadable_AndNotWritable()
    {
        var (player, _, similar, _) = await LikedWithNeighbourAsync();
        var rec = (await ServiceFor(player).ShowAsync(8)).Single(s => s.StarId == similar);
        var other = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.NotFound, (await ServiceFor(other).DismissAsync(rec.LogId)).Kind);
        Assert.Equal(ResultKind.NotFound, (await ServiceFor(other).ClickAsync(rec.LogId)).Kind);
        var (seen, updated) = await pg.Db(other).RunAsync(async (ctx, _) => (
            await ctx.Set<RecommendationLog>().CountAsync(l => l.Id == rec.LogId),
            await ctx.Database.ExecuteSqlAsync($"UPDATE recommendation_logs SET dismissed_at = now() WHERE id = {rec.LogId}")));
        Assert.Equal((0, 0), (seen, updated));
        Assert.Null((await LogsAsync(player.UserId!.Value)).Single(l => l.Id == rec.LogId).DismissedAt);
        // An admin reads it.
        Assert.Equal(1, await pg.Db(await pg.CreateAdminAsync()).RunAsync((ctx, _) => ctx.Set<RecommendationLog>().CountAsync(l => l.Id == rec.LogId)));
    }

    [Fact]
    public async Task OwnLog_OnlyTheReactionChanges_NotWhatWasShownOrWhy()
    {
        var (player, _, similar, _) = await LikedWithNeighbourAsync();
        var rec = (await ServiceFor(player).ShowAsync(8)).Single(s => s.StarId == similar);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE recommendation_logs SET reason_code = 'new_star' WHERE id = {rec.LogId}")));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task SimilarityFunctions_RefuseASignedInNonAdmin()
    {
        var player = await pg.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM recommendation_signals('2020-01-01')").SingleAsync()));
        var replace = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT star_similarities_replace('[]'::jsonb, now()) AS \"Value\"").SingleAsync()));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, replace.SqlState);
    }

    [Fact]
    public async Task Stats_AdminOnly_CountsByReasonInTheRange()
    {
        var (player, _, similar, _) = await LikedWithNeighbourAsync();
        var service = ServiceFor(player);
        var shown = await service.ShowAsync(8);
        var rec = shown.Single(s => s.StarId == similar);
        await service.ClickAsync(rec.LogId);
        var admin = ServiceFor(await pg.CreateAdminAsync());
        var today = BeijingTime.Day(DateTimeOffset.UtcNow);

        var before = (await admin.StatsAsync(today, today)).Value!;
        var liked = before.Single(r => r.ReasonCode == "because_you_liked");
        Assert.True(liked.Shown >= 1 && liked.Clicked >= 1);
        Assert.Empty((await admin.StatsAsync(today.AddDays(-10), today.AddDays(-9))).Value!);
        Assert.Equal(ResultKind.Forbidden, (await service.StatsAsync(today, today)).Kind);
        Assert.Equal("Recs.Admin.Range.Reversed", Assert.Single((await admin.StatsAsync(today, today.AddDays(-1))).Errors).Code);

        // Another click on the same reason adds exactly one.
        var (player2, _, similar2, _) = await LikedWithNeighbourAsync();
        var rec2 = (await ServiceFor(player2).ShowAsync(8)).Single(s => s.StarId == similar2);
        await ServiceFor(player2).ClickAsync(rec2.LogId);
        var after = (await admin.StatsAsync(today, today)).Value!.Single(r => r.ReasonCode == "because_you_liked");
        Assert.True(after.Clicked >= liked.Clicked + 1);
    }
}
