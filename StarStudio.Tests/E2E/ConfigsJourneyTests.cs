using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// An admin changes a platform setting on <c>/admin/configs</c> and the running app applies it at once (no restart): a
/// star's knowledge settings show the new default chunk size; the audit log shows the change with before and after.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ConfigsJourneyTests(AppServer app)
{
    [Fact]
    public async Task Configs_AdminChangesTheChunkSize_AStarShowsItAtOnce_AndTheAuditLogHasBeforeAndAfter()
    {
        var page = await app.NewPageAsync();
        try
        {
            await page.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
            await page.WaitForURLAsync("**/studio");

            // A star of the admin's own, whose knowledge settings show the platform default.
            await page.OpenInteractiveAsync("/studio/stars/new");
            await page.FillAsync("#star-name", "配置星灵");
            await page.FillAsync("#star-domain", "运维");
            await page.FillAsync("#star-persona", "一位谨慎的运维。");
            await page.ClickAsync("[data-testid=star-save]");
            await page.WaitForURLAsync(url => url.Contains("/studio/stars/", StringComparison.Ordinal) && !url.EndsWith("/new", StringComparison.Ordinal));
            var starUrl = page.Url;
            await page.WaitForInteractiveAsync();
            await page.OpenKnowledgeTabAsync();
            await page.GetByRole(AriaRole.Tab, new() { Name = "切分设置" }).ClickAsync();
            await Expect(page.GetByText("平台默认值（500 / 50）")).ToBeVisibleAsync();

            // The admin opens 系统配置 from the admin home; a wrong type is refused at the field.
            await page.OpenInteractiveAsync("/admin");
            await page.ClickAsync("[data-testid=admin-link-configs]");
            await page.WaitForURLAsync("**/admin/configs");
            var row = page.Locator("[data-testid=config-row][data-key=rag_default_chunk_size]");
            await Expect(row.GetByTestId("config-current")).ToHaveTextAsync("500");
            await row.GetByTestId("config-edit").ClickAsync();
            await page.FillAsync("#config-value", "六百");
            await page.ClickAsync("[data-testid=config-save]");
            await Expect(page.GetByTestId("config-editor")).ToContainTextAsync("请输入整数，例如 640。");
            await page.FillAsync("#config-value", "640");
            await page.FillAsync("#config-reason", "E2E：更长的片段");
            await page.ClickAsync("[data-testid=config-save]");
            await Expect(page.GetByTestId("config-editor")).ToHaveCountAsync(0);
            await Expect(row.GetByTestId("config-current")).ToHaveTextAsync("640");
            await Expect(row.GetByTestId("config-changed")).ToContainTextAsync(AppServer.AdminEmail);
            await page.ShotAsync("configs-changed");

            // The running app applies it: the star's settings now show the new default.
            await page.GotoAsync(starUrl);
            await page.WaitForInteractiveAsync();
            await page.OpenKnowledgeTabAsync();
            await page.GetByRole(AriaRole.Tab, new() { Name = "切分设置" }).ClickAsync();
            await Expect(page.GetByText("平台默认值（640 / 50）")).ToBeVisibleAsync();

            // The audit log has the entry, with the value before and after.
            await page.OpenInteractiveAsync("/admin/audit?action=config.changed");
            var entry = page.Locator("[data-testid=audit-row][data-action='config.changed']").Filter(new() { HasText = "rag_default_chunk_size" }).First;
            await Expect(entry).ToContainTextAsync("E2E：更长的片段");
            await Expect(entry).ToContainTextAsync(AppServer.AdminEmail);
            await entry.GetByTestId("audit-details").ClickAsync();
            var value = page.Locator("[data-testid=audit-diff-line][data-path=value]").First;
            await Expect(value).ToHaveAttributeAsync("data-kind", "changed");
            await Expect(value.GetByTestId("audit-diff-before")).ToHaveTextAsync("500");
            await Expect(value.GetByTestId("audit-diff-after")).ToHaveTextAsync("640");
            await page.ShotAsync("audit-config-changed");

            // Back to the default, so the other journeys see the platform as shipped.
            await page.OpenInteractiveAsync("/admin/configs");
            await row.GetByTestId("config-reset").ClickAsync();
            await page.ClickAsync("[data-testid=config-reset-yes]");
            await Expect(row.GetByTestId("config-current")).ToHaveTextAsync("500");
        }
        finally
        {
            await app.ScalarAsync("UPDATE system_configs SET value = '500' WHERE key = 'rag_default_chunk_size' AND value <> '500'");
        }
    }
}
