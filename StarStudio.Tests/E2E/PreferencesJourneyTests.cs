using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 15's preferences: a user chooses English, the dark theme and to keep their chats out of training; the page
/// follows at once, and a second device (a new browser) gets the same language and theme at sign-in.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PreferencesJourneyTests(AppServer app)
{
    [Fact]
    public async Task Preferences_SavedOnce_ApplyHereAndOnTheNextDeviceAtSignIn()
    {
        var email = $"prefs-{Guid.NewGuid():N}@example.test";
        var page = await app.NewPageAsync();
        await page.RegisterAsync(email, "偏好", "Passw0rd!p");
        await page.WaitForURLAsync("**/studio");
        await page.OpenInteractiveAsync("/me?tab=preferences");

        await page.Locator(".mud-select:has([data-testid=preferences-language]) .mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "English" }).ClickAsync();
        await page.Locator(".mud-select:has([data-testid=preferences-theme]) .mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "深色" }).ClickAsync();
        await page.GetByTestId("preferences-exclude-training").CheckAsync();
        await page.GetByTestId("preferences-save").ClickAsync();

        // This browser: English and dark at once.
        await Expect(page.GetByTestId("preferences-saved")).ToContainTextAsync("Preferences saved");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "starstudio.theme" && c.Value == "dark");
        await page.ShotAsync("90-preferences-saved");

        // Another device: a fresh browser in Chinese and light; signing in brings the user's choices.
        var other = await app.NewPageAsync();
        await other.SignInAsync(email, "Passw0rd!p");
        await other.WaitForURLAsync("**/studio");
        await other.WaitForInteractiveAsync();
        await Expect(other.Locator("h1")).ToHaveTextAsync("My stars");
        Assert.Contains(await other.Context.CookiesAsync(), c => c.Name == "starstudio.theme" && c.Value == "dark");
        await other.OpenInteractiveAsync("/me?tab=preferences");
        await Expect(other.GetByTestId("preferences-exclude-training")).ToBeCheckedAsync();
    }
}
