using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StarStudio.Core.Common;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 11's journey: an admin opens a season and a trial; two owners enter their stars, whose answers the offline
/// engine writes as JSON for the schema; a player votes in the blind battle; the admin closes entries and then finishes
/// the trial; the scoring job ranks the entries, the leaderboard shows ranks and rewards, and each owner's ledger shows
/// the reward booked by the trial.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class ArenaJourneyTests(AppServer app)
{
    private const string Schema = """
        {"type":"object","required":["title","poem"],"additionalProperties":false,
         "properties":{"title":{"type":"string","minLength":1,"maxLength":40},"poem":{"type":"string","minLength":4,"maxLength":400}}}
        """;

    /// <summary>The value a datetime-local input takes for an instant, in Beijing time.</summary>
    private static string Local(DateTimeOffset at) => at.ToOffset(BeijingTime.Offset).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AdminOpensATrial_TwoOwnersEnter_APlayerVotes_RanksAndRewardsReachTheLedgers()
    {
        var now = DateTimeOffset.UtcNow;
        var tag = Guid.NewGuid().ToString("N")[..6];
        var seasonName = "冬季赛 " + tag;
        var title = "冬夜咏诗 " + tag;

        // The admin opens a season that pays 100 and 50 points for ranks 1 and 2.
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin/arena");
        await admin.ClickAsync("[data-testid=season-add]");
        await admin.FillAsync("#season-name", seasonName);
        await admin.FillAsync("#season-starts", Local(now.AddDays(-1)));
        await admin.FillAsync("#season-ends", Local(now.AddDays(30)));
        await admin.FillAsync("#season-rules", "每位星主一颗智星，盲评决胜。");
        await admin.FillAsync("#season-rewards", "100, 50");
        await admin.ClickAsync("[data-testid=season-save]");
        await Expect(admin.GetByTestId("season-name-cell").Filter(new() { HasText = seasonName })).ToBeVisibleAsync();

        // …and a trial in it, taking entries now.
        await admin.ClickAsync("[data-testid=trial-add]");
        await admin.WaitForURLAsync("**/admin/arena/trials/new");
        await admin.WaitForInteractiveAsync();
        await admin.FillAsync("#trial-title", title);
        await admin.FillAsync("#trial-prompt", "以**冬夜**为题写一首短诗，给出题目和正文。");
        await admin.FillAsync("#trial-schema", Schema);
        await admin.Locator(".mud-select:has([data-testid=trial-season]) .mud-input-control").ClickAsync();
        await admin.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = seasonName }).ClickAsync();
        await admin.ClickAsync("[data-testid=rubric-add]");
        await admin.FillAsync("#rubric-0-name", "意境");
        await admin.FillAsync("#rubric-0-description", "画面与情感");
        await admin.FillAsync("#trial-opens", Local(now.AddMinutes(-10)));
        await admin.FillAsync("#trial-submit-until", Local(now.AddDays(1)));
        await admin.FillAsync("#trial-ends", Local(now.AddDays(2)));
        await admin.ClickAsync("[data-testid=trial-save]");
        await admin.WaitForURLAsync(url => TrialEditorUrl().IsMatch(url));
        var trialId = Guid.Parse(TrialEditorUrl().Match(admin.Url).Groups[1].Value);
        await admin.WaitForInteractiveAsync();
        await admin.ClickAsync("[data-testid=trial-open]");
        await admin.Locator(".mud-dialog .mud-dialog-actions button").Filter(new() { HasText = "开启星试" }).ClickAsync();
        await Expect(admin.GetByTestId("trial-status")).ToContainTextAsync("进行中");
        await admin.ShotAsync("50-admin-trial-open");

        // Two owners enter a star each; the offline engine writes the JSON answer, which matches the schema.
        var owners = new List<IPage>();
        foreach (var (prefix, owner, star) in new[] { ("poet-a", "甲星主", "寒江"), ("poet-b", "乙星主", "暮雪") })
        {
            var page = await app.NewPageAsync();
            await page.RegisterWithAStarAsync(prefix, owner, star, "古典诗词", "擅长写冬天的短诗");
            await page.OpenInteractiveAsync($"/arena/trials/{trialId}");
            await Expect(page.GetByTestId("trial-title")).ToHaveTextAsync(title);
            await page.GetByTestId("entry-star").Filter(new() { HasText = star }).ClickAsync();
            await page.ClickAsync("[data-testid=entry-generate]");
            await Expect(page.GetByTestId("draft-json")).ToContainTextAsync("\"poem\"", new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("draft-valid")).ToBeVisibleAsync();
            await page.ClickAsync("[data-testid=entry-submit]");
            await page.ClickAsync("[data-testid=entry-confirm-submit]");
            await Expect(page.GetByTestId("entry-entered")).ToBeVisibleAsync();
            owners.Add(page);
        }

        await owners[0].ShotAsync("51-owner-entered");
        // During submissions an owner sees only their own entry.
        await owners[0].OpenInteractiveAsync($"/arena/trials/{trialId}");
        await Expect(owners[0].GetByTestId("leaderboard-row")).ToHaveCountAsync(1);

        // The admin closes entries: judging and battles start.
        await admin.ClickAsync("[data-testid=trial-close-submissions]");
        await admin.Locator(".mud-dialog .mud-dialog-actions button").Filter(new() { HasText = "立即截止提交" }).ClickAsync();
        await Expect(admin.GetByTestId("trial-phase")).ToContainTextAsync("评审");

        // A player votes in the blind battle: two anonymous answers, then the stars are revealed; nothing is left after.
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"voter-{Guid.NewGuid():N}@example.test", "评诗人", "Passw0rd!v");
        await player.WaitForURLAsync("**/studio");
        await player.OpenInteractiveAsync($"/arena/trials/{trialId}");
        await player.ClickAsync("[data-testid=trial-battle-link]");
        await player.WaitForURLAsync($"**/arena/trials/{trialId}/battle");
        await player.WaitForInteractiveAsync();
        await Expect(player.GetByTestId("battle-answer-a")).ToBeVisibleAsync();
        await Expect(player.GetByTestId("battle-answer-b")).ToBeVisibleAsync();
        await Expect(player.Locator("body")).Not.ToContainTextAsync("寒江");
        await player.ShotAsync("52-player-battle");
        await player.ClickAsync("[data-testid=vote-a]");
        await Expect(player.GetByTestId("battle-revealed")).ToBeVisibleAsync();
        var winner = (await player.GetByTestId("battle-reveal-a").TextContentAsync())!;
        Assert.True(winner.Contains("寒江", StringComparison.Ordinal) || winner.Contains("暮雪", StringComparison.Ordinal), winner);
        await player.ClickAsync("[data-testid=battle-next]");
        await Expect(player.GetByTestId("battle-empty")).ToBeVisibleAsync();

        // The admin finishes the trial; the scoring job ranks it and books the season's rewards.
        await admin.ClickAsync("[data-testid=trial-finish]");
        await admin.Locator(".mud-dialog .mud-dialog-actions button").Filter(new() { HasText = "立即结束" }).ClickAsync();
        await Expect(admin.GetByTestId("trial-status")).ToContainTextAsync("已结束");
        for (var i = 0; i < 60 && await app.ScalarAsync($"SELECT scored_at FROM star_trials WHERE id = '{trialId}'") is null or DBNull; i++)
        {
            await Task.Delay(500);
        }

        var first = winner.Contains("寒江", StringComparison.Ordinal) ? 0 : 1;
        var view = owners[first];
        await view.OpenInteractiveAsync($"/arena/trials/{trialId}");
        var rows = view.GetByTestId("leaderboard-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First.GetByTestId("leaderboard-rank")).ToHaveTextAsync("1");
        await Expect(rows.First.GetByTestId("leaderboard-reward")).ToHaveTextAsync("+100");
        await Expect(rows.Nth(1).GetByTestId("leaderboard-reward")).ToHaveTextAsync("+50");
        await Expect(view.GetByTestId("trial-bias")).ToBeVisibleAsync();
        await view.ShotAsync("53-trial-results");

        // Each owner's ledger holds the reward, booked once by the trial.
        for (var i = 0; i < 2; i++)
        {
            await owners[i].OpenInteractiveAsync("/me?tab=wallet");
            var reward = owners[i].Locator("[data-testid=ledger-row][data-source=TrialReward]");
            await Expect(reward).ToHaveCountAsync(1);
            await Expect(reward.GetByTestId("ledger-amount")).ToContainTextAsync(i == first ? "100" : "50");
        }

        await owners[first].ShotAsync("54-owner-ledger-reward");

        // The season leaderboard lists both stars with their points and a rating chart.
        await player.OpenInteractiveAsync("/arena/leaderboard");
        await player.GetByTestId("standings-season").Filter(new() { HasText = seasonName }).ClickAsync();
        await player.WaitForURLAsync("**/arena/leaderboard?season=*");
        await Expect(player.GetByTestId("standings-row")).ToHaveCountAsync(2);
        await Expect(player.GetByTestId("standings-points").First).ToHaveTextAsync("100");
        await Expect(player.GetByTestId("standings-chart").Locator("svg")).ToBeVisibleAsync();
        await player.ShotAsync("55-season-leaderboard");
    }

    [GeneratedRegex(@"/admin/arena/trials/([0-9a-f-]{36})$")]
    private static partial Regex TrialEditorUrl();
}
