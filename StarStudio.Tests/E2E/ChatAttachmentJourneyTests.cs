using Microsoft.Playwright;
using StarStudio.Tests.TestData;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>A player attaches a PDF to a question and gets an answer that cites it (issue 15, docs/chat-attachments.md).</summary>
[Collection(E2ECollection.Name)]
public sealed class ChatAttachmentJourneyTests(AppServer app, ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    private void Step(string name) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {name}");

    [Fact]
    public async Task Attachment_PlayerAttachesAPdf_AsksAboutIt_AndTheAnswerCitesIt()
    {
        // An owner makes a star; it is made public directly in the database (the review journey is ChatJourneyTests').
        var owner = await app.NewPageAsync();
        await owner.RegisterWithAStarAsync("att-owner", "星主", "墨痕", "古籍修复", "一位耐心的古籍修复师。");
        var starId = owner.Url.Split('/').Last();
        await owner.CloseAsync();
        await app.ScalarAsync($"UPDATE stars SET is_public = true WHERE id = '{Guid.Parse(starId)}'");
        Step("star made and public");

        var pdf = Path.Combine(Path.GetTempPath(), $"kozo-notes-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(pdf, KnowledgeDocuments.Pdf(2, p => p == 1
            ? "Field notes on the restoration of a Ming dynasty gazetteer."
            : "Kozo tissue is adhered to the torn leaf with wheat starch paste, brushed thin and left to dry under light weight."));
        try
        {
            var player = await app.NewPageAsync();
            await player.RegisterAsync($"att-player-{Guid.NewGuid():N}@example.test", "玩家", "Passw0rd!c");
            await player.WaitForURLAsync("**/studio");
            await player.OpenInteractiveAsync($"/stars/{starId}");
            await player.ClickAsync("[data-testid=chat-new]");
            Step("player registered, conversation started");

            // The file is read by the parser worker: its chip goes from "reading" to ready.
            await player.Locator("[data-testid=chat-attach-input]").SetInputFilesAsync(pdf);
            var chip = player.GetByTestId("chat-attachments-waiting").GetByTestId("chat-attachment");
            await Expect(chip).ToHaveAttributeAsync("data-status", "ready", new() { Timeout = 30_000 });
            await Expect(chip).ToContainTextAsync(Path.GetFileName(pdf));
            Step("attachment read");

            await player.FillAsync("#chat-input", "Which paste holds kozo tissue?");
            await player.ClickAsync("[data-testid=chat-send]");
            var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
            await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 30_000 });
            await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("wheat starch paste");
            await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("[1]");
            Step("answered");

            // The question carries its file; the answer's first citation is the attachment, and opens its passage.
            await Expect(player.Locator("[data-testid=chat-message][data-sender=user]").Last.GetByTestId("chat-attachment")).ToHaveAttributeAsync("data-status", "ready");
            var citation = answer.Locator("[data-testid=chat-citation][data-attachment=true]").First;
            await Expect(citation).ToContainTextAsync(Path.GetFileName(pdf));
            await player.ShotAsync("chat-attachment-cited");
            await citation.ClickAsync();
            await Expect(player.GetByTestId("passage-dialog-text")).ToContainTextAsync("Kozo tissue is adhered");
            Step("citation opened");
        }
        finally
        {
            File.Delete(pdf);
        }
    }
}
