using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E.Versions;

/// <summary>
/// Persona versions end to end: an owner edits a persona twice, compares v1 with v3 side by side, rolls back to v1 (v4
/// appears, the persona is v1's again), asks to make the star public; an admin approves it; a player then chats with it.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PersonaVersionsJourneyTests(AppServer app)
{
    private const string V1 = "她是一位古籍修复师，说话温和。";
    private const string V2 = "她是一位严谨的古籍修复师，说话温和。";
    private const string V3 = "她是一位严谨的古籍修复师，说话温和，喜欢讲宋代刻本的故事。";

    [Fact]
    public async Task Owner_EditsTwice_ComparesV1WithV3_RollsBack_AsksToPublish_AdminApproves_PlayerChats()
    {
        var name = "墨痕" + Guid.NewGuid().ToString("N")[..6];
        var owner = await app.NewPageAsync();
        await owner.RegisterWithAStarAsync("pv", "星主", name, "古籍修复", V1);
        var starId = owner.Url.Split('/').Last();
        // The tabs appear once the created star has loaded into the form (typing earlier would be overwritten).
        await Expect(owner.GetByRole(AriaRole.Tab, new() { Name = "人设版本" })).ToBeVisibleAsync();

        // Two edits: v2 with a change log and a greeting, v3.
        await owner.FillAsync("#star-persona", V2);
        await owner.FillAsync("#star-greeting", "你好，{{user}}！我是{{char}}。");
        await owner.FillAsync("#star-change-log", "更严谨，加开场白");
        await owner.ClickAsync("[data-testid=star-save]");
        await Expect(owner.GetByText("已保存")).ToBeVisibleAsync();
        await owner.FillAsync("#star-persona", V3);
        await owner.ClickAsync("[data-testid=star-save]");
        // The snackbar shows one 已保存 for both saves (duplicates are merged), so wait for the third version itself.
        for (var i = 0; i < 60 && (long)(await app.ScalarAsync($"SELECT count(*) FROM star_persona_versions WHERE star_id = '{starId}'"))! < 3; i++)
        {
            await Task.Delay(250);
        }

        // The versions tab lists three; v1 against v3 side by side.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "人设版本" }).ClickAsync();
        await Expect(owner.GetByTestId("version-row")).ToHaveCountAsync(3);
        await Expect(Row(owner, 2)).ToContainTextAsync("更严谨，加开场白");
        await Row(owner, 3).Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await Row(owner, 1).Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await owner.ClickAsync("[data-testid=versions-compare]");
        await Expect(owner.GetByTestId("diff-left-title")).ToHaveTextAsync("v1");
        await Expect(owner.GetByTestId("diff-right-title")).ToHaveTextAsync("v3");
        var persona = owner.GetByTestId("diff-field-Persona");
        await Expect(persona.GetByTestId("diff-ins").First).ToHaveTextAsync("严谨的");
        await Expect(persona.GetByTestId("diff-right")).ToHaveTextAsync(V3);
        await Expect(owner.GetByTestId("diff-field-Greeting")).ToBeVisibleAsync();
        await owner.ShotAsync("pv-01-compare-v1-v3");

        // Roll back to v1: a confirm, then v4 (a rollback of v1) and the persona is v1's again.
        await Row(owner, 1).GetByTestId("version-rollback").ClickAsync();
        await owner.ClickAsync("[data-testid=version-rollback-yes]");
        await Expect(owner.GetByTestId("version-row")).ToHaveCountAsync(4);
        await Expect(Row(owner, 4).GetByTestId("version-source")).ToHaveTextAsync("回滚 ← v1");
        await Expect(Row(owner, 4).GetByTestId("version-current")).ToBeVisibleAsync();
        await owner.ShotAsync("pv-02-rolled-back");
        // Dispatched, not clicked: the long versions table leaves the tab bar scrolled under the side drawer.
        await owner.GetByRole(AriaRole.Tab, new() { Name = "资料" }).DispatchEventAsync("click");
        await Expect(owner.Locator("#star-persona")).ToHaveValueAsync(V1);

        // Ask to make it public: it stays private until an admin approves.
        await owner.GetByText("私密：仅自己可见").ClickAsync();
        await Expect(owner.GetByTestId("star-review-requested")).ToBeVisibleAsync();
        await owner.GetByRole(AriaRole.Tab, new() { Name = "人设版本" }).DispatchEventAsync("click");
        await Expect(owner.GetByTestId("versions-review-state")).ToHaveTextAsync("审核中（v4）");
        Assert.Equal(0L, await app.ScalarAsync($"SELECT count(*) FROM stars WHERE id = '{starId}' AND is_public"));

        await ReviewSteps.ApproveAsync(app, starId, shot: "pv-03-admin-review-queue");
        Assert.Equal(1L, await app.ScalarAsync($"SELECT count(*) FROM stars WHERE id = '{starId}' AND is_public AND public_version_id = persona_version_id"));

        // A player chats with it: v4 (v1's persona, no greeting: v1 had none) answers, and the trace records it.
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"pvp-{Guid.NewGuid():N}@example.test", "玩家乙", "Passw0rd!v");
        await player.WaitForURLAsync("**/studio");
        await player.OpenInteractiveAsync($"/stars/{starId}");
        await player.ClickAsync("[data-testid=chat-new]");
        await Expect(player.GetByTestId("chat-persona-version")).ToHaveTextAsync("人设 v4");
        await player.FillAsync("#chat-input", "宋代刻本怎么修？");
        await player.ClickAsync("[data-testid=chat-send]");
        var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });
        await player.ShotAsync("pv-04-player-chat");
        Assert.Equal(1L, await app.ScalarAsync(
            $"SELECT count(*) FROM chat_traces t JOIN stars s ON s.id = t.star_id WHERE s.id = '{starId}' AND t.persona_version_id = s.public_version_id"));
    }

    private static ILocator Row(IPage page, int versionNo) => page.Locator($"[data-testid=version-row][data-version='{versionNo}']");
}
