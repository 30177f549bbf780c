using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;

namespace StarStudio.Data.Market.Subscriptions;

/// <summary>
/// The renewal job's work, as no user: every subscription whose paid period has ended is renewed (the next period charged
/// through <c>skill_subscription_charge</c>, idempotent per period) or expired with a notice — cancelled, renewal off, skill
/// suspended, or balance short. One short transaction per subscription, so a crash loses at most the one in flight and a
/// second run finds nothing left to do twice. Also releases holds of metered calls whose process died mid-call.
/// </summary>
internal sealed partial class SkillSubscriptionRenewal(
    IDbContextFactory<StarStudioDbContext> factory,
    IOptionsMonitor<MarketCallOptions> options,
    TimeProvider clock,
    ILogger<SkillSubscriptionRenewal> log) : ISkillSubscriptionRenewal
{
    private const int Batch = 200;

    /// <summary>A call's hold older than this without its record is released (ten times the longest call, at least 10 minutes).</summary>
    private TimeSpan StaleHold => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(10).Ticks, options.CurrentValue.CallTimeout.Ticks * 10));

    private sealed record Due(
        Guid Id, Guid OwnerId, Guid SkillId, string Status, bool AutoRenew, decimal Price, int PeriodMonths, int PeriodsCharged,
        DateTimeOffset StartedAt, DateTimeOffset? CurrentPeriodEnd, string SkillStatus);

    public async Task<RenewalRun> RunAsync(CancellationToken ct = default)
    {
        int renewed = 0, expired = 0, shortOfBalance = 0;
        var seen = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            List<Due> due;
            await using (var ctx = await factory.CreateDbContextAsync(ct))
            {
                due = await ctx.Database.SqlQuery<Due>($"SELECT * FROM skill_subscriptions_due({now}, {Batch})").ToListAsync(ct);
            }

            // A subscription renewed into a period that has also ended already (the job was down) comes back; take it next run.
            due = due.Where(d => seen.Add(d.Id)).ToList();
            if (due.Count == 0)
            {
                break;
            }

            foreach (var d in due)
            {
                var result = await RenewOneAsync(d, now, ct);
                switch (result)
                {
                    case "charged":
                        renewed++;
                        break;
                    case "insufficient":
                        shortOfBalance++;
                        expired++;
                        break;
                    case "expired":
                        expired++;
                        break;
                }
            }
        }

        await using (var ctx = await factory.CreateDbContextAsync(ct))
        {
            var released = (await ctx.Database.SqlQuery<int>($"SELECT skill_call_release_stale({StaleHold}) AS \"Value\"").ToListAsync(ct)).Single();
            if (released > 0)
            {
                LogReleased(released);
            }
        }

        return new RenewalRun(renewed, expired, shortOfBalance);
    }

    private async Task<string> RenewOneAsync(Due d, DateTimeOffset now, CancellationToken ct)
    {
        await using var ctx = await factory.CreateDbContextAsync(ct);
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        string? notice = d.Status == "cancelled" ? SubscriptionRules.NoticeCancelled
            : d.SkillStatus != "published" ? SubscriptionRules.NoticeSkillSuspended
            : !d.AutoRenew || d.PeriodMonths <= 0 || d.Price <= 0 ? SubscriptionRules.NoticeAutoRenewOff
            : null;
        var outcome = "expired";
        if (notice is null)
        {
            outcome = await SkillSubscriptionService.ChargeAsync(ctx, d.Id, d.PeriodsCharged + 1, d.StartedAt, d.PeriodMonths, d.Price, options.CurrentValue.PlatformFeePercent, ct);
            if (outcome == "insufficient")
            {
                notice = SubscriptionRules.NoticeBalanceShort;
            }
            else if (outcome != "charged")
            {
                // 'already': another run renewed it meanwhile; nothing to do.
                await tx.CommitAsync(ct);
                return outcome;
            }
            else
            {
                // The job acts as nobody; the owner's identity, for the rest of this transaction, lets it read the
                // subscription it just charged (the event commits with the charge).
                await Infrastructure.StarStudioDb.SetUserAsync(ctx, Core.Common.UserContext.For(d.OwnerId), ct);
                await global::StarStudio.Data.Webhooks.WebhookEmitters.EmitSubscriptionAsync(ctx, StarStudio.Core.Webhooks.WebhookEvents.SubscriptionRenewed, d.Id, now, ct);
            }
        }

        if (notice is not null)
        {
            var expiredNow = (await ctx.Database.SqlQuery<bool>(
                $"SELECT skill_subscription_expire({d.Id}, {now}, {notice}, {notice == SubscriptionRules.NoticeBalanceShort}) AS \"Value\"").ToListAsync(ct)).Single();
            if (!expiredNow)
            {
                outcome = "already";
            }
        }

        await tx.CommitAsync(ct);
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released {Count} hold(s) of skill calls that were never recorded")]
    private partial void LogReleased(int count);
}
