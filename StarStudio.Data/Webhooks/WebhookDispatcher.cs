using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Webhooks;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Webhooks;

/// <summary>
/// The delivery worker's work: claims due deliveries (<c>webhook_deliveries_claim</c>: <c>FOR UPDATE SKIP LOCKED</c>
/// and a lease, so instances split the queue and a killed worker's deliveries come back when the lease ends), sends
/// them in parallel and records each outcome (<c>webhook_delivery_finish</c>, which ignores a worker whose lease was
/// taken over). Both functions are SECURITY DEFINER: the worker acts for every owner and no user is signed in.
/// </summary>
/// <remarks>
/// Delivery is at least once: a worker killed after the receiver answered and before the outcome was written sends the
/// event again after the lease. The event id is the same, so receivers dedupe by it (docs/webhooks.md).
/// </remarks>
public sealed class WebhookDispatcher(
    IDbContextFactory<StarStudioDbContext> contexts,
    WebhookSender sender,
    IDataProtectionProvider protection,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> log)
{
    private readonly IDataProtector protector = protection.CreateProtector(ProtectionPurposes.OutboundWebhookSecret);

    /// <summary>A claimed delivery with what sending it needs.</summary>
    public sealed record Claimed(
        Guid Id, Guid EventId, string EventType, string Body, int Attempt, DateTimeOffset CreatedAt, string Url,
        string SecretProtected, string? PreviousSecretProtected, DateTimeOffset? PreviousSecretExpiresAt);

    /// <summary>Claims one batch, sends it and records the outcomes; returns how many were claimed (0: nothing due).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var settings = options.CurrentValue;
        var batch = await ClaimAsync(settings.BatchSize, settings.Lease, ct);
        if (batch.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.MaxConcurrency), CancellationToken = ct },
            async (d, token) => await DeliverAsync(d, settings, token));
        return batch.Count;
    }

    /// <summary>Claims up to <paramref name="limit"/> due deliveries for <paramref name="lease"/> (tests use it to simulate a crash).</summary>
    public async Task<IReadOnlyList<Claimed>> ClaimAsync(int limit, TimeSpan lease, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT id, event_id, event_type, body, attempts, created_at, url, secret_protected, previous_secret_protected, previous_secret_expires_at
            FROM webhook_deliveries_claim(@limit, @lease)
            """;
        cmd.Parameters.Add(new NpgsqlParameter("limit", limit));
        cmd.Parameters.Add(new NpgsqlParameter("lease", lease));
        var rows = new List<Claimed>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Claimed(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return rows;
    }

    /// <summary>Sends one claimed delivery and records the outcome.</summary>
    public async Task DeliverAsync(Claimed d, WebhookOptions settings, CancellationToken ct)
    {
        WebhookAttemptOutcome outcome;
        try
        {
            var secrets = WebhookRules.SigningSecrets(
                protector.Unprotect(d.SecretProtected),
                d.PreviousSecretProtected is null ? null : protector.Unprotect(d.PreviousSecretProtected),
                d.PreviousSecretExpiresAt,
                clock.GetUtcNow());
            outcome = await sender.SendAsync(d.Url, d.EventId, d.EventType, d.Body, secrets, ct);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            log.LogError(e, "Webhook delivery {DeliveryId}: the signing secret cannot be read (Data Protection keys lost?)", d.Id);
            outcome = new(false, null, 0, new(WebhookAttemptError.Secret, null), null);
        }

        var now = clock.GetUtcNow();
        var next = outcome.Delivered ? null : WebhookRules.NextAttempt(d.Attempt, d.CreatedAt, now, settings.RetryWindow, Random.Shared.NextDouble());
        await FinishAsync(d, outcome, next, CancellationToken.None);
    }

    private async Task FinishAsync(Claimed d, WebhookAttemptOutcome o, DateTimeOffset? next, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlAsync(
            $"SELECT webhook_delivery_finish({d.Id}, {d.Attempt}, {o.Delivered}, {o.HttpStatus}, {o.LatencyMs}, {Truncate(o.Error?.Store(), 1000)}, {o.ResponseExcerpt}, {next})",
            ct);
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>Runs <see cref="WebhookDispatcher"/> in the app process until it stops (every instance may run one).</summary>
public sealed class WebhookDeliveryWorker(WebhookDispatcher dispatcher, IOptionsMonitor<WebhookOptions> options, ILogger<WebhookDeliveryWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await dispatcher.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
            {
                log.LogWarning(e, "Webhook delivery worker: a round failed; trying again shortly");
            }

            if (claimed == 0)
            {
                try
                {
                    await Task.Delay(options.CurrentValue.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
