using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>The first feature end to end, as a person does it: register, create a star, see it, edit it, switch language.</summary>
[Collection(E2ECollection.Name)]
public sealed partial class StarJourneyTests(AppServer app)
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Journey_RegisterCreateListEditSwitchLanguage_WorksAndStaysPrivate()
    {
        var page = await app.NewPageAsync();
        var email = $"owner-{Guid.NewGuid():N}@example.test";

        // 1. Register: a new account lands in the studio, which is empty.
        await page.RegisterAsync(email, "林星主", "Passw0rd!x");
        await page.WaitForURLAsync("**/studio");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("no-stars")).ToContainTextAsync("你还没有智星");
        await page.ShotAsync("01-registered-empty-studio");

        // On a wide screen the drawer starts open beside the page; the menu button hides it and the page takes the width.
        var drawer = page.GetByTestId("drawer");
        await Expect(drawer).ToBeInViewportAsync();
        var contentLeft = (await page.Locator(".mud-main-content").BoundingBoxAsync())!.X;
        await page.GetByTestId("drawer-toggle").ClickAsync();
        await Expect(drawer).Not.ToBeInViewportAsync();
        await Expect(page.GetByTestId("drawer-toggle")).ToHaveAttributeAsync("aria-expanded", "false");
        Assert.True((await page.Locator(".mud-main-content").BoundingBoxAsync())!.X < contentLeft, "the page did not take the drawer's width");
        await page.GetByTestId("drawer-toggle").ClickAsync();
        await Expect(drawer).ToBeInViewportAsync();

        // 2. Create a star; a too-long name is refused at the field first, and nothing typed is lost.
        await page.ClickAsync("[data-testid=new-star]");
        await page.WaitForURLAsync("**/studio/stars/new");
        await page.WaitForInteractiveAsync();
        await page.FillAsync("#star-name", new string('星', 81));
        await page.FillAsync("#star-domain", "古籍修复");
        await page.FillAsync("#star-persona", "一位在图书馆古籍部工作了三十年的修复师。");
        await page.ClickAsync("[data-testid=star-save]");
        await Expect(page.GetByText("名称最多 80 个字符")).ToBeVisibleAsync();
        await Expect(page.Locator("#star-domain")).ToHaveValueAsync("古籍修复");
        await page.ShotAsync("02-create-validation");

        await page.FillAsync("#star-name", "墨痕·古籍修复师");
        await page.FillAsync("#star-tone", "温和严谨");
        await page.FillAsync("#star-tags", "古籍，修复");
        await page.ClickAsync("[data-testid=star-save]");
        await page.WaitForURLAsync(StarUrl());
        await Expect(page.Locator("h1")).ToHaveTextAsync("墨痕·古籍修复师");
        var starId = page.Url.Split('/').Last();
        await page.ShotAsync("03-created");

        // 3. Avatar: a text file named .png is refused by its content; a real PNG is accepted.
        var fake = Path.Combine(Path.GetTempPath(), $"fake-{Guid.NewGuid():N}.png");
        await File.WriteAllTextAsync(fake, "this is not an image");
        await page.SetInputFilesAsync("input[type=file]", fake);
        await Expect(page.GetByTestId("avatar-error")).ToContainTextAsync("不是 PNG");
        var real = Path.Combine(Path.GetTempPath(), $"real-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(real, Png);
        await page.SetInputFilesAsync("input[type=file]", real);
        await Expect(page.GetByText("头像已更新")).ToBeVisibleAsync();
        await Expect(page.Locator($"img[src*='/media/stars/{starId}/avatar']")).ToHaveCountAsync(1);

        // 4. The star is in the list.
        await page.OpenInteractiveAsync("/studio");
        await Expect(page.GetByTestId("star-link")).ToHaveTextAsync("墨痕·古籍修复师");
        await Expect(page.GetByTestId("star-grid")).ToContainTextAsync("古籍修复");
        await page.ShotAsync("04-listed");

        // 5. Edit it and pause it.
        await page.GetByTestId("star-link").ClickAsync();
        await page.WaitForURLAsync(StarUrl());
        await page.WaitForInteractiveAsync();
        await page.FillAsync("#star-name", "墨痕");
        await page.ClickAsync("[data-testid=star-save]");
        await Expect(page.GetByText("已保存")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=move-paused]");
        await Expect(page.GetByTestId("star-status").First).ToHaveTextAsync("已暂停");
        await page.OpenInteractiveAsync("/studio");
        await Expect(page.GetByTestId("star-link")).ToHaveTextAsync("墨痕");
        await page.ShotAsync("05-edited");

        // 6. Switch to English: the same list, in English.
        await page.ClickAsync("[data-testid=culture-switch]");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("My stars");
        await Expect(page.GetByTestId("star-status")).ToHaveTextAsync("Paused");
        await page.ShotAsync("06-english");

        // 7. Another user sees nothing of it: not in the list, not by its address, not its avatar.
        var other = await app.NewPageAsync();
        await other.RegisterAsync($"other-{Guid.NewGuid():N}@example.test", "路人", "Passw0rd!y");
        await other.WaitForURLAsync("**/studio");
        await other.WaitForInteractiveAsync();
        await Expect(other.GetByTestId("no-stars")).ToBeVisibleAsync();
        await other.OpenInteractiveAsync($"/studio/stars/{starId}");
        await Expect(other.GetByTestId("not-found")).ToContainTextAsync("不存在");
        var avatar = await other.APIRequest.GetAsync($"/media/stars/{starId}/avatar");
        Assert.Equal(404, avatar.Status);
        await other.ShotAsync("07-other-user-cannot-see");

        // 8. Signing out (the header's form, with its antiforgery token) ends the session: the studio asks to sign in again.
        await other.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Toolbar).GetByRole(AriaRole.Link, new() { Name = "登录" })).ToBeVisibleAsync();
        await other.GotoAsync("/studio");
        await other.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));

        Assert.Equal(1L, await app.ScalarAsync($"SELECT count(*) FROM stars WHERE id = '{starId}' AND name = '墨痕' AND status = 'paused'"));
    }

    [Fact]
    public async Task Shell_OnAPhone_ShowsTheStudioAnd403And404()
    {
        var page = await app.NewPageAsync(390, 844);
        await page.RegisterAsync($"phone-{Guid.NewGuid():N}@example.test", "手机用户", "Passw0rd!z");
        await page.WaitForURLAsync("**/studio");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("我的智星");
        await page.ShotAsync("08-phone-studio");

        // On a phone the drawer starts hidden; the menu button shows it over the page, and choosing a link closes it.
        var drawer = page.GetByTestId("drawer");
        await Expect(drawer).Not.ToBeVisibleAsync();
        await page.GetByTestId("drawer-toggle").ClickAsync();
        await Expect(drawer).ToBeVisibleAsync();
        await Expect(page.GetByTestId("drawer-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await page.ShotAsync("08-phone-drawer-open");
        await drawer.GetByRole(AriaRole.Link, new() { Name = "发现" }).ClickAsync();
        await page.WaitForURLAsync("**/explore");
        await Expect(drawer).Not.ToBeVisibleAsync();

        await page.GotoAsync("/admin");
        await Expect(page.GetByTestId("forbidden")).ToContainTextAsync("403");
        var missing = await page.GotoAsync("/no-such-page");
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByTestId("not-found")).ToContainTextAsync("页面不存在");
        await page.ShotAsync("09-phone-404");
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountWithAClearMessage()
    {
        var page = await app.NewPageAsync();
        var email = $"lock-{Guid.NewGuid():N}@example.test";
        await page.RegisterAsync(email, "锁定测试", "Passw0rd!l");
        await page.WaitForURLAsync("**/studio");
        await page.Context.ClearCookiesAsync();

        for (var i = 0; i < 5; i++)
        {
            await page.GotoAsync("/account/login");
            await page.FillAsync("#email", email);
            await page.FillAsync("#password", "wrong-password-1");
            await page.ClickAsync("[data-testid=login-submit]");
            await Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
        }

        // Even the right password is refused now, with the reason.
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", "Passw0rd!l");
        await page.ClickAsync("[data-testid=login-submit]");
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("账户已锁定");
        await page.ShotAsync("10-locked-out");
    }

    [GeneratedRegex("/studio/stars/[0-9a-f-]{36}$")]
    private static partial Regex StarUrl();
}
