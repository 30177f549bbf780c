using Microsoft.Playwright;
using StarStudio.Tests.TestData;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>The Knowledge tab as an owner uses it: upload several files, watch them process, browse chunks, ask.</summary>
[Collection(E2ECollection.Name)]
public sealed class KnowledgeJourneyTests(AppServer app)
{
    [Fact]
    public async Task Knowledge_UploadPdfAndDocxThenAsk_FindsThePassageWithItsCitation()
    {
        var page = await app.NewPageAsync();
        await page.RegisterWithAStarAsync("kn", "知识星主", "墨痕", "古籍修复", "修复师");

        await page.OpenKnowledgeTabAsync();

        var dir = Directory.CreateTempSubdirectory("kn-e2e-").FullName;
        var pdf = Path.Combine(dir, "修复手册.pdf");
        var docx = Path.Combine(dir, "装帧指南.docx");
        await File.WriteAllBytesAsync(pdf, KnowledgeDocuments.Pdf(4, p => p == 3
            ? "Page 3. Wheat starch paste is the adhesive of choice for hinging repairs because it is reversible and acid free."
            : $"Page {p}. General notes on the conservation of paper, chapter {p}."));
        await File.WriteAllBytesAsync(docx, KnowledgeDocuments.Docx(("线装", 1, "线装书的装订方法"), (null, 0, "线装书用丝线穿孔装订，最常见的是四眼订法，也有六眼订法。")));

        await page.SetInputFilesAsync("[data-testid=knowledge-file-input]", [pdf, docx]);
        await page.ShotAsync("11-knowledge-uploading");

        // Both tasks finish without a reload: the tab follows their progress.
        var statuses = page.GetByTestId("task-status");
        await Expect(statuses).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=task-status][data-status=completed]")).ToHaveCountAsync(2, new() { Timeout = 90_000 });
        await page.ShotAsync("12-knowledge-completed");

        await Expect(page.GetByTestId("chunk-text").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("citation").Filter(new() { HasText = "第 3 页" })).ToHaveCountAsync(1);

        await page.FillAsync("#ask-question", "Which adhesive is reversible for hinging repairs?");
        await page.ClickAsync("[data-testid=ask-submit]");
        var first = page.GetByTestId("passage").First;
        await Expect(first.GetByTestId("passage-text")).ToContainTextAsync("Wheat starch paste");
        await Expect(first.GetByTestId("citation")).ToContainTextAsync("修复手册.pdf");
        await Expect(first.GetByTestId("citation")).ToContainTextAsync("第 3 页");
        await Expect(first.GetByTestId("passage-score")).ToContainTextAsync("得分");

        await page.FillAsync("#ask-question", "线装书用什么订法？");
        await page.ClickAsync("[data-testid=ask-submit]");
        await Expect(page.GetByTestId("passage").First.GetByTestId("passage-text")).ToContainTextAsync("四眼订法");
        await page.ShotAsync("13-knowledge-ask");

        // The same file again is recognised, not ingested twice.
        await page.SetInputFilesAsync("[data-testid=knowledge-file-input]", pdf);
        await Expect(page.GetByTestId("upload-error").First).ToContainTextAsync("已在知识库中");
        await Expect(statuses).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Knowledge_EncryptedPdf_FailsWithAReadableReason()
    {
        var page = await app.NewPageAsync();
        await page.RegisterWithAStarAsync("kn2", "知识星主二", "星图", "天文", "向导");
        await page.OpenKnowledgeTabAsync();

        var file = Path.Combine(Directory.CreateTempSubdirectory("kn-e2e-").FullName, "locked.pdf");
        await File.WriteAllBytesAsync(file, KnowledgeDocuments.EncryptedPdf());
        await page.SetInputFilesAsync("[data-testid=knowledge-file-input]", file);
        await Expect(page.GetByTestId("task-status")).ToHaveCountAsync(1);

        await Expect(page.Locator("[data-testid=task-status][data-status=failed]")).ToHaveCountAsync(1, new() { Timeout = 90_000 });
        await Expect(page.GetByTestId("task-error")).ToContainTextAsync("PDF 已加密");
        await page.ShotAsync("14-knowledge-encrypted");
    }

    [Fact]
    public async Task Knowledge_DocxNested50kDeep_FailsWithAReadableReasonWhileTheAppKeepsServing()
    {
        // This file ended the whole app with a stack overflow inside OpenXml's tree load; the parser worker refuses it.
        var page = await app.NewPageAsync();
        await page.RegisterWithAStarAsync("kn3", "知识星主三", "深渊", "安全", "守门人");
        var starUrl = page.Url;
        await page.OpenKnowledgeTabAsync();

        var file = Path.Combine(Directory.CreateTempSubdirectory("kn-e2e-").FullName, "deep.docx");
        await File.WriteAllBytesAsync(file, HostileDocuments.DeepDocx(50_000));
        await page.SetInputFilesAsync("[data-testid=knowledge-file-input]", file);
        await Expect(page.GetByTestId("task-status")).ToHaveCountAsync(1);

        await Expect(page.Locator("[data-testid=task-status][data-status=failed]")).ToHaveCountAsync(1, new() { Timeout = 90_000 });
        await Expect(page.GetByTestId("task-error")).ToContainTextAsync("嵌套");
        await page.ShotAsync("15-knowledge-too-deep");

        // The same app process still serves: the page loads again (a new request and a new circuit) and shows the failure.
        await page.OpenInteractiveAsync(new Uri(starUrl).PathAndQuery);
        await page.GetByRole(AriaRole.Tab, new() { Name = "知识" }).ClickAsync();
        await Expect(page.Locator("[data-testid=task-status][data-status=failed]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("task-error")).ToContainTextAsync("嵌套");
    }
}
