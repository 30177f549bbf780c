using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>A player chats with a public star (offline engine), rates it; the owner sees the rating and the trace.</summary>
[Collection(E2ECollection.Name)]
public sealed class ChatJourneyTests(AppServer app)
{
    [Fact]
    public async Task Chat_PlayerAsksAPublicStar_SeesAStreamedCitedAnswer_RatesIt_OwnerSeesRatingAndTrace()
    {
        // The owner makes a star with one note of knowledge and makes it public.
        var owner = await app.NewPageAsync();
        await owner.RegisterAsync($"co-{Guid.NewGuid():N}@example.test", "星主", "Passw0rd!c");
        await owner.WaitForURLAsync("**/studio");
        await owner.OpenInteractiveAsync("/studio/stars/new");
        await owner.FillAsync("#star-name", "墨痕");
        await owner.FillAsync("#star-domain", "古籍修复");
        await owner.FillAsync("#star-persona", "一位耐心的古籍修复师。");
        await owner.FillAsync("#star-tone", "温和");
        await owner.ClickAsync("[data-testid=star-save]");
        await owner.WaitForURLAsync(url => url.Contains("/studio/stars/", StringComparison.Ordinal) && !url.EndsWith("/new", StringComparison.Ordinal));
        await owner.WaitForInteractiveAsync();
        var starId = owner.Url.Split('/').Last();
        await Versions.ReviewSteps.PublishThroughReviewAsync(owner, app);
        await owner.GetByRole(AriaRole.Tab, new() { Name = "知识" }).ClickAsync();
        await owner.GetByRole(AriaRole.Tab, new() { Name = "写笔记" }).ClickAsync();
        await owner.FillAsync("#note-title", "糨糊");
        await owner.FillAsync("#note-body", "# 糨糊\n\n修复古籍应使用小麦淀粉糨糊，它可逆、无酸，不会伤害纸张。");
        await owner.ClickAsync("[data-testid=note-save]");
        await Expect(owner.Locator("[data-testid=task-status][data-status=completed]")).ToHaveCountAsync(1, new() { Timeout = 90_000 });

        // A player opens the public star and asks.
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"cp-{Guid.NewGuid():N}@example.test", "玩家", "Passw0rd!c");
        await player.WaitForURLAsync("**/studio");
        await player.OpenInteractiveAsync($"/stars/{starId}");
        await Expect(player.Locator("h1")).ToHaveTextAsync("墨痕");
        await player.ClickAsync("[data-testid=chat-new]");
        var composer = player.Locator("#chat-input");
        var twoLines = (await composer.BoundingBoxAsync())!.Height;
        await composer.FillAsync("一\n二\n三\n四\n五");
        var grown = (await composer.BoundingBoxAsync())!.Height; // the input event grows it at once (js/chat.js)
        Assert.True(grown > twoLines + 20, $"the composer did not grow with five lines: {twoLines} -> {grown} px");
        await player.FillAsync("#chat-input", "修复古籍用什么糨糊？");
        await player.PressAsync("#chat-input", "Enter"); // Enter sends (js/chat.js); Shift+Enter would be a new line
        var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });
        await Expect(player.Locator("#chat-input")).ToHaveValueAsync(""); // sent, not a new line in the box
        await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("离线引擎");
        await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("小麦淀粉糨糊");
        await player.ShotAsync("16-chat-answer");

        // The citation opens the passage it came from.
        await answer.GetByTestId("chat-citation").First.ClickAsync();
        await Expect(player.GetByTestId("passage-dialog-text")).ToContainTextAsync("小麦淀粉糨糊");
        await player.GetByRole(AriaRole.Button, new() { Name = "OK" }).ClickAsync();
        await Expect(player.GetByTestId("passage-dialog-text")).ToHaveCountAsync(0);

        // Rate it.
        await player.GetByTestId("chat-rating").Locator(".mud-rating-item").Nth(4).ClickAsync();
        await player.GetByTestId("chat-label").Filter(new() { HasText = "准确" }).ClickAsync();
        await player.FillAsync("#chat-comment", "回答得很专业");
        await player.ClickAsync("[data-testid=chat-feedback-save]");
        await Expect(player.GetByText("感谢你的评价")).ToBeVisibleAsync();

        // The owner sees the rating in the Feedback tab, opens the conversation and its trace.
        await owner.ReloadAsync();
        await owner.WaitForInteractiveAsync();
        await owner.GetByRole(AriaRole.Tab, new() { Name = "反馈" }).ClickAsync();
        await Expect(owner.GetByTestId("feedback-summary")).ToContainTextAsync("5.0");
        await Expect(owner.GetByTestId("feedback-comment")).ToContainTextAsync("回答得很专业");
        await owner.ShotAsync("17-owner-feedback");
        await owner.GetByTestId("feedback-open").First.ClickAsync();
        await owner.WaitForInteractiveAsync();
        await owner.Locator("[data-testid=chat-message][data-sender=star]").Last.GetByTestId("chat-trace").ClickAsync();
        await Expect(owner.GetByTestId("trace-steps")).ToContainTextAsync("retrieval");
        await Expect(owner.GetByTestId("trace-success")).ToContainTextAsync("✓");
        await owner.ShotAsync("18-owner-trace");

        // A third user cannot open the player's conversation.
        var conversationUrl = owner.Url;
        var stranger = await app.NewPageAsync();
        await stranger.RegisterAsync($"cs-{Guid.NewGuid():N}@example.test", "路人", "Passw0rd!c");
        await stranger.WaitForURLAsync("**/studio");
        await stranger.OpenInteractiveAsync(new Uri(conversationUrl).PathAndQuery);
        await Expect(stranger.GetByTestId("forbidden")).ToBeVisibleAsync();
    }
}
