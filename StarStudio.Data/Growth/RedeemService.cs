using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth;

/// <summary>
/// Redeeming codes as the current user. Codes are invisible to users except the one they typed: the transaction names
/// it in <c>app.redeem_code</c>, which the read policy compares with. The code's row is locked for the whole redemption,
/// so concurrent redeems of one code are counted one after another and never pass <c>max_uses</c>.
/// </summary>
internal sealed class RedeemService(StarStudioDb db, TimeProvider clock) : IRedeemService
{
    public async Task<Result<RedeemResult>> RedeemAsync(string code, CancellationToken ct = default)
    {
        if (RedeemCodeRules.Read(code, RedeemErrors.Empty, RedeemErrors.Unknown, out var normalized) is { } refused)
        {
            return Result<RedeemResult>.Invalid("Code", refused);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<RedeemResult>.Forbidden();
            }

            await ctx.Database.ExecuteSqlAsync($"SELECT set_config('app.redeem_code', {normalized}, true)", ct);
            var row = await ctx.RedeemCodes.FromSql($"SELECT * FROM profile_redeem_code WHERE code = {normalized} FOR UPDATE")
                .AsNoTracking().FirstOrDefaultAsync(ct);
            if (row is null)
            {
                return Result<RedeemResult>.Invalid("Code", RedeemErrors.Unknown);
            }

            var now = clock.GetUtcNow();
            var used = await ctx.RedeemCodeUsages.AnyAsync(u => u.Code == normalized && u.UserId == me, ct);
            if (RedeemCodeRules.Refusal(row, me, used, now) is { } refusal)
            {
                return Result<RedeemResult>.Invalid("Code", refusal);
            }

            var key = RedeemCodeRules.UsageKey(normalized, me);
            var tx = ctx.Database.CurrentTransaction!;
            await tx.CreateSavepointAsync("redeem", ct);
            ctx.RedeemCodeUsages.Add(new RedeemCodeUsage { UsageId = key, Code = normalized, UserId = me, AmountGranted = row.RewardPoints, CreatedAt = now });
            await ctx.SaveChangesAsync(ct);
            await ctx.Database.ExecuteSqlAsync($"""
                UPDATE profile_redeem_code SET global_used_count = global_used_count + 1, updated_at = {now} WHERE code = {normalized}
                """, ct);
            var booked = await WalletPostings.PostAsync(ctx,
                new LedgerPosting(key, me, WalletCurrency.Points, row.RewardPoints, LedgerSource.RedeemCode, "redeem_code", normalized), ct);
            if (!booked.Booked)
            {
                await tx.RollbackToSavepointAsync("redeem", ct);
                return Result<RedeemResult>.Invalid("Code", booked.ErrorCode!);
            }

            return Result<RedeemResult>.Ok(new RedeemResult(normalized, row.RewardPoints));
        }, ct);
    }
}
