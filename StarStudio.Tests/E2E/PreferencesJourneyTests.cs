using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 15's preferences: a user chooses English, the dark theme, to keep their chats out of training and to mute one
/// notification kind; the page follows at once, the bell counts only the kind left on, and a second device (a new
/// browser) gets the same language and theme at sign-in.
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
        // Issue 15 notifications: no more "a player rated my star".
        await page.GetByTestId("preferences-notify-rating.created").UncheckAsync();
        await page.GetByTestId("preferences-save").ClickAsync();

        // This browser: English and dark at once.
        await Expect(page.GetByTestId("preferences-saved")).ToContainTextAsync("Preferences saved");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "starstudio.theme" && c.Value == "dark");
        await page.ShotAsync("90-preferences-saved");

        // Two events for a star of the user's, through the real emit function: the muted kind writes nothing, the other
        // lights the bell; reading them all puts it out.
        var star = await app.ScalarAsync($"""
            INSERT INTO stars (owner_id, name, domain, persona, tone, status, is_public)
            SELECT id, '铃铛', '测试', '提醒', '简洁', 'active'::star_status, false FROM users WHERE normalized_email = upper('{email}') RETURNING id
            """);
        Assert.Equal(1, await app.ScalarAsync($$"""
            SELECT notification_emit_star('rating.created', '{{star}}', gen_random_uuid(), '{"rating":5}', '/studio/stars/{{star}}')
                 + notification_emit_star('knowledge.task_completed', '{{star}}', gen_random_uuid(), '{"source_name":"guide.pdf","chunk_count":3}', '/studio/stars/{{star}}')
            """));
        await page.OpenInteractiveAsync("/me/notifications");
        await Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "1");
        await Expect(page.GetByTestId("notification-item")).ToContainTextAsync("铃铛: the knowledge \"guide.pdf\" is indexed (3 chunks).");
        await page.GetByTestId("notifications-mark-all").ClickAsync();
        await Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "0");

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
