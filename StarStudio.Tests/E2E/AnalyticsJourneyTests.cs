using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// The admin's analytics as an admin uses them: signing in is today's activity; "update now" rolls it up; the range picker
/// narrows the charts to today; the active-users chart shows it and its CSV downloads with today's row.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class AnalyticsJourneyTests(AppServer app)
{
    [Fact]
    public async Task Admin_PicksARange_SeesTodaysActivity_AndDownloadsTheCsv()
    {
        var today = StarStudio.Core.Common.BeijingTime.FormatDate(DateTimeOffset.UtcNow);
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin");
        await admin.ClickAsync("[data-testid=admin-link-analytics]");
        await admin.WaitForURLAsync("**/admin/analytics");
        await Expect(admin.GetByTestId("analytics-chart-active")).ToBeVisibleAsync();

        // The sign-in reaches the database through the writer's queue within a moment; the button rolls today up.
        await admin.FillAsync("#analytics-from", today);
        await admin.Locator("#analytics-from").DispatchEventAsync("change");
        await Expect(admin.Locator("#analytics-from")).ToHaveValueAsync(today);
        var signIns = admin.GetByTestId("analytics-total-sign_ins");
        var rollUp = admin.GetByTestId("analytics-rollup");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            // The button is disabled while a roll-up runs; each click waits for the previous one to finish.
            await Expect(rollUp).ToBeEnabledAsync(new() { Timeout = 60_000 });
            if ((await signIns.TextContentAsync())?.Trim() is not ("0" or null))
            {
                break;
            }

            await rollUp.ClickAsync();
            await Expect(rollUp).ToBeEnabledAsync(new() { Timeout = 60_000 });
        }

        await Expect(signIns).Not.ToHaveTextAsync("0");
        await Expect(admin.GetByTestId("analytics-total-active_users")).Not.ToHaveTextAsync("0");
        await Expect(admin.GetByTestId("analytics-rolled-up")).ToContainTextAsync("最近汇总");

        var download = await admin.RunAndWaitForDownloadAsync(() => admin.GetByTestId("analytics-csv-active").ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllTextAsync(path!)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("日期,日活跃用户,登录次数", lines[0]);
        Assert.Single(lines[1..]);
        Assert.StartsWith(today + ",", lines[1], StringComparison.Ordinal);
        Assert.NotEqual($"{today},0,0", lines[1]);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
    }
}
