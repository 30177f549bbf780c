using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E.Versions;

/// <summary>Publishing a star as its owner now goes through the admin review (docs/persona-versions.md).</summary>
public static class ReviewSteps
{
    /// <summary>
    /// On the owner's star page: asks to make the star public, has the configured admin approve it in /admin/reviews,
    /// and reloads the owner's page until the star shows as public.
    /// </summary>
    public static async Task PublishThroughReviewAsync(this IPage owner, AppServer app)
    {
        var starId = owner.Url.Split('/').Last();
        await owner.GetByText("私密：仅自己可见").ClickAsync();
        await Expect(owner.GetByTestId("star-review-requested")).ToBeVisibleAsync();
        await ApproveAsync(app, starId);
        await owner.ReloadAsync();
        await owner.WaitForInteractiveAsync();
        await Expect(owner.GetByTestId("star-public-link")).ToBeVisibleAsync();
    }

    /// <summary>The configured admin approves the pending review of the star with this id.</summary>
    public static async Task ApproveAsync(AppServer app, string starId, string? shot = null)
    {
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin/reviews");
        var item = admin.Locator($"[data-testid=star-review-item][data-star='{starId}']");
        await Expect(item).ToHaveCountAsync(1);
        if (shot is not null)
        {
            await admin.ShotAsync(shot);
        }

        await item.GetByTestId("star-review-approve").ClickAsync();
        await Expect(item).ToHaveCountAsync(0);
        await admin.CloseAsync();
    }
}
