using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Core.Webhooks;
using StarStudio.Data;
using StarStudio.Data.Webhooks;

namespace StarStudio.Tests.Integration.Webhooks;

/// <summary>A request the loopback receiver got.</summary>
public sealed record ReceivedWebhook(string Path, string? Signature, string? EventId, string? EventType, string Body);

/// <summary>
/// A webhook receiver on 127.0.0.1 whose behaviour is chosen by path: <c>/ok</c> (200 with a body), <c>/500</c>,
/// <c>/flaky</c> (500 until <see cref="Fixed"/>), <c>/hang</c> (never answers in time), <c>/redirect</c> (302 to the cloud
/// metadata address). Records every request.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();

    private LoopbackReceiver(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Whether <c>/flaky</c> answers 200 now.</summary>
    public bool Fixed { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received => received.ToArray();

    public string Url(string path) => new Uri(BaseUri, path).AbsoluteUri;

    public static async Task<LoopbackReceiver> StartAsync()
    {
        LoopbackReceiver? receiver = null;
        var (app, baseUri) = await TestData.LoopbackHttpServer.StartAsync(ctx => receiver!.HandleAsync(ctx));
        receiver = new LoopbackReceiver(app, baseUri);
        return receiver;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var path = ctx.Request.Path.Value ?? "";
        received.Enqueue(new ReceivedWebhook(path, ctx.Request.Headers[WebhookRules.SignatureHeader].ToString(),
            ctx.Request.Headers[WebhookRules.EventIdHeader].ToString(), ctx.Request.Headers[WebhookRules.EventTypeHeader].ToString(), body));
        switch (path)
        {
            case "/ok":
                await ctx.Response.WriteAsync("<ok>thanks</ok>", ctx.RequestAborted);
                break;
            case "/500":
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsync("boom", ctx.RequestAborted);
                break;
            case "/flaky":
                ctx.Response.StatusCode = Fixed ? 200 : 500;
                await ctx.Response.WriteAsync(Fixed ? "fixed" : "not yet", ctx.RequestAborted);
                break;
            case "/hang":
                await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
                break;
            case "/redirect":
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
                break;
            default:
                ctx.Response.StatusCode = 404;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>An options monitor whose value a test changes (e.g. private networks allowed at save, refused at send).</summary>
public sealed class MutableOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

/// <summary>The real registration (AddWebhooks) over the test database, with short timeouts, and helpers to arrange data.</summary>
public sealed class WebhookTestKit : IAsyncDisposable
{
    private readonly PostgresDatabase pg;
    private readonly ServiceProvider provider;

    public WebhookTestKit(PostgresDatabase pg, TimeSpan? timeout = null, TimeSpan? lease = null)
    {
        this.pg = pg;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StarStudio:Webhooks:Timeout"] = (timeout ?? TimeSpan.FromSeconds(1)).ToString("c"),
            ["StarStudio:Webhooks:Lease"] = (lease ?? TimeSpan.FromSeconds(30)).ToString("c"),
            ["StarStudio:Webhooks:WorkerEnabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDataProtectionProvider>(Protection);
        services.AddSingleton<IOptionsMonitor<SecurityOptions>>(Security);
        services.AddSingleton<IDbContextFactory<StarStudioDbContext>>(pg.AppContextFactory());
        WebhookServiceCollectionExtensions.AddWebhooks(services);
        provider = services.BuildServiceProvider();
    }

    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

    /// <summary>Private networks allowed (the loopback receiver) unless a test turns them off.</summary>
    public MutableOptions<SecurityOptions> Security { get; } = new(new SecurityOptions { AllowPrivateNetworkUrls = true });

    public WebhookDispatcher Dispatcher => provider.GetRequiredService<WebhookDispatcher>();

    public WebhookOptions Options => provider.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;

    public WebhookService Service(UserContext user, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) =>
        new(pg.Db(user), Protection, provider.GetRequiredService<IOptionsMonitor<WebhookOptions>>(), Security, TimeProvider.System, resolve);

    public async Task<Guid> StarAsync(UserContext owner, string name = "墨香")
    {
        await using var db = pg.OwnerContext();
        var star = new Star { Id = Guid.NewGuid(), OwnerId = owner.UserId!.Value, Name = name, Domain = "天气", Persona = "", Tone = "", Status = StarStatus.Active, IsPublic = true };
        db.Stars.Add(star);
        await db.SaveChangesAsync();
        return star.Id;
    }

    /// <summary>Emits as <paramref name="actor"/> (e.g. a player), inside that user's transaction, as the features do.</summary>
    public Task<int> EmitAsync(UserContext actor, Guid starId, string type = WebhookEvents.RatingCreated, Guid? eventId = null) =>
        pg.Db(actor).RunAsync((ctx, _) => WebhookOutbox.EmitAsync(ctx, type, starId, new { rating = 5 }, DateTimeOffset.UtcNow, CancellationToken.None, eventId));

    public async Task<WebhookDelivery> DeliveryAsync(Guid webhookId)
    {
        await using var db = pg.OwnerContext();
        return await db.Set<WebhookDelivery>().AsNoTracking().SingleAsync(d => d.WebhookId == webhookId);
    }

    /// <summary>Makes every pending delivery of the webhook due now (instead of waiting for its backoff).</summary>
    public async Task MakeDueAsync(Guid webhookId)
    {
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlAsync($"UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE webhook_id = {webhookId} AND status = 'pending'");
    }

    public async ValueTask DisposeAsync() => await provider.DisposeAsync();
}
