using Microsoft.Playwright;
using StarStudio.Parsing.Cards;
using StarStudio.Core.Cards;
using StarStudio.Tests.Unit.Cards;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>An owner imports a PNG card, sees what maps where, creates the star, chats with it and exports it again.</summary>
[Collection(E2ECollection.Name)]
public sealed class CardJourneyTests(AppServer app)
{
    [Fact]
    public async Task Card_OwnerImportsAPngCard_ChatsWithTheStar_AndExportsAPngThatReimports()
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
        await page.ClickAsync("[data-testid=import-card]");
        await page.WaitForURLAsync("**/studio/import");
        await page.WaitForInteractiveAsync();
        await ChooseAsync(page, file);

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
        await page.FillAsync("#chat-input", "你是谁？");
        await page.ClickAsync("[data-testid=chat-send]");
        var answer = page.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });

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
        await ChooseAsync(page, exported);
        await Expect(page.GetByText("预览：星辰守望者")).ToBeVisibleAsync();
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Chooses the file and waits for the preview. InputFile attaches its change listener after its first
    /// interactive render, which can come just after the page looks ready: a file chosen before that is chosen again.</summary>
    private static async Task ChooseAsync(IPage page, string file)
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
        }

        await Expect(page.GetByTestId("card-preview")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
