using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Explore;

/// <summary>Plays through the chat (an answer completes), once per user, star and Beijing day; the rollup job and 7-day heat.</summary>
public sealed class StarPlayTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly GalleryTestData data = new(pg);

    private static async Task ChatAsync(IConversationService chat, Guid star, params string[] messages)
    {
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        foreach (var message in messages)
        {
            await foreach (var _ in chat.SendAsync(conversation.Id, message))
            {
            }
        }
    }

    [Fact]
    public async Task Chat_ManyAnswersInOneBeijingDay_CountOnePlay_TheNextBeijingDayAnother()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var star = await data.StarAsync(owner, "墨痕");
        // 15:30 UTC is 23:30 in Beijing; an hour later it is the next Beijing day (but the same UTC day).
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 15, 30, 0, TimeSpan.Zero));
        var chat = data.Chat(player, clock);

        await ChatAsync(chat, star, "你好", "怎么揭裱？");
        await ChatAsync(chat, star, "再来一次");
        Assert.Equal(1L, await data.ScalarAsync($"SELECT count(*) FROM star_plays WHERE star_id = '{star}'"));

        clock.Advance(TimeSpan.FromHours(1));
        await ChatAsync(chat, star, "第二天好");

        Assert.Equal("2026-12-05,2026-12-06", string.Join(',', await pg.Db(player).RunAsync((ctx, _) =>
            ctx.Set<StarPlay>().Where(p => p.StarId == star).OrderBy(p => p.PlayDay).Select(p => p.PlayDay.ToString("yyyy-MM-dd")).ToListAsync())));
        Assert.Equal(2L, await data.ScalarAsync($"SELECT play_count FROM star_gallery_stats WHERE star_id = '{star}'"));
        var recent = await data.Gallery(player).RecentlyChattedAsync(5);
        Assert.Equal(star, recent.Single().Card.StarId);
        Assert.Equal(clock.Now, recent.Single().LastChattedAt);
    }

    [Fact]
    public async Task RecentlyChatted_NewestFirst_OwnOnly_AndAStarMadePrivateDropsOut()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var first = await data.StarAsync(owner, "先聊");
        var second = await data.StarAsync(owner, "后聊");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await data.Plays(player, clock).RecordAsync(first);
        clock.Advance(TimeSpan.FromMinutes(5));
        await data.Plays(player, clock).RecordAsync(second);

        Assert.Equal([second, first], (await data.Gallery(player).RecentlyChattedAsync(5)).Select(r => r.Card.StarId));
        Assert.Empty(await data.Gallery(other).RecentlyChattedAsync(5));
        Assert.Empty(await data.Gallery(UserContext.Anonymous).RecentlyChattedAsync(5));

        await data.ExecAsync($"UPDATE stars SET is_public = false WHERE id = '{second}'");
        Assert.Equal([first], (await data.Gallery(player).RecentlyChattedAsync(5)).Select(r => r.Card.StarId));
        // Nor can a player record a play on a star they may not chat with.
        Assert.False(await data.Plays(other, clock).RecordAsync(second));
    }

    [Fact]
    public async Task Recompute_RollsPlaysUpByDay_AndHeatIsTheDocumentedFormula()
    {
        var owner = await pg.CreateUserAsync();
        var hot = await data.StarAsync(owner, "热门之星");
        var old = await data.StarAsync(owner, "往日之星");
        var today = new DateOnly(2026, 12, 6);
        var clock = new ManualClock(BeijingTime.StartOf(today).AddHours(12));
        var users = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            users.Add((await pg.CreateUserAsync()).UserId!.Value);
        }

        // hot: 5 plays today, 3 two days ago, 2 six days ago (in the window), 4 seven days ago (out); 2 likes today, 1 three days ago.
        // old: 5 plays ten days ago only.
        var plays = new List<(Guid Star, int Users, int Age)> { (hot, 5, 0), (hot, 3, 2), (hot, 2, 6), (hot, 4, 7), (old, 5, 10) };
        foreach (var (star, count, age) in plays)
        {
            var day = today.AddDays(-age);
            foreach (var user in users.Take(count))
            {
                await data.ExecAsync($"INSERT INTO star_plays (star_id, user_id, play_day, first_played_at) VALUES ('{star}', '{user}', '{day:yyyy-MM-dd}', now())");
            }
        }

        var likeTimes = new[] { BeijingTime.StartOf(today).AddHours(1), BeijingTime.StartOf(today).AddHours(23), BeijingTime.StartOf(today.AddDays(-3)).AddHours(8) };
        for (var i = 0; i < likeTimes.Length; i++)
        {
            await data.ExecAsync($"INSERT INTO star_likes (star_id, user_id, created_at) VALUES ('{hot}', '{users[i]}', '{likeTimes[i]:O}')");
        }

        var result = await data.Recompute(clock).RunAsync();

        var expected = HeatFormula.Compute(today, [(today, 5), (today.AddDays(-2), 3), (today.AddDays(-6), 2), (today.AddDays(-7), 4)],
            [today, today, today.AddDays(-3)]);
        await using var db = pg.OwnerContext();
        var hotStats = await db.Set<StarGalleryStats>().SingleAsync(g => g.StarId == hot);
        var oldStats = await db.Set<StarGalleryStats>().SingleAsync(g => g.StarId == old);
        Assert.Equal(expected, hotStats.Heat, 4);
        Assert.Equal(10, hotStats.Plays7d);
        Assert.Equal((0.0, 0), (oldStats.Heat, oldStats.Plays7d));
        Assert.Equal(5 + 3 + 2 + 4, hotStats.PlayCount);
        Assert.True(result.HeatChanged >= 1);
        // The rollup holds the last 8 days (the 10-day-old plays are outside it).
        var daily = await db.Set<StarPlayDailyStat>().Where(d => d.StarId == hot).OrderBy(d => d.PlayDay).Select(d => d.PlayCount).ToListAsync();
        Assert.Equal([4, 2, 3, 5], daily);
        Assert.False(await db.Set<StarPlayDailyStat>().AnyAsync(d => d.StarId == old));

        // The next day, unchanged data: today's plays are a day older and the heat drops.
        clock.Advance(TimeSpan.FromDays(1));
        await data.Recompute(clock).RunAsync();
        var tomorrow = await db.Set<StarGalleryStats>().AsNoTracking().SingleAsync(g => g.StarId == hot);
        Assert.True(tomorrow.Heat < hotStats.Heat);
    }

    [Fact]
    public async Task Recompute_AsASignedInUser_IsRefused()
    {
        var user = await pg.CreateUserAsync();
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => pg.Db(user).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT star_gallery_recompute(current_date, current_date, 3, 2) AS \"Value\"").SingleAsync()));
        Assert.Equal("42501", ex.SqlState);
    }
}
