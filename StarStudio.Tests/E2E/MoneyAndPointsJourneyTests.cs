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

        // Redeem the admin's code under the wallet, which follows at once.
        await page.GetByRole(AriaRole.Tab, new() { Name = "积分与余额" }).ClickAsync();
        await page.FillAsync("#redeem-code", code.ToLowerInvariant());
        await page.ClickAsync("[data-testid=redeem-submit]");
        await Expect(page.GetByTestId("redeem-result")).ToContainTextAsync("25");
        await Expect(page.GetByTestId("wallet-points")).ToHaveTextAsync((10 + reward + 25).ToString("N0"));
        await Expect(page.GetByTestId("ledger-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("ledger-chart").Locator("svg")).ToBeVisibleAsync();
        await page.ShotAsync("42-me-points-ledger");

        // Recharge ¥50 (¥52 credited) through the sandbox gateway; it calls the app's signed webhook and sends the user back.
        await page.GetByRole(AriaRole.Tab, new() { Name = "充值与订单" }).ClickAsync();
        await page.Locator("[data-testid=recharge-product][data-product='充值 ¥50']").GetByTestId("recharge-buy").ClickAsync();
        await page.WaitForURLAsync("**/pay/sandbox/**");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("gateway-amount")).ToContainTextAsync("50");
        await page.ShotAsync("43-sandbox-gateway");
        await page.ClickAsync("[data-testid=gateway-approve]");
        await page.WaitForURLAsync("**/me?tab=orders**");
        var order = page.GetByTestId("order-row").First;
        var orderNo = await order.GetAttributeAsync("data-order-no");
        await Expect(order.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "paid");
        await page.ShotAsync("44-me-order-paid");

        await page.GetByRole(AriaRole.Tab, new() { Name = "积分与余额" }).ClickAsync();
        await Expect(page.GetByTestId("wallet-balance")).ToContainTextAsync("52.00");
        await page.ClickAsync("[data-testid=wallet-show-balance]");
        await Expect(page.GetByTestId("ledger-row").First).ToContainTextAsync("充值");
        await Expect(page.GetByTestId("ledger-chart").Locator("svg")).ToBeVisibleAsync();

        // The admin refunds the order with a reason.
        await admin.OpenInteractiveAsync("/admin/orders");
        await admin.FillAsync("[data-testid=orders-search] input, input[data-testid=orders-search]", orderNo!);
        var row = admin.Locator($"[data-testid=admin-order-row][data-order-no='{orderNo}']");
        await row.GetByTestId("order-refund").ClickAsync();
        await admin.FillAsync("#refund-reason", "用户申请退款");
        await admin.ClickAsync("[data-testid=refund-confirm]");
        await Expect(admin.GetByTestId("refund-done")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("admin-order-status")).ToContainTextAsync("已退款");
        await admin.ShotAsync("45-admin-order-refunded");

        // The user's ledger shows the reversing row and the balance is back to zero.
        await page.OpenInteractiveAsync("/me?tab=wallet");
        await page.ClickAsync("[data-testid=wallet-show-balance]");
        var refund = page.GetByTestId("ledger-row").First;
        await Expect(refund).ToHaveAttributeAsync("data-source", "Refund");
        await Expect(refund.GetByTestId("ledger-amount")).ToHaveTextAsync("-52.00");
        await Expect(page.GetByTestId("wallet-balance")).ToContainTextAsync("0.00");
        await page.ShotAsync("46-me-refund-row");
    }
}
