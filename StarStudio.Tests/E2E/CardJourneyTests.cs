using Microsoft.Playwright;
using StarStudio.Parsing.Cards;
using StarStudio.Core.Cards;
using StarStudio.Tests.Unit.Cards;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>An owner imports a PNG card, sees what maps where, creates the star, chats with it (the greeting with
/// <c>{{user}}</c> rendered), edits the persona, compares and rolls back the versions, and exports it again.</summary>
[Collection(E2ECollection.Name)]
public sealed class CardJourneyTests(AppServer app)
{
    [Fact]
    public async Task Card_OwnerImportsAPngCard_Chats_EditsComparesAndRollsBack_ExportsAPngThatReimports()
    {
        var page = await app.NewPageAsync();
        await page.RegisterAsync($"card-{Guid.NewGuid():N}@example.test", "小明", "Passw0rd!c");
        await page.WaitForURLAsync("**/studio");
        await page.WaitForInteractiveAsync();

        // The card: a V2 PNG (written with valid CRCs, so the browser shows its image) with a lorebook and a script in the description.
        var source = CardFiles.V2("星辰守望者", CardFiles.Entries(3));
        source["data"]!["description"] = "{{char}} 守望星空。<script>alert('card')</script>";
        source["data"]!["first_mes"] = "你好，{{user}}，我是{{char}}。";
        var v3 = source.DeepClone();
        v3["spec"] = "chara_card_v3";
        v3["spec_version"] = "3.0";
        v3["data"]!["group_only_greetings"] = new System.Text.Json.Nodes.JsonArray();
        var dir = Directory.CreateTempSubdirectory("card-e2e-").FullName;
        var file = Path.Combine(dir, "星辰守望者.png");
        await File.WriteAllBytesAsync(file, PngCardWriter.Write(null, CardFiles.Utf8(source), CardFiles.Utf8(v3)));

        // Import: the button on the star list, the preview, then create.
        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Type + ": " + m.Text);
        await Expect(page.GetByTestId("import-card")).ToHaveAttributeAsync("href", "/studio/import");
        await page.OpenInteractiveAsync("/studio/import");
        await Expect(page.Locator("h1")).ToHaveTextAsync("导入角色卡");
        await ChooseAsync(page, file, console);

        await Expect(page.GetByTestId("card-format")).ToContainTextAsync("V3 · PNG");
        await Expect(page.GetByTestId("card-mapped")).ToContainTextAsync("开场白");
        await Expect(page.GetByTestId("card-mapped")).ToContainTextAsync("<script>alert('card')</script>");
        await page.ShotAsync("40-card-preview");

        await page.ClickAsync("[data-testid=card-create]");
        await page.WaitForURLAsync(url => url.Contains("/studio/stars/", StringComparison.Ordinal));
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("星辰守望者");
        await Expect(page.Locator("#star-persona")).ToHaveValueAsync("{{char}} 守望星空。<script>alert('card')</script>");

        // Chat in the playground (offline engine).
        await page.GetByRole(AriaRole.Tab, new() { Name = "试聊" }).ClickAsync();
        await page.ClickAsync("[data-testid=chat-new]");
        await Expect(page.GetByTestId("chat-greeting")).ToHaveTextAsync("你好，小明，我是星辰守望者。");
        await page.FillAsync("#chat-input", "你是谁？");
        await page.ClickAsync("[data-testid=chat-send]");
        var answer = page.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });

        // Edit the persona (v2), compare v1 (the import) with v2, roll back to v1 (v3).
        const string Imported = "{{char}} 守望星空。<script>alert('card')</script>";
        await page.GetByRole(AriaRole.Tab, new() { Name = "资料" }).ClickAsync();
        await page.FillAsync("#star-persona", "{{char}} 守望星空，也记录流星。");
        await page.ClickAsync("[data-testid=star-save]");
        await Expect(page.GetByText("已保存")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "人设版本" }).ClickAsync();
        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(2);
        await Row(page, 1).Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await Row(page, 2).Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await page.ClickAsync("[data-testid=versions-compare]");
        await Expect(page.GetByTestId("diff-left-title")).ToHaveTextAsync("v1");
        await Expect(page.GetByTestId("diff-right-title")).ToHaveTextAsync("v2");
        await Expect(page.GetByTestId("diff-field-Persona").GetByTestId("diff-left")).ToHaveTextAsync(Imported);
        await page.ShotAsync("41-card-versions-compare");
        await Row(page, 1).GetByTestId("version-rollback").ClickAsync();
        await page.ClickAsync("[data-testid=version-rollback-yes]");
        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(3);

        // Reloaded (the profile tab opens first; the tab bar has scrolled 资料 under the drawer by now).
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("#star-persona")).ToHaveValueAsync(Imported);

        // Export as PNG from the header menu; the download is a PNG card that imports again.
        await page.GetByTestId("card-export").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("card-export-png").ClickAsync());
        Assert.Equal("星辰守望者.png", download.SuggestedFilename);
        var exported = Path.Combine(dir, "exported.png");
        await download.SaveAsAsync(exported);
        var bytes = await File.ReadAllBytesAsync(exported);
        var back = CardReader.Read(bytes, new CardLimits());
        Assert.Equal("星辰守望者", back.Card.Name);
        Assert.Equal(CardSpec.V3, back.Card.Spec);
        Assert.Equal(3, back.Card.LoreEntries.Count);
        Assert.Equal("你好，{{user}}，我是{{char}}。", back.Card.FirstMessage);

        await page.OpenInteractiveAsync("/studio/import");
        await ChooseAsync(page, exported, console);
        await Expect(page.GetByText("预览：星辰守望者")).ToBeVisibleAsync();
        Directory.Delete(dir, recursive: true);
    }

    private static ILocator Row(IPage page, int versionNo) => page.Locator($"[data-testid=version-row][data-version='{versionNo}']");

    /// <summary>Chooses the file and waits for the preview. InputFile attaches its change listener after its first
    /// interactive render, which can come just after the page looks ready: a file chosen before that is chosen again.</summary>
    private async Task ChooseAsync(IPage page, string file, List<string> console)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.SetInputFilesAsync("[data-testid=card-file-input]", file);
            try
            {
                await Expect(page.GetByTestId("card-file-name")).ToBeVisibleAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
            catch (PlaywrightException ex)
            {
                var output = app.Output();
                throw new InvalidOperationException("The card file was not taken; the browser said:\n" + string.Join("\n", console) + "\nthe app said:\n" + output[^Math.Min(4000, output.Length)..], ex);
            }
        }

        await Expect(page.GetByTestId("card-preview")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
