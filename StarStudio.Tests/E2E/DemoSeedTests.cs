using Microsoft.Playwright;
using StarStudio.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>A second app started the way <c>./run.sh</c> starts one: the configured admin plus the demo accounts and stars.</summary>
public sealed class DemoSeedAppServer() : AppServer(new Dictionary<string, string>
{
    ["StarStudio__Demo__Seed"] = "true",
});

/// <summary>
/// Seeding grants roles through the database's checked grant function (the app role may not write <c>user_roles</c>):
/// the first admin while nobody is admin, everything after as that admin.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class DemoSeedTests(DemoSeedAppServer demo) : IClassFixture<DemoSeedAppServer>
{
    [Fact]
    public async Task DemoSeed_OnAFreshDatabase_EveryAccountHasItsRolesAndTheOwnerItsStars()
    {
        var roles = await demo.ScalarAsync("""
            SELECT string_agg(u.email || ':' || r.name, ' ' ORDER BY u.email, r.name)
            FROM user_roles ur JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id
            """);
        var stars = await demo.ScalarAsync($"SELECT count(*) FROM stars s JOIN users u ON u.id = s.owner_id WHERE u.email = '{DemoAccounts.All[1].Email}'");

        // The demo admin is not created beside a configured admin (docs/security.md, "Deployment defaults").
        Assert.Equal($"{AppServer.AdminEmail}:admin maker@starstudio.local:skill_maker owner@starstudio.local:star_owner", roles);
        Assert.Equal(2L, stars);
        Assert.DoesNotContain("Unhandled", demo.Output(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoPlayer_OpensAPublicDemoStarFromHome_AndGetsAnAnswerFromItsKnowledgeWithACitation()
    {
        var stars = await demo.ScalarAsync($"SELECT count(*) FROM stars s JOIN users u ON u.id = s.owner_id WHERE u.email = '{DemoAccounts.All[1].Email}' AND s.is_public AND s.status = 'active'");
        Assert.Equal((long)DemoContent.Stars.Count(s => s.IsPublic), stars);

        var player = await demo.NewPageAsync();
        await player.SignInAsync(DemoAccounts.All[3].Email, DemoAccounts.Password);
        await player.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await player.OpenInteractiveAsync("/");
        var card = player.GetByTestId("gallery-card").Filter(new() { HasText = "墨痕·古籍修复师" });
        await card.GetByTestId("gallery-card-chat").ClickAsync();
        await player.WaitForURLAsync("**/stars/*");
        await player.WaitForInteractiveAsync();
        await Expect(player.Locator("h1")).ToHaveTextAsync("墨痕·古籍修复师");

        // The demo notes are indexed by the knowledge jobs after start; a newcomer asks the first thing they would.
        var notes = (long)DemoContent.Stars.Sum(s => s.Notes.Count);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((long)(await demo.ScalarAsync("SELECT count(*) FROM knowledge_tasks WHERE status = 'completed'"))! < notes)
        {
            Assert.True(DateTime.UtcNow < deadline, "the demo notes were not indexed within 90 s");
            await Task.Delay(500);
        }

        await player.ClickAsync("[data-testid=chat-new]");
        await player.FillAsync("#chat-input", "修复古籍该用什么胶？");
        await player.ClickAsync("[data-testid=chat-send]");
        var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });
        await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("小麦淀粉糨糊");
        await answer.GetByTestId("chat-citation").First.ClickAsync();
        await Expect(player.GetByTestId("passage-dialog-text")).ToContainTextAsync("糨糊");
        await player.ShotAsync("demo-star-answer");
    }

    /// <summary>
    /// Issue 15's gallery journey (docs/explore.md): a newly registered player lands on the gallery (the home page when
    /// signed in), searches in Chinese, opens a public demo star's profile, starts chatting, gets an answer and likes the star.
    /// </summary>
    [Fact]
    public async Task NewPlayer_SearchesTheGalleryInChinese_OpensAStar_Chats_AndLikesIt()
    {
        var player = await demo.NewPageAsync();
        await player.RegisterAsync($"explorer-{Guid.NewGuid():N}@example.test", "探索者", "Passw0rd!k");
        await player.WaitForURLAsync(url => !url.Contains("/account/register", StringComparison.Ordinal));
        await player.OpenInteractiveAsync("/");
        await Expect(player.GetByTestId("gallery")).ToBeVisibleAsync();

        await player.FillAsync("#gallery-search-input", "古籍");
        await player.GetByTestId("gallery-search-go").ClickAsync();
        var card = player.GetByTestId("gallery-card").Filter(new() { HasText = "墨痕·古籍修复师" });
        await Expect(player.GetByTestId("gallery-card")).ToHaveCountAsync(1);
        await card.GetByTestId("gallery-card-open").ClickAsync();
        await player.WaitForURLAsync("**/explore/stars/*");
        await player.WaitForInteractiveAsync();
        await Expect(player.Locator("h1")).ToHaveTextAsync("墨痕·古籍修复师");
        await Expect(player.GetByTestId("profile-stats")).ToBeVisibleAsync();

        await player.GetByTestId("profile-chat").ClickAsync();
        await player.WaitForURLAsync(url => url.Contains("/stars/", StringComparison.Ordinal) && !url.Contains("/explore/", StringComparison.Ordinal));
        await player.WaitForInteractiveAsync();
        await player.ClickAsync("[data-testid=chat-new]");
        await player.FillAsync("#chat-input", "你好，请介绍一下自己。");
        await player.ClickAsync("[data-testid=chat-send]");
        var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 30_000 });

        await player.GetByTestId("like-button").ClickAsync();
        await Expect(player.GetByTestId("like-button")).ToHaveAttributeAsync("data-liked", "true");
        await Expect(player.GetByTestId("like-count")).ToHaveTextAsync("1");
        Assert.Equal(1L, await demo.ScalarAsync("""
            SELECT g.like_count::bigint FROM star_gallery_stats g JOIN stars s ON s.id = g.star_id WHERE s.name = '墨痕·古籍修复师'
            """));
        Assert.Equal(1L, await demo.ScalarAsync("SELECT count(*) FROM star_plays p JOIN users u ON u.id = p.user_id WHERE u.display_name = '探索者'"));
        await player.ShotAsync("gallery-liked");
    }

}
