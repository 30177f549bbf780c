using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 13's journey (docs/training.md, docs/magnitude.md): an owner chats with their star in the playground and rates the
/// answers; builds a dataset from them; trains a version with the built-in trainer and watches its log; activates it — the
/// next answer comes from the new version; trains a second version on top, compares the two side by side and activates it;
/// recomputes the magnitude and sees the radar move; downloads the 星等报告 PDF; and rolls back to the base persona.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class TrainingJourneyTests(AppServer app)
{
    private static readonly string[] Questions =
    [
        "宣纸发黄怎么处理？",
        "修复古籍用什么糨糊？",
        "补纸怎么选？",
        "古籍除尘要注意什么？",
        "虫蛀的书页怎么补？",
    ];

    [Fact]
    public async Task OwnerRatesAnswers_BuildsADataset_Trains_ComparesAndActivates_MagnitudeMoves_DownloadsTheReport_RollsBack()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var owner = await app.NewPageAsync();
        await owner.RegisterWithAStarAsync("tj", "星主", "墨痕" + tag, "古籍修复", "一位耐心的古籍修复师，回答先给结论。");
        var starId = owner.Url.Split('/').Last();

        // Knowledge: one note the answers are grounded in.
        await owner.OpenKnowledgeTabAsync();
        await owner.GetByRole(AriaRole.Tab, new() { Name = "写笔记" }).ClickAsync();
        await owner.FillAsync("#note-title", "修复要点");
        await owner.FillAsync("#note-body", """
            # 宣纸发黄
            宣纸发黄多因酸化，可用温水淋洗去除酸性物质，再平放阴干。

            # 糨糊
            修复古籍应使用小麦淀粉糨糊，它可逆、无酸，不会伤害纸张。

            # 补纸
            补纸要比对原书的厚薄、帘纹和颜色，宋元旧籍多用皮纸。

            # 除尘
            除尘用软毛刷顺着纸纹轻刷，不可用湿布擦拭。

            # 虫蛀
            虫蛀的书页用同色补纸和稀糨糊逐洞修补，补后压平。
            """);
        await owner.ClickAsync("[data-testid=note-save]");
        await Expect(owner.Locator("[data-testid=task-status][data-status=completed]")).ToHaveCountAsync(1, new() { Timeout = 90_000 });

        // The magnitude before any rating: the evidence is thin, so every score sits near 50.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "星等" }).ClickAsync();
        await owner.ClickAsync("[data-testid=magnitude-recompute]");
        var radar = owner.GetByTestId("magnitude-radar");
        await Expect(radar).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var before = await RadarAsync(radar);

        // The owner chats in the playground and rates every answer 5 as 有用.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "试聊" }).ClickAsync();
        await owner.ClickAsync("[data-testid=chat-new]");
        for (var i = 0; i < Questions.Length; i++)
        {
            await owner.FillAsync("#chat-input", Questions[i]);
            await owner.ClickAsync("[data-testid=chat-send]");
            var answer = owner.Locator("[data-testid=chat-message][data-sender=star]").Nth(i);
            await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
            var rating = answer.GetByTestId("answer-rating");
            await rating.Locator(".mud-rating-item").Nth(4).ClickAsync();
            await Expect(rating.GetByTestId("answer-rating-saved")).ToBeVisibleAsync();
            await rating.GetByTestId("answer-rating-label").Filter(new() { HasText = "有用" }).ClickAsync();
        }

        await owner.ShotAsync("70-training-rated-answers");

        // A dataset from the rated answers: preview counts, then build it.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "训练" }).ClickAsync();
        await owner.ClickAsync("[data-testid=dataset-preview]");
        await Expect(owner.GetByTestId("dataset-counts")).ToBeVisibleAsync();
        // Enough for SFT (the built-in trainer's method here); DPO would need regenerated answers rated differently.
        await Expect(owner.Locator("[data-testid=dataset-missing] [data-method=sft]")).ToContainTextAsync("数据已足够");
        await owner.ClickAsync("[data-testid=dataset-build]");
        await Expect(owner.GetByTestId("dataset-row")).ToHaveCountAsync(1);
        await owner.ShotAsync("71-training-dataset");

        // Train with the built-in trainer and watch the log stream through the phases.
        await owner.ClickAsync("[data-testid=job-start]");
        await Expect(owner.GetByTestId("job-row")).ToHaveCountAsync(1);
        await Expect(owner.GetByTestId("job-status").First).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 120_000 });
        var log = owner.GetByTestId("job-log");
        await Expect(log).ToContainTextAsync("prepare");
        await Expect(log).ToContainTextAsync("evaluate");
        await Expect(log).ToContainTextAsync("publish");
        await owner.ShotAsync("72-training-job-log");

        // Versions: activate v1 in one click.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "版本", Exact = true }).ClickAsync();
        var v1 = VersionCell(owner, "v1");
        await Expect(v1).ToBeVisibleAsync();
        await owner.ShotAsync("73-training-versions");
        await Row(owner, "v1").GetByTestId("version-activate").ClickAsync();
        await Expect(v1.GetByTestId("version-active")).ToBeVisibleAsync();

        // The next answer comes from v1 (whether an exemplar it learned matches depends on the hold-out split, which is
        // random here: ModelVersionChatTests checks that path).
        await AskAsync(owner, "宣纸发黄应该怎么处理？");
        var learned = owner.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(learned.GetByTestId("chat-model-version")).ToHaveTextAsync("版本 v1");
        await owner.ShotAsync("74-training-answer-by-v1");

        // A second training run starts from v1; the owner compares the two side by side and activates v2.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "训练" }).ClickAsync();
        await owner.ClickAsync("[data-testid=job-start]");
        await Expect(owner.GetByTestId("job-row")).ToHaveCountAsync(2);
        await Expect(owner.Locator("[data-testid=job-status][data-status=succeeded]")).ToHaveCountAsync(2, new() { Timeout = 120_000 });
        await owner.GetByRole(AriaRole.Tab, new() { Name = "版本", Exact = true }).ClickAsync();
        await Expect(VersionCell(owner, "v2")).ToBeVisibleAsync();
        await Row(owner, "v1").GetByRole(AriaRole.Checkbox).CheckAsync();
        await Row(owner, "v2").GetByRole(AriaRole.Checkbox).CheckAsync();
        await owner.ClickAsync("[data-testid=version-compare]");
        var dialog = owner.GetByTestId("compare-dialog");
        await Expect(dialog.Locator("[data-testid=compare-metric][data-metric='new.similarity']")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("compare-answer").First).ToBeVisibleAsync();
        await owner.ShotAsync("75-training-compare");
        await owner.Locator(".mud-dialog .mud-button-close").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Row(owner, "v2").GetByTestId("version-activate").ClickAsync();
        await Expect(VersionCell(owner, "v2").GetByTestId("version-active")).ToBeVisibleAsync();
        await Expect(v1.GetByTestId("version-active")).ToHaveCountAsync(0);

        // The magnitude moves with the ratings and the grounded answers, and its report downloads as a PDF.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "星等" }).ClickAsync();
        await owner.ClickAsync("[data-testid=magnitude-recompute]");
        var after = before;
        for (var waited = 0; after == before && waited < 60_000; waited += 500)
        {
            await Task.Delay(500);
            after = await RadarAsync(owner.GetByTestId("magnitude-radar"));
        }

        Assert.NotEqual(before, after);
        await owner.ShotAsync("76-magnitude-radar");
        var download = await owner.RunAndWaitForDownloadAsync(() => owner.ClickAsync("[data-testid=magnitude-report]"), new() { Timeout = 90_000 });
        var pdf = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));

        // Roll back to the base persona: the next answer is written by no version.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "版本", Exact = true }).ClickAsync();
        await owner.ClickAsync("[data-testid=version-rollback-base]");
        await Expect(owner.GetByTestId("version-base-active")).ToBeVisibleAsync();
        await AskAsync(owner, "宣纸发黄应该怎么处理？");
        var based = owner.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(based.GetByTestId("chat-model-version")).ToHaveCountAsync(0);
    }

    private static ILocator VersionCell(IPage page, string name) => page.Locator($"[data-testid=version-row][data-version-name={name}]");

    private static ILocator Row(IPage page, string name) => page.Locator("tr").Filter(new() { Has = VersionCell(page, name) });

    /// <summary>Asks in a new playground conversation and waits for the completed answer.</summary>
    private static async Task AskAsync(IPage owner, string question)
    {
        await owner.GetByRole(AriaRole.Tab, new() { Name = "试聊" }).ClickAsync();
        await owner.ClickAsync("[data-testid=chat-new]");
        var answers = owner.Locator("[data-testid=chat-message][data-sender=star]");
        await Expect(answers).ToHaveCountAsync(0);
        await owner.FillAsync("#chat-input", question);
        await owner.ClickAsync("[data-testid=chat-send]");
        await Expect(answers).ToHaveCountAsync(1);
        await Expect(answers.Last).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
    }

    private static async Task<string> RadarAsync(ILocator radar) =>
        string.Join(",", await Task.WhenAll(new[] { "depth", "originality", "consistency", "utility" }
            .Select(d => radar.GetAttributeAsync("data-" + d))));
}
