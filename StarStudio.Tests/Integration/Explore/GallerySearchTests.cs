using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Integration.Explore;

/// <summary>The gallery page over the real PostgreSQL: listed stars only, jieba search in Chinese and English, filters, sorts, paging, hostile input.</summary>
public sealed class GallerySearchTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly GalleryTestData data = new(pg);
    private UserContext owner = null!;
    private Guid restorer;
    private Guid astronomer;
    private Guid teacher;
    private Guid hidden;
    private Guid archived;
    private Guid wasListed;

    // xunit runs InitializeAsync before every test of the class, which shares one database: the stars are made once.
    private static readonly Dictionary<string, Task<Guid[]>> Arranged = [];

    public async Task InitializeAsync()
    {
        Task<Guid[]> arranged;
        lock (Arranged)
        {
            if (!Arranged.TryGetValue(pg.Name, out arranged!))
            {
                Arranged[pg.Name] = arranged = ArrangeAsync();
            }
        }

        var ids = await arranged;
        (restorer, astronomer, teacher, hidden, archived, wasListed) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]);
        owner = UserContext.For(ids[6], []);
    }

    private async Task<Guid[]> ArrangeAsync()
    {
        var o = await pg.CreateUserAsync();
        var t0 = DateTimeOffset.UtcNow.AddDays(-10);
        var ids = new[]
        {
            await data.StarAsync(o, "墨痕·古籍修复师", "古籍修复", tags: ["修复", "历史"], createdAt: t0,
                exampleDialogues: "<START>\n{{user}}: 修复古籍该用什么胶？\n{{char}}: 小麦淀粉糨糊。\n{{user}}：虫蛀怎么办？"),
            await data.StarAsync(o, "观星者", "天文学", tags: ["星空"], tone: "好奇", createdAt: t0.AddDays(1)),
            await data.StarAsync(o, "History Teacher", "教育", tags: ["历史", "english"], tone: "patient", createdAt: t0.AddDays(2)),
            await data.StarAsync(o, "古籍私藏", "古籍修复", isPublic: false, createdAt: t0.AddDays(3)),
            await data.StarAsync(o, "古籍旧档", "古籍修复", status: StarStatus.Archived, createdAt: t0.AddDays(4)),
            await data.StarAsync(o, "曾经公开", "收藏", createdAt: t0.AddDays(-300)),
            o.UserId!.Value,
        };
        // Listed once, private since: its owner still reaches its profile.
        await data.ExecAsync($"UPDATE stars SET is_public = false WHERE id = '{ids[5]}'");
        return ids;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<Guid>> SearchAsync(GalleryQuery query, UserContext? user = null)
    {
        var page = await data.Gallery(user ?? UserContext.Anonymous).SearchAsync(query);
        Assert.True(page.Succeeded, string.Join(", ", page.Errors.Select(e => e.Code)));
        return page.Value!.Items.Select(c => c.StarId).Where(id => id == restorer || id == astronomer || id == teacher || id == hidden || id == archived).ToList();
    }

    [Fact]
    public async Task Browse_Anonymous_SeesListedStarsOnly_NewestFirst()
    {
        Assert.Equal([teacher, astronomer, restorer], await SearchAsync(new GalleryQuery(Sort: GallerySort.New)));
        // Not even its owner finds a private star in the gallery.
        Assert.DoesNotContain(hidden, await SearchAsync(new GalleryQuery(Sort: GallerySort.New), owner));
    }

    [Fact]
    public async Task Search_Chinese_FindsByJiebaWords_InNameDomainAndTags()
    {
        Assert.Equal([restorer], await SearchAsync(new GalleryQuery("古籍")));
        Assert.Equal([restorer], await SearchAsync(new GalleryQuery("修复师")));
        Assert.Equal([astronomer], await SearchAsync(new GalleryQuery("天文")));
        Assert.Equal([teacher, restorer], await SearchAsync(new GalleryQuery("历史", Sort: GallerySort.New)));
        // Words are ANDed: both must be there.
        Assert.Equal([restorer], await SearchAsync(new GalleryQuery("历史 修复")));
    }

    [Fact]
    public async Task Search_English_IsCaseInsensitive_AndMatchesPrefixes()
    {
        Assert.Equal([teacher], await SearchAsync(new GalleryQuery("history")));
        Assert.Equal([teacher], await SearchAsync(new GalleryQuery("TEACH")));
        Assert.Equal([teacher], await SearchAsync(new GalleryQuery("Ｈｉｓｔｏｒｙ")));
    }

    [Theory]
    [InlineData("'; DROP TABLE stars; --")]
    [InlineData("古籍 | !修复 & (")]
    [InlineData(".*[a-z]+\\d{2,}")]
    [InlineData("%_\\")]
    [InlineData("a:* & b")]
    public async Task Search_SqlAndRegexMetacharacters_AreWordsOrNothing_NeverAnError(string text)
    {
        var page = await data.Gallery(UserContext.Anonymous).SearchAsync(new GalleryQuery(text));

        Assert.True(page.Succeeded);
        Assert.DoesNotContain(page.Value!.Items, c => c.StarId == hidden || c.StarId == archived);
        Assert.Equal(3L, await data.ScalarAsync($"SELECT count(*) FROM stars WHERE owner_id = '{owner.UserId}' AND is_public AND status = 'active'"));
    }

    [Fact]
    public async Task Search_OnlySymbols_SaysSo_AndATenThousandCharacterQueryIsRefused()
    {
        var symbols = await data.Gallery(UserContext.Anonymous).SearchAsync(new GalleryQuery("%%% *** ???"));
        var huge = await data.Gallery(UserContext.Anonymous).SearchAsync(new GalleryQuery(new string('古', 10_000)));

        Assert.True(symbols.Value!.NoSearchableWords);
        Assert.Empty(symbols.Value.Items);
        Assert.Equal("Explore.Query.TooLong", huge.Errors.Single().Code);
    }

    [Fact]
    public async Task Filters_ByDomainAndTag_AndSortMostLiked()
    {
        var fan = await pg.CreateUserAsync();
        var fan2 = await pg.CreateUserAsync();
        await data.Likes(fan).SetAsync(astronomer, true);
        await data.Likes(fan2).SetAsync(astronomer, true);
        await data.Likes(fan).SetAsync(teacher, true);

        Assert.Equal([astronomer], await SearchAsync(new GalleryQuery(Domain: "天文学")));
        Assert.Equal([teacher, restorer], await SearchAsync(new GalleryQuery(Tag: "历史", Sort: GallerySort.New)));
        Assert.Equal([astronomer, teacher, restorer], await SearchAsync(new GalleryQuery(Sort: GallerySort.MostLiked)));
        var mine = (await data.Gallery(fan).SearchAsync(new GalleryQuery(Sort: GallerySort.MostLiked))).Value!.Items;
        Assert.True(mine.Single(c => c.StarId == astronomer).LikedByMe);
        Assert.False(mine.Single(c => c.StarId == restorer).LikedByMe);
        Assert.Equal(2, mine.Single(c => c.StarId == astronomer).Likes);

        var facets = await data.Gallery(UserContext.Anonymous).FacetsAsync();
        Assert.Contains(facets.Tags, f => f.Value == "历史" && f.Stars == 2);
        Assert.Contains(facets.Domains, f => f.Value == "天文学" && f.Stars == 1);
    }

    [Fact]
    public async Task Profile_ListedStar_HasGreetingSampleQuestionsAndStats_PrivateIsNotFoundExceptForItsOwner()
    {
        var profile = await data.Gallery(UserContext.Anonymous).ProfileAsync(restorer);
        var privateForPlayer = await data.Gallery(await pg.CreateUserAsync()).ProfileAsync(hidden);
        var privateForOwner = await data.Gallery(owner).ProfileAsync(wasListed);

        Assert.Equal("墨痕·古籍修复师", profile.Value!.Card.Name);
        Assert.Equal("你好，{{user}}。", profile.Value.Greeting);
        Assert.Equal(["修复古籍该用什么胶？", "虫蛀怎么办？"], profile.Value.SampleQuestions);
        Assert.Equal(ResultKind.NotFound, privateForPlayer.Kind);
        Assert.True(privateForOwner.Value!.IsOwner);
        Assert.False(privateForOwner.Value.Listed);
    }

    [Fact]
    public async Task HideLikes_LeavesTheUserOutOfAStarsRecentLikers_ButTheLikeCounts()
    {
        var star = await data.StarAsync(await pg.CreateUserAsync(), "点赞隐私", "隐私测试", createdAt: DateTimeOffset.UtcNow.AddDays(-400));
        var open = await pg.CreateUserAsync();
        var shy = await pg.CreateUserAsync();
        await new StarStudio.Data.Account.PreferencesService(pg.Db(shy), TimeProvider.System)
            .SaveAsync(new StarStudio.Core.Account.PreferencesDraft("zh-CN", "light", false, HideLikes: true));
        await data.Likes(open).SetAsync(star, true);
        await data.Likes(shy).SetAsync(star, true);

        var profile = (await data.Gallery(UserContext.Anonymous).ProfileAsync(star)).Value!;

        Assert.Equal(2, profile.Card.Likes);
        Assert.Single(profile.RecentLikers);
        Assert.Equal(1L, await data.ScalarAsync($"SELECT count(*) FROM users WHERE id = '{open.UserId}' AND display_name = '{profile.RecentLikers[0].Replace("'", "''")}'"));
    }
}
