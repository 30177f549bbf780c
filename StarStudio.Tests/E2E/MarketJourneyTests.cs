using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StarStudio.Tests.Integration.Market.Calls;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Issue 12's journey, on an app that may call loopback endpoints (<see cref="PrivateNetworkAppServer"/>, as a LAN install
/// would): a new user becomes a skill maker and submits a per-call weather skill whose endpoint is a scripted server on
/// 127.0.0.1; an admin approves it; a star owner recharges, finds the skill in the market and subscribes a public star; a
/// player's question matches the skill's example, so the offline engine calls it and answers with its result; the owner's
/// trace shows the call; the maker's dashboard shows the call and the revenue; the owner's ledger shows the charge.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class MarketJourneyTests(PrivateNetworkAppServer app) : IClassFixture<PrivateNetworkAppServer>
{
    [Fact]
    public async Task MakerPublishes_AdminApproves_OwnerSubscribes_PlayersQuestionCallsTheSkill_MoneyReachesBothLedgers()
    {
        await using var endpoint = await ScriptedSkillServer.StartAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var skillName = "天气速查" + tag;

        // 1. A new user becomes a skill maker and drafts a weather skill: schemas, a price per call, one example.
        var maker = await app.NewPageAsync();
        await maker.RegisterAsync($"mk-{Guid.NewGuid():N}@example.test", "天气工坊", "Passw0rd!m");
        await maker.WaitForURLAsync("**/studio");
        await maker.OpenInteractiveAsync("/market");
        await maker.ClickAsync("[data-testid=market-maker-link]");
        await maker.WaitForURLAsync("**/market/maker");
        await maker.WaitForInteractiveAsync();
        await maker.ClickAsync("[data-testid=maker-become]");
        // The page reloads with the new role (the URL does not change): wait for what only a maker sees.
        await Expect(maker.GetByTestId("maker-new-skill")).ToBeVisibleAsync();
        await maker.WaitForInteractiveAsync();
        await maker.ClickAsync("[data-testid=maker-new-skill]");
        await maker.WaitForURLAsync("**/market/maker/skills/new");
        await maker.WaitForInteractiveAsync();
        await maker.FillAsync("#skill-name", skillName);
        await maker.FillAsync("#skill-description", "查询中国城市今天的天气：气温与天气概况。");
        await maker.FillAsync("#skill-description-en", "Today's weather for a Chinese city: temperature and summary.");
        await Pick(maker, "skill-category", "天气");
        await maker.FillAsync("#skill-endpoint", endpoint.Url("/ok").ToString());
        await maker.FillAsync("#skill-input-schema", ScriptedSkillServer.InputSchema);
        await maker.FillAsync("#skill-output-schema", ScriptedSkillServer.OutputSchema);
        await Pick(maker, "skill-pricing", "按次计费");
        await maker.FillAsync("#skill-price", "0.5");
        await maker.ClickAsync("[data-testid=skill-example-add]");
        await maker.FillAsync("#example-0-question", "北京今天天气怎么样");
        await maker.FillAsync("#example-0-arguments", """{"city":"北京"}""");
        await maker.ClickAsync("[data-testid=skill-save]");
        await maker.WaitForURLAsync(url => SkillEditorUrl().IsMatch(url));
        await maker.WaitForInteractiveAsync();
        await Expect(maker.GetByTestId("skill-status")).ToHaveTextAsync("草稿");

        // …and submits version 1.0.0 for review.
        await maker.ClickAsync("[data-testid=skill-submit]");
        await maker.FillAsync("#version-number", "1.0.0");
        await maker.FillAsync("#version-changelog", "首个版本：按城市查询今日天气。");
        await maker.ClickAsync("[data-testid=version-submit-confirm]");
        await Expect(maker.GetByTestId("version-status").First).ToHaveTextAsync("审核中");
        await maker.ShotAsync("60-maker-skill-submitted");

        // 2. The admin approves it from the review queue.
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin/market");
        var review = admin.GetByTestId("admin-review-item").Filter(new() { HasText = skillName });
        await Expect(review.GetByTestId("admin-review-version")).ToHaveTextAsync("1.0.0");
        await admin.ShotAsync("61-admin-review-queue");
        await review.GetByTestId("admin-review-approve").ClickAsync();
        await Expect(admin.GetByTestId("admin-review-item").Filter(new() { HasText = skillName })).ToHaveCountAsync(0);

        // 3. An owner with a public star recharges, finds the skill in the market and subscribes the star per call.
        var owner = await app.NewPageAsync();
        await owner.RegisterWithAStarAsync("mo", "星主", "晴川" + tag, "出行助手", "帮人安排出行，会看天气。");
        var starId = owner.Url.Split('/').Last();
        await Versions.ReviewSteps.PublishThroughReviewAsync(owner, app);
        await owner.OpenInteractiveAsync("/me?tab=orders");
        await owner.Locator("[data-testid=recharge-product][data-product='充值 ¥50']").GetByTestId("recharge-buy").ClickAsync();
        await owner.WaitForURLAsync("**/pay/sandbox/**");
        await owner.WaitForInteractiveAsync();
        await owner.ClickAsync("[data-testid=gateway-approve]");
        await owner.WaitForURLAsync("**/me?tab=orders**");

        await owner.OpenInteractiveAsync("/market");
        await owner.FillAsync("[data-testid=market-search] input, input[data-testid=market-search]", "天气" + tag);
        await owner.ClickAsync("[data-testid=market-search-submit]");
        var card = owner.GetByTestId("market-skill-card").Filter(new() { HasText = skillName });
        await Expect(card).ToHaveCountAsync(1);
        await owner.ShotAsync("62-market-search");
        await card.GetByTestId("market-skill-name").ClickAsync();
        await owner.WaitForURLAsync("**/market/skills/**");
        await owner.WaitForInteractiveAsync();
        await Expect(owner.GetByTestId("skill-detail-name")).ToContainTextAsync(skillName);
        await owner.GetByTestId($"subscribe-star-{starId}").ClickAsync();
        await owner.GetByTestId("subscribe-plan-per_call").ClickAsync();
        await owner.ClickAsync("[data-testid=subscribe-submit]");
        await Expect(owner.GetByTestId("subscribe-done")).ToBeVisibleAsync();
        await owner.ShotAsync("63-owner-subscribed");
        await owner.OpenInteractiveAsync("/market");
        await owner.ClickAsync("[data-testid=market-subscriptions-link]");
        await owner.WaitForURLAsync("**/me/subscriptions");
        await owner.WaitForInteractiveAsync();
        var subscription = owner.GetByTestId("subscription-row").Filter(new() { HasText = skillName });
        await Expect(subscription).ToHaveAttributeAsync("data-status", "Active");

        // 4. A player asks the public star a question like the skill's example; the offline engine calls the skill.
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"mp-{Guid.NewGuid():N}@example.test", "旅人", "Passw0rd!p");
        await player.WaitForURLAsync("**/studio");
        await player.OpenInteractiveAsync($"/stars/{starId}");
        await player.ClickAsync("[data-testid=chat-new]");
        await player.FillAsync("#chat-input", "上海今天天气怎么样");
        await player.ClickAsync("[data-testid=chat-send]");
        var answer = player.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });
        await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync(skillName);
        await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("21.5");
        Assert.Contains(endpoint.Calls, c => c.Path == "/ok" && c.Signature!.StartsWith("t=", StringComparison.Ordinal)
            && System.Text.Json.JsonDocument.Parse(c.Text).RootElement.GetProperty("arguments").GetProperty("city").GetString() == "上海");
        await player.ShotAsync("64-player-answer-with-skill");
        await player.GetByTestId("chat-rating").Locator(".mud-rating-item").Nth(4).ClickAsync();
        await player.ClickAsync("[data-testid=chat-feedback-save]");
        await Expect(player.GetByText("感谢你的评价")).ToBeVisibleAsync();

        // 5. The owner opens that conversation from the feedback tab: its trace shows the skill call and its charge.
        await owner.OpenInteractiveAsync($"/studio/stars/{starId}");
        await owner.GetByRole(AriaRole.Tab, new() { Name = "反馈" }).ClickAsync();
        await owner.GetByTestId("feedback-open").First.ClickAsync();
        await owner.WaitForInteractiveAsync();
        await owner.Locator("[data-testid=chat-message][data-sender=star]").Last.GetByTestId("chat-trace").ClickAsync();
        await Expect(owner.GetByTestId("trace-steps")).ToContainTextAsync("tool_call");
        await Expect(owner.GetByTestId("trace-steps")).ToContainTextAsync("1.0.0");
        await owner.ShotAsync("65-owner-trace-skill-call");

        // 6. The owner's ledger shows the charge for the call; the maker's dashboard shows the call and the revenue (80%).
        await owner.OpenInteractiveAsync("/me?tab=wallet");
        await owner.ClickAsync("[data-testid=wallet-show-balance]");
        var charge = owner.GetByTestId("ledger-row").First;
        await Expect(charge).ToHaveAttributeAsync("data-source", "SkillUsage");
        await Expect(charge.GetByTestId("ledger-amount")).ToHaveTextAsync("-0.50");
        await owner.ShotAsync("66-owner-ledger-skill-charge");

        await maker.OpenInteractiveAsync("/market/maker/dashboard");
        await Expect(maker.GetByTestId("dashboard-calls")).ToContainTextAsync("1");
        await Expect(maker.GetByTestId("dashboard-revenue")).ToContainTextAsync("0.40");
        await maker.ShotAsync("67-maker-dashboard");
    }

    /// <summary>Picks <paramref name="option"/> in the MudSelect marked <paramref name="testId"/>.</summary>
    private static async Task Pick(IPage page, string testId, string option)
    {
        await page.Locator($".mud-select:has([data-testid={testId}]) .mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
    }

    [GeneratedRegex(@"/market/maker/skills/([0-9a-f-]{36})$")]
    private static partial Regex SkillEditorUrl();
}
