using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Usage;
using StarStudio.Core.Common;
using StarStudio.Data.Billing.Membership;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Billing.Usage;

/// <summary>
/// Charges unbilled usage records to their star owner's balance, one batch (≤ <see cref="BatchSize"/> records of one owner)
/// per transaction: the records are marked billed and the ledger debit (<see cref="UsagePricing.BatchKey"/>, source
/// <see cref="LedgerSource.ModelUsage"/>) booked together, so a crash leaves a batch wholly billed or wholly not, and a second
/// run (or a concurrent one, which waits on the records' row locks) finds nothing left to bill. A batch the balance cannot
/// cover is not booked: its records stay unbilled, the owner is marked in arrears, and the next run tries again.
/// </summary>
/// <remarks>
/// Runs as no signed-in user: the records of every owner are found through <c>usage_billing_due</c> and marked through
/// <c>usage_billing_mark</c> (SECURITY DEFINER, migration <c>Billing</c>); each batch's transaction acts as its owner, so the
/// owner's membership (discount) is read under RLS.
/// </remarks>
internal sealed partial class UsageBilling(IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock, ILogger<UsageBilling> log) : IUsageBilling
{
    public const int BatchSize = 500;

    /// <summary>Pages of due records one run takes at most; the next run takes the rest.</summary>
    public const int MaxRounds = 50;

    public async Task<UsageBillingRun> ChargePendingUsageAsync(CancellationToken ct = default)
    {
        int batches = 0, records = 0, arrears = 0;
        var charged = 0m;
        var skip = new List<Guid>();
        for (var round = 0; round < MaxRounds; round++)
        {
            List<DueRow> due;
            await using (var ctx = await factory.CreateDbContextAsync(ct))
            {
                due = await ctx.Database.SqlQuery<DueRow>($"SELECT * FROM usage_billing_due({BatchSize}, {skip.ToArray()})").ToListAsync(ct);
            }

            if (due.Count == 0)
            {
                break;
            }

            foreach (var batch in due.GroupBy(r => r.OwnerId))
            {
                var outcome = await ChargeBatchAsync(batch.Key, batch.ToList(), ct);
                switch (outcome.Kind)
                {
                    case BatchKind.Billed:
                        batches++;
                        records += outcome.Records;
                        charged += outcome.Amount;
                        break;
                    case BatchKind.Arrears:
                        arrears++;
                        skip.Add(batch.Key);
                        break;
                    default:
                        // Billed meanwhile by another run: the next page no longer holds those records.
                        break;
                }
            }
        }

        return new UsageBillingRun(batches, records, charged, arrears);
    }

    private async Task<(BatchKind Kind, int Records, decimal Amount)> ChargeBatchAsync(Guid owner, List<DueRow> rows, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var costs = rows.Select(r =>
        {
            var (priceIn, priceOut) = ChatModelResolver.EffectivePrices(r.PriceIn ?? 0, r.PriceOut ?? 0, r.DefaultParams);
            return UsagePricing.Cost(r.TokensIn, r.TokensOut, priceIn, priceOut);
        }).ToArray();
        var ids = rows.Select(r => r.Id).ToArray();
        var key = UsagePricing.BatchKey(ids[0]);

        await using var ctx = await factory.CreateDbContextAsync(ct);
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        await StarStudioDb.SetUserAsync(ctx, UserContext.For(owner), ct);
        var benefits = await MembershipBenefitsQuery.ForAsync(ctx, owner, now, ct);
        var amount = UsagePricing.Charge(costs, benefits.UsageDiscountPercent);

        // Marking first takes the records' row locks: a concurrent run's mark waits here, then finds them billed.
        var marked = await ctx.Database.SqlQuery<int>($"""
            SELECT usage_billing_mark({owner}, {ids}, {costs}, {(amount > 0 ? key : "")}, {now}) AS "Value"
            """).SingleAsync(ct);
        if (marked != ids.Length)
        {
            await tx.RollbackAsync(ct);
            return (BatchKind.Skipped, 0, 0);
        }

        if (amount > 0)
        {
            var booked = await WalletPostings.PostAsync(ctx, new LedgerPosting(
                key, owner, WalletCurrency.Balance, -amount, LedgerSource.ModelUsage, "usage_batch", key,
                $"{ids.Length} model calls" + (benefits.UsageDiscountPercent > 0 ? $", {benefits.UsageDiscountPercent}% member discount" : "")), ct);
            if (!booked.Booked)
            {
                await tx.RollbackAsync(ct);
                if (booked.Outcome == LedgerOutcome.Insufficient)
                {
                    await SetArrearsAsync(owner, amount, ids.Length, now, ct);
                    LogArrears(log, owner, amount, ids.Length);
                    return (BatchKind.Arrears, 0, 0);
                }

                LogRefused(log, owner, key, booked.Outcome);
                return (BatchKind.Skipped, 0, 0);
            }
        }

        await ctx.Database.ExecuteSqlAsync($"SELECT usage_billing_arrears_set({owner}, {0m}, 0, {now})", ct);
        await tx.CommitAsync(ct);
        return (BatchKind.Billed, ids.Length, amount);
    }

    private async Task SetArrearsAsync(Guid owner, decimal amount, int count, DateTimeOffset now, CancellationToken ct)
    {
        await using var ctx = await factory.CreateDbContextAsync(ct);
        await ctx.Database.ExecuteSqlAsync($"SELECT usage_billing_arrears_set({owner}, {amount}, {count}, {now})", ct);
    }

    private enum BatchKind
    {
        Billed,
        Arrears,
        Skipped,
    }

    private sealed record DueRow(Guid Id, Guid OwnerId, int TokensIn, int TokensOut, decimal? PriceIn, decimal? PriceOut, string? DefaultParams);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage billing: owner {OwnerId} cannot cover {Amount} for {Records} records; left unbilled, in arrears")]
    private static partial void LogArrears(ILogger logger, Guid ownerId, decimal amount, int records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage billing: the ledger refused batch {Key} of owner {OwnerId}: {Outcome}")]
    private static partial void LogRefused(ILogger logger, Guid ownerId, string key, LedgerOutcome outcome);
}
