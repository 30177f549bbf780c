using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E.Creation;

/// <summary>
/// The creation assistant end to end on the offline path (the E2E app has no chat model): an owner types an idea, edits an
/// anchor, drafts, sees a blocking finding, leaves and resumes the session, fixes the finding, publishes and lands on the star.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class CreationJourneyTests(AppServer app)
{
    [Fact]
    public async Task Journey_IdeaToPublishedStar_Offline_WithResume()
    {
        var page = await app.NewPageAsync();
        await page.RegisterAsync($"creator-{Guid.NewGuid():N}@example.test", "创作者", "Passw0rd!c");
        await page.WaitForURLAsync("**/studio");
        await page.WaitForInteractiveAsync();

        // 1. From the star list to the assistant; an idea starts a session at the anchors step.
        await page.ClickAsync("[data-testid=creation-assistant]");
        await page.WaitForURLAsync("**/studio/create");
        await page.WaitForInteractiveAsync();
        await page.FillAsync("#creation-idea", "一个给小学生讲三国故事的幽默历史老师");
        await page.ClickAsync("[data-testid=creation-start]");
        await page.WaitForURLAsync(SessionUrl());
        await page.WaitForInteractiveAsync();
        var sessionPath = new Uri(page.Url).AbsolutePath;
        await Expect(page.Locator("#anchor-domain")).ToHaveValueAsync("历史");
        await Expect(page.Locator("#anchor-tone")).ToHaveValueAsync("幽默风趣");
        await Expect(page.GetByText("离线模板生成，未使用大模型").First).ToBeVisibleAsync();
        await page.ShotAsync("creation-01-anchors");

        // 2. Edit an anchor and draft: four cards, offline.
        await page.FillAsync("#anchor-name", "史官小满");
        await page.ClickAsync("[data-testid=creation-draft]");
        await Expect(page.GetByTestId("creation-offline-notice")).ToHaveTextAsync("离线模板生成，未使用大模型");
        await Expect(page.Locator("#card-greeting-text")).ToHaveValueAsync(new Regex("我是史官小满"));
        await Expect(page.Locator("#card-examples-text")).ToHaveValueAsync(new Regex("<START>"));
        await page.ShotAsync("creation-02-drafts");

        // 3. Review: the missing boundaries block publishing, and the button says so by being disabled.
        await page.ClickAsync("[data-testid=creation-to-review]");
        await Expect(page.GetByTestId("finding-missing_boundaries")).ToContainTextAsync("还没有写边界");
        await Expect(page.GetByTestId("gate-blocker")).ToHaveTextAsync(new Regex("还没有写边界"));
        await Expect(page.GetByTestId("creation-publish")).ToBeDisabledAsync();
        await page.ShotAsync("creation-03-blocked");

        // 4. Leave and resume: the session is listed and opens where it stood (review).
        await page.OpenInteractiveAsync("/studio/create");
        await page.GetByTestId("creation-session-link").First.ClickAsync();
        await page.WaitForURLAsync("**" + sessionPath);
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("creation-publish")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("creation-stage")).ToHaveTextAsync("审阅中");

        // 5. Fix the finding at the anchors step; the gate opens; publish lands on the new star.
        await page.ClickAsync("[data-testid=step-2]");
        await page.FillAsync("#anchor-boundaries", "不讨论现实政治，不评价在世人物");
        await page.ClickAsync("[data-testid=anchors-save]");
        await Expect(page.GetByText("锚点已保存。").First).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=step-4]");
        await Expect(page.GetByTestId("creation-gate-open")).ToBeVisibleAsync();
        await page.ShotAsync("creation-04-open");
        await page.ClickAsync("[data-testid=creation-publish]");
        await page.WaitForURLAsync(new Regex("/studio/stars/[0-9a-f-]{36}$"));
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("史官小满");
        await Expect(page.Locator("#star-greeting")).ToHaveValueAsync(new Regex("我是史官小满"));
        var starId = page.Url.Split('/').Last();
        var greeting = (string?)await app.ScalarAsync($"SELECT greeting FROM stars WHERE id = '{Guid.Parse(starId)}'");
        Assert.StartsWith("你好，{{user}}！我是史官小满", greeting, StringComparison.Ordinal);
        await page.ShotAsync("creation-05-published");
    }

    [GeneratedRegex("/studio/create/[0-9a-f-]{36}$")]
    private static partial Regex SessionUrl();
}
