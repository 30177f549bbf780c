using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>The admin-only areas: the first admin comes from configuration; players are turned away.</summary>
[Collection(E2ECollection.Name)]
public sealed class AdminTests(AppServer app)
{
    [Fact]
    public async Task JobsDashboard_Admin_SeesHangfire()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await page.WaitForURLAsync("**/studio");

        var response = await page.GotoAsync("/admin/jobs");

        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("body")).ToContainTextAsync("StarStudio jobs");
        await page.ShotAsync("15-admin-jobs");
    }

    [Fact]
    public async Task JobsDashboard_Player_IsForbidden()
    {
        var page = await app.NewPageAsync();
        await page.RegisterAsync($"p-{Guid.NewGuid():N}@example.test", "玩家", "Passw0rd!p");
        await page.WaitForURLAsync("**/studio");

        await page.GotoAsync("/admin/jobs");

        await Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();
        Assert.DoesNotContain("StarStudio jobs", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobsDashboard_Anonymous_IsSentToSignIn()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("/admin/jobs");

        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
    }
}
