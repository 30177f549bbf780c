using Microsoft.Playwright;
using StarStudio.Tests.Integration.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// Outbound webhooks as an owner uses them. In the private-network app of <see cref="AdminModelsJourneyTests"/> (a
/// partial of that class, to share its app instead of starting a third one): a default installation refuses the
/// loopback receiver, as it should.
/// </summary>
public sealed partial class AdminModelsJourneyTests
{
    [Fact]
    public async Task Webhooks_OwnerAddsAFailingReceiverFixesItAndRedelivers_DeliveredWithTheSameEvent()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var page = await lan.NewPageAsync();
        await page.RegisterAsync($"hooks-{Guid.NewGuid():N}@example.test", "推送主理人", "Passw0rd!k");
        await page.WaitForURLAsync("**/studio");

        // 1. From the studio to 推送: add a webhook to a receiver that answers 500; the secret is shown once.
        await page.OpenInteractiveAsync("/studio");
        await page.ClickAsync("[data-testid=studio-webhooks]");
        await page.WaitForURLAsync("**/studio/webhooks");
        await page.WaitForInteractiveAsync();
        await page.FillAsync("#webhook-url", receiver.Url("/flaky"));
        await page.Locator("[data-testid='webhook-event-rating.created'] input, input[data-testid='webhook-event-rating.created']").CheckAsync();
        await page.ClickAsync("[data-testid=webhook-create]");
        var secret = await page.GetByTestId("webhook-secret-value").TextContentAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await page.ClickAsync("[data-testid=webhook-secret-done]");
        await Expect(page.GetByTestId("webhook-secret")).ToHaveCountAsync(0);

        // 2. A test event: the worker sends it, the receiver answers 500, the log says so.
        await page.ClickAsync("[data-testid=webhook-test]");
        var delivery = page.GetByTestId("webhook-delivery");
        await Expect(delivery).ToHaveAttributeAsync("data-status", "Retrying", new() { Timeout = 10_000 });
        await Expect(delivery.GetByTestId("webhook-delivery-http")).ToHaveTextAsync("500");
        await Expect(delivery.GetByTestId("webhook-delivery-error")).ToHaveTextAsync("接收方返回了 HTTP 500。");
        await page.ShotAsync("16-webhook-delivery-failed");

        // 3. The receiver is fixed; redeliver sends the same event again at once, and it is delivered.
        receiver.Fixed = true;
        await delivery.GetByTestId("webhook-redeliver").ClickAsync();
        await Expect(delivery).ToHaveAttributeAsync("data-status", "Delivered", new() { Timeout = 10_000 });
        await Expect(delivery.GetByTestId("webhook-delivery-http")).ToHaveTextAsync("200");
        var ids = receiver.Received.Select(r => r.EventId).Distinct().ToList();
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(await delivery.GetAttributeAsync("data-event-id"), Assert.Single(ids));
    }
}
