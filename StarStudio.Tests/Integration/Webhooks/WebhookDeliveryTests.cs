using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Core.Webhooks;

namespace StarStudio.Tests.Integration.Webhooks;

/// <summary>Outbound webhooks end to end against a loopback receiver: signing, retries, refusals, dedupe, redelivery, restarts.</summary>
public sealed class WebhookDeliveryTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static readonly string[] Ratings = [WebhookEvents.RatingCreated];

    private async Task<(WebhookTestKit Kit, LoopbackReceiver Receiver, UserContext Owner, Guid StarId)> ArrangeAsync(TimeSpan? timeout = null, TimeSpan? lease = null)
    {
        var kit = new WebhookTestKit(pg, timeout, lease);
        var receiver = await LoopbackReceiver.StartAsync();
        var owner = await pg.CreateUserAsync();
        var star = await kit.StarAsync(owner);
        return (kit, receiver, owner, star);
    }

    private static async Task<WebhookCreated> CreateAsync(WebhookTestKit kit, UserContext owner, string url, IReadOnlyList<Guid>? stars = null)
    {
        var created = await kit.Service(owner).CreateAsync(new WebhookInput(url, Ratings, stars ?? []));
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Code)));
        return created.Value!;
    }

    [Fact]
    public async Task Delivery_ReceiverAnswers200_SignedWithTheSecretShownOnceAndLogged()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/ok"));
        var player = await pg.CreateUserAsync();

        // A player's transaction (rating someone else's star) reaches the owner's webhook.
        Assert.Equal(1, await kit.EmitAsync(player, star));
        await kit.Dispatcher.RunOnceAsync();

        var got = Assert.Single(receiver.Received, r => r.Path == "/ok");
        var body = Encoding.UTF8.GetBytes(got.Body);
        Assert.Equal(SignatureVerdict.Ok, TimestampedSignature.Verify(hook.Secret, got.Signature, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var doc = JsonDocument.Parse(got.Body);
        Assert.Equal(got.EventId, doc.RootElement.GetProperty("id").GetString());
        Assert.Equal(WebhookEvents.RatingCreated, got.EventType);
        Assert.Equal(star, doc.RootElement.GetProperty("star_id").GetGuid());

        var log = Assert.Single((await kit.Service(owner).DeliveriesAsync(hook.Webhook.Id)).Value!);
        Assert.Equal(WebhookDeliveryStatus.Delivered, log.Status);
        Assert.Equal(1, log.Attempts);
        Assert.Equal(200, log.HttpStatus);
        Assert.NotNull(log.LatencyMs);
        Assert.Equal("<ok>thanks</ok>", log.ResponseExcerpt);
        Assert.Null(log.NextAttemptAt);

        // The secret is not stored in clear anywhere.
        await using var db = pg.OwnerContext();
        Assert.Equal(0, await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM webhooks WHERE secret_protected LIKE '%' || {hook.Secret} || '%'").SingleAsync());
    }

    [Fact]
    public async Task Delivery_500ThenFixed_RetriedWithBackoffThenDeliveredWithTheSameEventId()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/flaky"));
        await kit.EmitAsync(owner, star);

        var before = DateTimeOffset.UtcNow;
        await kit.Dispatcher.RunOnceAsync();
        var failed = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Pending, failed.Status);
        Assert.Equal(500, failed.LastHttpStatus);
        Assert.Equal("http: 500", failed.LastError);
        Assert.Equal("not yet", failed.ResponseExcerpt);
        // First retry: 30 s with jitter between half and all of it.
        Assert.InRange(failed.NextAttemptAt!.Value, before.AddSeconds(14), DateTimeOffset.UtcNow.AddSeconds(31));

        // Not due yet: nothing is sent.
        await kit.Dispatcher.RunOnceAsync();
        Assert.Single(receiver.Received);

        receiver.Fixed = true;
        await kit.MakeDueAsync(hook.Webhook.Id);
        await kit.Dispatcher.RunOnceAsync();

        var done = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Delivered, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Null(done.LastError);
        Assert.Equal(2, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.EventId).Distinct());
    }

    [Fact]
    public async Task Delivery_ReceiverTimesOut_LogsReadableReason()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync(timeout: TimeSpan.FromSeconds(1));
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/hang"));
        await kit.EmitAsync(owner, star);

        await kit.Dispatcher.RunOnceAsync();

        var d = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Pending, d.Status);
        Assert.Equal("timeout: 1", d.LastError);
        Assert.InRange(d.LastLatencyMs!.Value, 900, 10_000);
        Assert.Null(d.LastHttpStatus);
    }

    [Fact]
    public async Task Delivery_RedirectToPrivateAddress_NotFollowed()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/redirect"));
        await kit.EmitAsync(owner, star);

        await kit.Dispatcher.RunOnceAsync();

        var d = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(302, d.LastHttpStatus);
        Assert.StartsWith("redirect: ", d.LastError, StringComparison.Ordinal);
        Assert.Contains("169.254.169.254", d.LastError, StringComparison.Ordinal);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Create_PrivateAddressWhenNotAllowed_RefusedAtSave()
    {
        var (kit, receiver, owner, _) = await ArrangeAsync();
        await using var __ = kit;
        await using var ___ = receiver;
        kit.Security.CurrentValue = new SecurityOptions { AllowPrivateNetworkUrls = false };

        var literal = await kit.Service(owner).CreateAsync(new WebhookInput(receiver.Url("/ok"), Ratings, []));
        // A host name that resolves to a private address (as an attacker's DNS would answer).
        var named = await kit.Service(owner, (_, _) => Task.FromResult(new[] { IPAddress.Parse("10.1.2.3") }))
            .CreateAsync(new WebhookInput("https://hooks.example.com/in", Ratings, []));
        var metadata = await kit.Service(owner).CreateAsync(new WebhookInput("http://169.254.169.254/", Ratings, []));

        Assert.Equal(UrlSafety.PrivateNetworkCode, Assert.Single(literal.Errors).Code);
        Assert.Equal(UrlSafety.PrivateNetworkCode, Assert.Single(named.Errors).Code);
        Assert.Equal(UrlSafety.PrivateNetworkCode, Assert.Single(metadata.Errors).Code);
        Assert.Empty(await kit.Service(owner).ListAsync());
    }

    [Fact]
    public async Task Delivery_HostResolvingToPrivateAddressAtSendTime_RefusedBeforeConnecting()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        // Saved while allowed (a LAN install), by host name; refused once private networks are not allowed.
        var hook = await CreateAsync(kit, owner, $"http://localhost:{receiver.BaseUri.Port}/ok");
        kit.Security.CurrentValue = new SecurityOptions { AllowPrivateNetworkUrls = false };
        await kit.EmitAsync(owner, star);

        await kit.Dispatcher.RunOnceAsync();

        var d = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Pending, d.Status);
        Assert.StartsWith("refused: ", d.LastError, StringComparison.Ordinal);
        Assert.Contains("private or reserved", d.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Emit_SameEventTwice_OneDeliveryOneRequest()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/ok"));
        var eventId = Guid.NewGuid();

        Assert.Equal(1, await kit.EmitAsync(owner, star, eventId: eventId));
        Assert.Equal(0, await kit.EmitAsync(owner, star, eventId: eventId));
        await kit.Dispatcher.RunOnceAsync();
        await kit.Dispatcher.RunOnceAsync();

        Assert.Equal(eventId.ToString(), Assert.Single(receiver.Received).EventId);
        Assert.Equal(WebhookDeliveryStatus.Delivered, (await kit.DeliveryAsync(hook.Webhook.Id)).Status);
    }

    [Fact]
    public async Task Emit_OnlyMatchingActiveWebhooksOfTheStarsOwner()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var otherStar = await kit.StarAsync(owner, "别的");
        var stranger = await pg.CreateUserAsync();
        var strangersStar = await kit.StarAsync(stranger);
        var all = await CreateAsync(kit, owner, receiver.Url("/ok"));
        var onlyOther = await CreateAsync(kit, owner, receiver.Url("/ok"), [otherStar]);
        var tasks = await kit.Service(owner).CreateAsync(new WebhookInput(receiver.Url("/ok"), [WebhookEvents.KnowledgeTaskFailed], []));
        var paused = await CreateAsync(kit, owner, receiver.Url("/ok"));
        await kit.Service(owner).SetPausedAsync(paused.Webhook.Id, true);
        await CreateAsync(kit, stranger, receiver.Url("/ok"));

        Assert.Equal(1, await kit.EmitAsync(owner, star));
        Assert.Equal(2, await kit.EmitAsync(owner, otherStar));
        Assert.Equal(1, await kit.EmitAsync(owner, strangersStar));
        Assert.True(tasks.Succeeded);

        await using var db = pg.OwnerContext();
        var counts = await db.Set<WebhookDelivery>().GroupBy(d => d.WebhookId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N);
        Assert.Equal(2, counts[all.Webhook.Id]);
        Assert.Equal(1, counts[onlyOther.Webhook.Id]);
        Assert.False(counts.ContainsKey(tasks.Value!.Webhook.Id));
        Assert.False(counts.ContainsKey(paused.Webhook.Id));
    }

    [Fact]
    public async Task Redeliver_DeliveredEvent_SendsAgainWithTheSameIdAndAdminIsAudited()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/ok"));
        await kit.EmitAsync(owner, star);
        await kit.Dispatcher.RunOnceAsync();
        var delivery = await kit.DeliveryAsync(hook.Webhook.Id);

        var byOwner = await kit.Service(owner).RedeliverAsync(delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Pending, byOwner.Value!.Status);
        await kit.Dispatcher.RunOnceAsync();
        var admin = await pg.CreateAdminAsync();
        Assert.True((await kit.Service(admin).RedeliverAsync(delivery.Id)).Succeeded);
        await kit.Dispatcher.RunOnceAsync();

        Assert.Equal(3, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => (r.EventId, r.Body)).Distinct());
        var after = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Delivered, after.Status);
        Assert.Equal(3, after.Attempts);

        var audits = await pg.Db(admin).RunAsync((db, _) => db.AuditLogs.AsNoTracking()
            .Where(a => a.Action == WebhookAuditActions.Redelivered && a.TargetId == delivery.Id.ToString()).ToListAsync());
        var audit = Assert.Single(audits);
        Assert.Equal(admin.UserId, audit.ActorId);
    }

    [Fact]
    public async Task Redeliver_SomeoneElsesDelivery_NotFound()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/ok"));
        await kit.EmitAsync(owner, star);
        var delivery = await kit.DeliveryAsync(hook.Webhook.Id);
        var other = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.NotFound, (await kit.Service(other).RedeliverAsync(delivery.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await kit.Service(other).DeliveriesAsync(hook.Webhook.Id)).Kind);
        Assert.Empty(await kit.Service(other).ListAsync(everyone: true));
        Assert.Equal(0, await pg.Db(other).RunAsync((db, _) => db.Set<WebhookDelivery>().CountAsync()));

        var admin = await pg.CreateAdminAsync();
        Assert.Contains(await kit.Service(admin).ListAsync(everyone: true), w => w.Id == hook.Webhook.Id);
        Assert.Empty(await kit.Service(admin).ListAsync());
    }

    [Fact]
    public async Task Worker_KilledAfterClaiming_DeliveryComesBackAfterTheLease()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync(lease: TimeSpan.FromSeconds(2));
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/ok"));
        await kit.EmitAsync(owner, star);

        // A worker claims it and dies before sending (nothing records an outcome).
        var claimed = await kit.Dispatcher.ClaimAsync(100, TimeSpan.FromSeconds(2));
        Assert.Contains(claimed, c => c.EventId.ToString() == (JsonDocument.Parse(c.Body).RootElement.GetProperty("id").GetString()));

        // A restarted worker leaves it alone while the lease holds…
        await kit.Dispatcher.RunOnceAsync();
        Assert.Empty(receiver.Received);

        // …and delivers it once it has run out.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await kit.Dispatcher.RunOnceAsync();
        Assert.Single(receiver.Received);
        var d = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status);
        Assert.Equal(2, d.Attempts);
    }

    [Fact]
    public async Task Rotate_DuringOverlap_DeliveryCarriesBothSignatures()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/ok"));

        var rotated = await kit.Service(owner).RotateSecretAsync(hook.Webhook.Id);
        await kit.EmitAsync(owner, star);
        await kit.Dispatcher.RunOnceAsync();

        Assert.NotEqual(hook.Secret, rotated.Value!.Secret);
        Assert.NotNull(rotated.Value.Webhook.RotationOverlapUntil);
        var got = Assert.Single(receiver.Received);
        var body = Encoding.UTF8.GetBytes(got.Body);
        Assert.Equal(2, got.Signature!.Split(",v1=").Length - 1);
        Assert.Equal(SignatureVerdict.Ok, TimestampedSignature.Verify(hook.Secret, got.Signature, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureVerdict.Ok, TimestampedSignature.Verify(rotated.Value.Secret, got.Signature, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

        // After the overlap only the new secret signs.
        await using (var db = pg.OwnerContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE webhooks SET previous_secret_expires_at = now() - interval '1 second' WHERE id = {hook.Webhook.Id}");
        }

        var test = await kit.Service(owner).SendTestAsync(hook.Webhook.Id);
        Assert.True(test.Succeeded);
        await kit.Dispatcher.RunOnceAsync();
        var last = receiver.Received[^1];
        Assert.Equal(WebhookEvents.Test, last.EventType);
        Assert.Equal(1, last.Signature!.Split(",v1=").Length - 1);
        Assert.Equal(SignatureVerdict.BadSignature, TimestampedSignature.Verify(hook.Secret, last.Signature, Encoding.UTF8.GetBytes(last.Body), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Delivery_PastTheRetryWindow_MarkedFailed()
    {
        var (kit, receiver, owner, star) = await ArrangeAsync();
        await using var _ = kit;
        await using var __ = receiver;
        var hook = await CreateAsync(kit, owner, receiver.Url("/500"));
        await kit.EmitAsync(owner, star);
        await using (var db = pg.OwnerContext())
        {
            // Three days old: the trigger keeps created_at, so the owner role moves it with the trigger off for this row.
            await db.Database.ExecuteSqlAsync($"ALTER TABLE webhook_deliveries DISABLE TRIGGER webhook_deliveries_keep_event");
            await db.Database.ExecuteSqlAsync($"UPDATE webhook_deliveries SET created_at = now() - interval '3 days' WHERE webhook_id = {hook.Webhook.Id}");
            await db.Database.ExecuteSqlAsync($"ALTER TABLE webhook_deliveries ENABLE TRIGGER webhook_deliveries_keep_event");
        }

        await kit.Dispatcher.RunOnceAsync();

        var d = await kit.DeliveryAsync(hook.Webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Failed, d.Status);
        Assert.Null(d.NextAttemptAt);
        Assert.Equal("http: 500", d.LastError);
    }
}
