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
        var card = player.GetByTestId("featured-star").Filter(new() { HasText = "墨痕·古籍修复师" });
        await card.GetByTestId("featured-star-chat").ClickAsync();
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
}
