using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 15's extensions: a player installs an approved chat template from /extensions and chats with a public star;
/// the chat shows "模板: …" and the answer's trace records the template that laid out the prompt. The star and the
/// approved extension are seeded in the set-up (the maker's and admin's screens have their own bUnit and integration tests).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ExtensionsJourneyTests(AppServer app)
{
    [Fact]
    public async Task Extensions_PlayerInstallsAChatTemplate_SeesItAppliedInAChat()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var extensionId = "e2e-story-" + suffix;
        var templateName = "说书人模板 " + suffix;
        var star = Guid.NewGuid();
        var version = Guid.NewGuid();
        var manifest = System.Text.Json.JsonSerializer.Serialize(new
        {
            id = extensionId,
            name = templateName,
            version = "1.0.0",
            kind = "chat-template",
            permissions = new[] { "ui" },
            payload = new { context = new { story_string = "【说书人】{{char}} 为 {{user}} 讲述：\n{{description}}\n{{#if system}}{{system}}{{/if}}" } },
        }).Replace("'", "''", StringComparison.Ordinal);
        await app.ScalarAsync($"""
            INSERT INTO stars (id, owner_id, name, domain, persona, tone, status, is_public)
                SELECT '{star}', id, '说书星', '故事', '一位会讲故事的星辰。', '生动', 'active', true FROM users WHERE email = '{AppServer.AdminEmail}';
            INSERT INTO extensions (id, author_id, name, kind, description, status)
                SELECT '{extensionId}', id, '{templateName}', 'chat-template', '把星辰设定排成说书人的开场。', 'pending' FROM users WHERE email = '{AppServer.AdminEmail}';
            INSERT INTO extension_versions (id, extension_id, author_id, version, name, kind, description, permissions, sandbox_level, manifest, status, reviewed_at)
                SELECT '{version}', '{extensionId}', id, '1.0.0', '{templateName}', 'chat-template', '', ARRAY['ui'], 'strict', '{manifest}'::jsonb, 'approved', now()
                FROM users WHERE email = '{AppServer.AdminEmail}';
            UPDATE extensions SET status = 'approved', latest_version_id = '{version}', latest_version = '1.0.0', published_at = now() WHERE id = '{extensionId}';
            """);

        // A new player finds the template and installs it.
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"ext-{suffix}@example.test", "扩展玩家", "Passw0rd!x");
        await player.WaitForURLAsync("**/studio");
        await player.OpenInteractiveAsync("/extensions");
        var card = player.GetByTestId("extension-card").Filter(new() { HasText = templateName });
        await card.GetByTestId("extension-install").ClickAsync();
        await Expect(card.GetByTestId("extension-state")).ToContainTextAsync("已启用");
        await player.ShotAsync("95-extension-installed");

        // In a chat with a public star, the template is shown and applied.
        await player.OpenInteractiveAsync($"/stars/{star}");
        await player.ClickAsync("[data-testid=chat-new]");
        await Expect(player.GetByTestId("chat-template-chip")).ToHaveTextAsync($"模板: {templateName}");
        await player.FillAsync("#chat-input", "给我讲个故事");
        await player.ClickAsync("[data-testid=chat-send]");
        var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
        await player.ShotAsync("96-extension-template-chat");

        // The trace (the owner's view) names the template, and the prompt opens with its story string.
        Assert.Equal(1L, await app.ScalarAsync($"""
            SELECT count(*) FROM chat_trace_steps s JOIN chat_traces t ON t.id = s.trace_id
             WHERE t.star_id = '{star}' AND s.kind = 'chat_template' AND s.name = '{templateName}'
            """));
        var prompt = (string?)await app.ScalarAsync($"SELECT prompt::text FROM chat_traces WHERE star_id = '{star}'");
        Assert.Contains("【说书人】说书星 为 ", System.Text.RegularExpressions.Regex.Unescape(prompt ?? ""));
    }
}
