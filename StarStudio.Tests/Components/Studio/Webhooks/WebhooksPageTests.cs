using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Webhooks;
using StarStudio.Web.Components.Studio.Webhooks;

namespace StarStudio.Tests.Components.Studio.Webhooks;

public sealed class WebhooksPageTests : ComponentTest
{
    private const string Secret = "whsec_shown_once_0123456789";
    private readonly FakeWebhooks service = new();

    public WebhooksPageTests()
    {
        Context.Services.AddSingleton<IWebhookService>(service);
    }

    private IRenderedComponent<WebhooksPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
        return Context.Render<WebhooksPage>();
    }

    [Fact]
    public async Task WebhooksPage_Create_ShowsTheSecretOnceThenNeverAgain()
    {
        var cut = RenderPage();
        await cut.Find("#webhook-url").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "https://hooks.example.com/in" });
        await cut.Find("[data-testid='webhook-event-rating.created'] input, input[data-testid='webhook-event-rating.created']").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true });

        await cut.Find("[data-testid=webhook-create]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Equal(Secret, cut.Find("[data-testid=webhook-secret-value]").TextContent));
        Assert.Equal("https://hooks.example.com/in", service.LastInput!.Url);
        Assert.Equal([WebhookEvents.RatingCreated], service.LastInput.EventTypes);
        Assert.Empty(service.LastInput.StarIds);
        Assert.Single(cut.FindAll("[data-testid=webhook-row]"));

        await cut.Find("[data-testid=webhook-secret-done]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=webhook-secret]")));
        Assert.DoesNotContain(Secret, cut.Markup, StringComparison.Ordinal);

        // Coming back to the page: the list has no way to show it.
        var again = Context.Render<WebhooksPage>();
        Assert.Single(again.FindAll("[data-testid=webhook-row]"));
        Assert.DoesNotContain(Secret, again.Markup, StringComparison.Ordinal);
        Assert.Empty(again.FindAll("[data-testid=webhook-secret]"));
    }

    [Fact]
    public async Task WebhooksPage_CreateRefused_ShowsTheFieldReason()
    {
        service.Refuse = true;
        var cut = RenderPage();
        await cut.Find("#webhook-url").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "http://10.0.0.1/" });

        await cut.Find("[data-testid=webhook-create]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("请至少选择一个事件", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=webhook-secret]"));
        Assert.Empty(cut.FindAll("[data-testid=webhook-row]"));
    }

    [Fact]
    public async Task WebhookDeliveryLog_ResponseExcerpt_IsShownEscaped()
    {
        service.Deliveries.Add(new WebhookDeliveryView(Guid.NewGuid(), Guid.Empty, Guid.NewGuid(), WebhookEvents.RatingCreated, WebhookDeliveryStatus.Pending, 1, 500, 12,
            WebhookAttemptError.HttpStatus(500), "<script>alert(1)</script>", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(30), null));

        var cut = Context.Render<WebhookDeliveryLog>(p => p.Add(x => x.WebhookId, Guid.Empty).Add(x => x.RefreshEvery, Timeout.InfiniteTimeSpan));

        var excerpt = cut.Find("[data-testid=webhook-delivery-excerpt]");
        Assert.Equal("<script>alert(1)</script>", excerpt.TextContent);
        Assert.Empty(excerpt.QuerySelectorAll("script"));
        Assert.Equal("Retrying", cut.Find("[data-testid=webhook-delivery]").GetAttribute("data-status"));
        await cut.Find("[data-testid=webhook-redeliver]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
        Assert.Equal(1, service.Redelivered);
    }

    [Theory]
    [InlineData("http: 500", "接收方返回了 HTTP 500。")]
    [InlineData("timeout: 10", "接收方未在 10 秒内应答（超时）。")]
    [InlineData("redirect: http://169.254.169.254/", "接收方要求重定向到 http://169.254.169.254/；智星工坊从不跟随重定向。")]
    [InlineData("url: Url.Scheme", "该网址无法调用：只允许 http 或 https 地址。")]
    [InlineData("secret", "本服务器无法读取该 Webhook 的签名密钥，请轮换密钥。")]
    [InlineData("The receiver answered HTTP 500.", "The receiver answered HTTP 500.")]
    public void WebhookDeliveryLog_FailedAttempt_ReasonInTheReadersLanguage(string stored, string shown)
    {
        service.Deliveries.Add(new WebhookDeliveryView(Guid.NewGuid(), Guid.Empty, Guid.NewGuid(), WebhookEvents.RatingCreated, WebhookDeliveryStatus.Pending, 1, null, 12,
            WebhookAttemptError.Parse(stored), null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(30), null));

        var cut = Context.Render<WebhookDeliveryLog>(p => p.Add(x => x.WebhookId, Guid.Empty).Add(x => x.RefreshEvery, Timeout.InfiniteTimeSpan));

        Assert.Equal(shown, cut.Find("[data-testid=webhook-delivery-error]").TextContent);
    }

    private sealed class FakeWebhooks : IWebhookService
    {
        private readonly List<WebhookView> hooks = [];

        public bool Refuse { get; set; }
        public WebhookInput? LastInput { get; private set; }
        public List<WebhookDeliveryView> Deliveries { get; } = [];
        public int Redelivered { get; private set; }

        public Task<IReadOnlyList<WebhookView>> ListAsync(bool everyone = false, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<WebhookView>>(hooks.ToList());

        public Task<IReadOnlyList<WebhookStarOption>> StarOptionsAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<WebhookStarOption>>([new WebhookStarOption(Guid.NewGuid(), "墨香")]);

        public Task<Result<WebhookCreated>> CreateAsync(WebhookInput input, CancellationToken ct = default)
        {
            LastInput = input;
            if (Refuse || input.EventTypes.Count == 0)
            {
                return Task.FromResult(Result<WebhookCreated>.Invalid("EventTypes", WebhookRules.EventsRequiredCode));
            }

            var view = new WebhookView(Guid.NewGuid(), Guid.NewGuid(), null, input.Url, input.EventTypes, input.StarIds, WebhookStatus.Active, DateTimeOffset.UtcNow, null, 0, 0);
            hooks.Add(view);
            return Task.FromResult(Result<WebhookCreated>.Ok(new WebhookCreated(view, Secret)));
        }

        public Task<Result<WebhookView>> SetPausedAsync(Guid webhookId, bool paused, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> DeleteAsync(Guid webhookId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<WebhookCreated>> RotateSecretAsync(Guid webhookId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<WebhookDeliveryView>> SendTestAsync(Guid webhookId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<IReadOnlyList<WebhookDeliveryView>>> DeliveriesAsync(Guid webhookId, int take = 50, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<WebhookDeliveryView>>.Ok(Deliveries.ToList()));

        public Task<Result<WebhookDeliveryView>> RedeliverAsync(Guid deliveryId, CancellationToken ct = default)
        {
            Redelivered++;
            return Task.FromResult(Result<WebhookDeliveryView>.Ok(Deliveries[0]));
        }
    }
}
