using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 9's journey: a new user gets 10 points, claims a daily task, redeems a code an admin made, recharges through
/// the sandbox gateway and sees the balance and the ledger chart; the admin refunds the order and the user's ledger shows
/// the reversing row.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class MoneyAndPointsJourneyTests(AppServer app)
{
    [Fact]
    public async Task NewUser_EarnsPoints_Recharges_AndSeesTheAdminsRefund()
    {
        // The admin makes a public code.
        var code = "E2E" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin/redeem-codes");
        await admin.FillAsync("#rc-code", code);
        await admin.FillAsync("#rc-reward", "25");
        await admin.FillAsync("#rc-max-uses", "5");
        await admin.ClickAsync("[data-testid=rc-save]");
        await Expect(admin.GetByTestId("rc-code-cell").Filter(new() { HasText = code })).ToBeVisibleAsync();
        await admin.ShotAsync("40-admin-redeem-code");

        // A new user: 10 points at sign-up.
        var email = $"money-{Guid.NewGuid():N}@example.test";
        var page = await app.NewPageAsync();
        await page.RegisterAsync(email, "星友", "Passw0rd!m");
        await page.WaitForURLAsync("**/studio");
        await page.OpenInteractiveAsync("/me?tab=wallet");
        await Expect(page.GetByTestId("wallet-points")).ToHaveTextAsync("10");
        await Expect(page.GetByTestId("ledger-row").First).ToContainTextAsync("注册奖励");

        // The sign-in of today finished the daily sign-in task: claim it.
        var reward = Convert.ToInt64(await app.ScalarAsync("SELECT reward_points FROM profile_task_config WHERE task_id = 'daily_login'"));
        await page.GetByRole(AriaRole.Tab, new() { Name = "每日任务" }).ClickAsync();
        var task = page.Locator("[data-testid=task-row][data-task-id=daily_login]");
        await task.GetByTestId("task-claim").ClickAsync();
        await Expect(task.GetByTestId("task-claimed")).ToBeVisibleAsync();
        await page.ShotAsync("41-me-task-claimed");

        // Redeem the admin's code.
        await page.GetByRole(AriaRole.Tab, new() { Name = "兑换码" }).ClickAsync();
        await page.FillAsync("#redeem-code", code.ToLowerInvariant());
        await page.ClickAsync("[data-testid=redeem-submit]");
        await Expect(page.GetByTestId("redeem-result")).ToContainTextAsync("25");

        await page.GetByRole(AriaRole.Tab, new() { Name = "积分与余额" }).ClickAsync();
        await Expect(page.GetByTestId("wallet-points")).ToHaveTextAsync((10 + reward + 25).ToString("N0"));
        await Expect(page.GetByTestId("ledger-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("ledger-chart").Locator("svg")).ToBeVisibleAsync();
        await page.ShotAsync("42-me-points-ledger");

        // BILLING-STEPS
    }
}
