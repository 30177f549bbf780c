using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 15's recommendations: a player who liked a star sees a recommendation with its reason on the home page, opens
/// one, says "不感兴趣" to another, and the admin's page counts both.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class RecommendationsJourneyTests(AppServer app)
{
    [Fact]
    public async Task Recommendations_LikedStarGivesAReason_ClickAndDismissAreCountedForTheAdmin()
    {
        // Arranged in the database: three public stars of the admin's in a domain of their own, and the neighbour row
        // the hourly similarity job writes for 墨痕 → 纸鸢 (the job itself is covered by the integration tests; waiting
        // for its cron here would take up to an hour).
        var tag = Guid.NewGuid().ToString("N")[..8];
        var domain = "古籍" + tag;
        async Task<Guid> StarAsync(string name) =>
            (Guid)(await app.ScalarAsync($"""
                WITH s AS (INSERT INTO stars (owner_id, name, domain, persona, tone, status, is_public)
                    SELECT id, '{name}{tag}', '{domain}', '修复师', '', 'active', true FROM users WHERE normalized_email = '{AppServer.AdminEmail.ToUpperInvariant()}'
                    RETURNING id)
                SELECT id FROM s
                """))!;
        var liked = await StarAsync("墨痕");
        var similar = await StarAsync("纸鸢");
        var other = await StarAsync("灯塔");
        await app.ScalarAsync($"UPDATE star_gallery_stats SET heat = 1e9 WHERE star_id = '{other}'");
        // Three fans like both, so the row is also what the job computes should its hourly run fall inside this test.
        await app.ScalarAsync($"""
            WITH f AS (INSERT INTO users (id, display_name, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                SELECT gen_random_uuid(), 'fan' || g, false, false, false, false, 0 FROM generate_series(1, 3) g RETURNING id)
            INSERT INTO star_likes (star_id, user_id) SELECT v.s, f.id FROM f CROSS JOIN (VALUES ('{liked}'::uuid), ('{similar}'::uuid)) v(s)
            """);
        await app.ScalarAsync($"INSERT INTO star_similarities (star_id, similar_star_id, score, support, computed_at) VALUES ('{liked}', '{similar}', 0.52, 3, now())");

        var email = $"recs-{tag}@example.test";
        var page = await app.NewPageAsync();
        await page.RegisterAsync(email, "推荐", "Passw0rd!r");
        await page.WaitForURLAsync("**/studio");
        await app.ScalarAsync($"INSERT INTO star_likes (star_id, user_id) SELECT '{liked}', id FROM users WHERE normalized_email = '{email.ToUpperInvariant()}'");

        // The home page: 纸鸢 because the player liked 墨痕; 灯塔 as popular.
        await page.OpenInteractiveAsync("/");
        var similarCard = page.Locator($"[data-testid=recs-card][data-star='{similar}']");
        await Expect(similarCard.GetByTestId("recs-reason")).ToHaveTextAsync($"因为你喜欢「墨痕{tag}」");
        var otherCard = page.Locator($"[data-testid=recs-card][data-star='{other}']");
        await Expect(otherCard).ToBeVisibleAsync();
        await page.ShotAsync("95-recommendations-strip");

        await otherCard.GetByTestId("recs-dismiss").ClickAsync();
        await Expect(otherCard).ToHaveCountAsync(0);
        await similarCard.GetByTestId("recs-open").ClickAsync();
        await page.WaitForURLAsync($"**/stars/{similar}");

        // Back home: the dismissed star is not offered again.
        await page.OpenInteractiveAsync("/");
        await Expect(similarCard).ToBeVisibleAsync();
        await Expect(otherCard).ToHaveCountAsync(0);

        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await admin.OpenInteractiveAsync("/admin/recommendations");
        var row = admin.Locator("[data-testid=recs-admin-row][data-reason=because_you_liked]");
        await Expect(row.GetByTestId("recs-clicked")).Not.ToHaveTextAsync("0");
        await Expect(admin.GetByTestId("recs-admin-total").GetByTestId("recs-dismissed")).Not.ToHaveTextAsync("0");
        await admin.ShotAsync("96-recommendations-admin");
        Assert.Equal(1L, await app.ScalarAsync($"SELECT count(*) FROM recommendation_logs l JOIN users u ON u.id = l.user_id WHERE u.normalized_email = '{email.ToUpperInvariant()}' AND l.item_id = '{other}' AND l.dismissed_at IS NOT NULL"));
    }
}
