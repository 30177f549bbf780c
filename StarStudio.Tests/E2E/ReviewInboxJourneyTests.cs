using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 16's inbox journey: a maker's skill waits for review (arranged in the database); a player reports a public star
/// from its profile page; the admin opens the review inbox, sees the waiting count, approves the skill there and
/// dismisses the report there, and both decisions are in the audit log.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ReviewInboxJourneyTests(AppServer app)
{
    [Fact]
    public async Task MakersSkillWaits_PlayerReportsAStar_AdminApprovesAndDismissesFromTheInbox()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var skillName = "收件箱技能" + tag;
        var starName = "被举报星" + tag;
        var maker = Guid.NewGuid();
        var skill = Guid.NewGuid();
        var version = Guid.NewGuid();
        var star = Guid.NewGuid();
        await app.ScalarAsync($$"""
            INSERT INTO users (id, display_name, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                VALUES ('{{maker}}', '工坊{{tag}}', false, false, false, false, 0);
            INSERT INTO skills (id, owner_id, name, api_endpoint, pricing_type, price, status)
                VALUES ('{{skill}}', '{{maker}}', '{{skillName}}', 'https://skills.example.test/x', 'free', 0, 'pending_review');
            INSERT INTO skill_versions (id, skill_id, owner_id, version, change_log, name, category, icon, api_endpoint, input_schema, output_schema, pricing_type, price, examples, status, submitted_at)
                VALUES ('{{version}}', '{{skill}}', '{{maker}}', '1.0.0', '首个版本', '{{skillName}}', 'other', '🧩', 'https://skills.example.test/x',
                        '{"type":"object"}', '{"type":"object"}', 'free', 0, '[]', 'pending_review', now() - interval '2 days');
            INSERT INTO stars (id, owner_id, name, domain, persona, tone, status, is_public)
                SELECT '{{star}}', id, '{{starName}}', '测试', '一颗会被举报的星。', '', 'active', true FROM users WHERE email = '{{AppServer.AdminEmail}}';
            """);

        // A player reports the star from its public profile.
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"rep-{tag}@example.test", "举报者" + tag, "Passw0rd!r");
        await player.WaitForURLAsync("**/studio");
        await player.OpenInteractiveAsync($"/explore/stars/{star}");
        await player.ClickAsync("[data-testid=report-star]");
        await player.ClickAsync("[data-testid=report-category-spam]");
        await player.FillAsync("textarea[data-testid=report-detail]", "简介里全是广告。");
        await player.ClickAsync("[data-testid=report-submit]");
        await Expect(player.GetByText("感谢举报")).ToBeVisibleAsync();

        // The admin opens the inbox: the badge counts what waits in the database.
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin/inbox");
        var waitingSkills = (long)(await app.ScalarAsync("SELECT count(*) FROM skill_versions WHERE status = 'pending_review'"))!;
        await Expect(admin.GetByTestId("inbox-count-skill")).ToHaveTextAsync(waitingSkills.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await admin.ShotAsync("160-admin-inbox");

        var skillItem = admin.Locator($"[data-testid=inbox-item][data-id='{version}']");
        await skillItem.GetByTestId("inbox-approve").ClickAsync();
        await Expect(skillItem).ToHaveCountAsync(0);
        Assert.Equal("published", await app.ScalarAsync($"SELECT status::text FROM skill_versions WHERE id = '{version}'"));

        await admin.ClickAsync("[data-testid=inbox-kind-report]");
        var reportItem = admin.GetByTestId("inbox-item").Filter(new() { HasText = starName });
        await Expect(reportItem).ToContainTextAsync("简介里全是广告。");
        await reportItem.GetByTestId("inbox-dismiss").ClickAsync();
        await Expect(reportItem).ToHaveCountAsync(0);

        Assert.Equal("dismissed", await app.ScalarAsync($"SELECT status FROM content_reports WHERE star_id = '{star}'"));
        Assert.Equal(1L, await app.ScalarAsync($"SELECT count(*) FROM audit_logs WHERE action = 'review.approved' AND target_id = '{skill}'"));
        Assert.Equal(1L, await app.ScalarAsync($"""
            SELECT count(*) FROM audit_logs a JOIN content_reports r ON a.target_id = r.id::text WHERE a.action = 'report.dismissed' AND r.star_id = '{star}'
            """));
    }
}
