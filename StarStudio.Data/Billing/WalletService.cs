using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Billing;

/// <summary>Reads wallets and ledgers as the current user (RLS keeps them to their own, or all for admins) and books admins' adjustments.</summary>
internal sealed class WalletService(StarStudioDb db, TimeProvider clock, IClientAddress? clientAddress = null) : IWalletService
{
    public const int MaxPageSize = 200;
    public const int MaxChartDays = 366;

    public Task<Result<WalletSnapshot>> GetMineAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<WalletSnapshot>.Forbidden();
            }

            return Result<WalletSnapshot>.Ok(await SnapshotAsync(ctx, me, ct));
        }, ct);

    public Task<Result<LedgerPage>> GetLedgerAsync(WalletCurrency currency, long? before, int pageSize, Guid? userId = null, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me || (userId is { } other && other != me && !user.IsAdmin))
            {
                return Result<LedgerPage>.Forbidden();
            }

            var owner = userId ?? me;
            var size = Math.Clamp(pageSize, 1, MaxPageSize);
            var query = ctx.WalletLedger.AsNoTracking().Where(l => l.UserId == owner && l.Currency == currency);
            if (before is { } cursor)
            {
                query = query.Where(l => l.Seq < cursor);
            }

            var rows = await query.OrderByDescending(l => l.Seq).Take(size + 1).ToListAsync(ct);
            var items = rows.Take(size).Select(r => r.ToEntry()).ToList();
            return Result<LedgerPage>.Ok(new LedgerPage(items, rows.Count > size ? items[^1].Seq : null));
        }, ct);

    public Task<Result<IReadOnlyList<DailyBalance>>> GetDailyBalancesAsync(WalletCurrency currency, int dayCount, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<IReadOnlyList<DailyBalance>>.Forbidden();
            }

            var span = Math.Clamp(dayCount, 1, MaxChartDays);
            var last = BeijingTime.Day(clock.GetUtcNow());
            var first = last.AddDays(1 - span);
            var since = BeijingTime.StartOf(first).ToUniversalTime();
            var label = WalletSql.Label(currency);

            // The first row of the window tells where the window opened; days come from Beijing midnights.
            var booked = await ctx.Database.SqlQuery<DailyRow>($"""
                SELECT (l.created_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                       (array_agg(l.balance_after ORDER BY l.seq DESC))[1] AS closing,
                       (array_agg(l.balance_before ORDER BY l.seq))[1] AS opening,
                       COALESCE(sum(l.amount_delta) FILTER (WHERE l.amount_delta > 0), 0) AS credited,
                       COALESCE(-sum(l.amount_delta) FILTER (WHERE l.amount_delta < 0), 0) AS debited
                FROM profile_wallet_ledger l
                WHERE l.user_id = {me} AND l.currency = {label}::wallet_currency AND l.created_at >= {since}
                GROUP BY 1 ORDER BY 1
                """).ToListAsync(ct);
            decimal opening;
            if (booked.Count > 0)
            {
                opening = booked[0].Opening;
            }
            else
            {
                var snapshot = await SnapshotAsync(ctx, me, ct);
                opening = currency == WalletCurrency.Points ? snapshot.Points : snapshot.Balance;
            }

            var days = WalletAdjustmentRules.FillDays(first, last, opening,
                booked.Select(b => new DailyBalance(DateOnly.FromDateTime(b.Day), b.Closing, b.Credited, b.Debited)).ToList());
            return Result<IReadOnlyList<DailyBalance>>.Ok(days);
        }, ct);

    public Task<Result<IReadOnlyList<UserWallet>>> FindUsersAsync(string query, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<UserWallet>>.Forbidden();
            }

            var text = (query ?? "").Trim();
            if (text.Length == 0)
            {
                return Result<IReadOnlyList<UserWallet>>.Ok([]);
            }

            var pattern = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            var users = await ctx.Users.AsNoTracking()
                .Where(u => EF.Functions.ILike(u.Email!, pattern, "\\") || EF.Functions.ILike(u.DisplayName, pattern, "\\"))
                .OrderBy(u => u.Email).Take(20)
                .Select(u => new { u.Id, u.Email, u.DisplayName })
                .ToListAsync(ct);
            var ids = users.Select(u => u.Id).ToList();
            var wallets = await ctx.UserBalances.AsNoTracking().Where(w => ids.Contains(w.UserId)).ToDictionaryAsync(w => w.UserId, ct);
            return Result<IReadOnlyList<UserWallet>>.Ok(users
                .Select(u => new UserWallet(u.Id, u.Email ?? "", u.DisplayName,
                    wallets.TryGetValue(u.Id, out var w) ? new WalletSnapshot(u.Id, w.Points, w.Balance, w.FrozenBalance) : WalletSnapshot.Empty(u.Id)))
                .ToList());
        }, ct);

    public Task<Result<LedgerEntry>> AdjustAsync(WalletAdjustment adjustment, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<LedgerEntry>.Forbidden();
            }

            var errors = WalletAdjustmentRules.Validate(adjustment);
            if (errors.Count > 0)
            {
                return Result<LedgerEntry>.Invalid(errors);
            }

            var email = await ctx.Users.Where(u => u.Id == adjustment.UserId).Select(u => new { u.Email }).FirstOrDefaultAsync(ct);
            if (email is null)
            {
                return Result<LedgerEntry>.NotFound();
            }

            var result = await WalletPostings.PostAsync(ctx, new LedgerPosting(
                WalletAdjustmentRules.Key(adjustment.RequestId), adjustment.UserId, adjustment.Currency, adjustment.Amount,
                LedgerSource.AdminAdjustment, "admin", user.UserId!.Value.ToString(), adjustment.Reason.Trim()), ct);
            if (result.Outcome == LedgerOutcome.Posted && result.Entry is { } entry)
            {
                // A replay of the same request id books nothing new and is not recorded again.
                var currency = entry.Currency.ToString().ToLowerInvariant();
                await AuditTrail.AppendAsync(ctx, new StarStudio.Core.Audit.AuditEvent(StarStudio.Core.Audit.AuditActions.WalletAdjusted, StarStudio.Core.Audit.AuditTargets.Wallet,
                    adjustment.UserId.ToString(), email.Email,
                    Before: new { currency, balance = entry.BalanceBefore },
                    After: new { currency, balance = entry.BalanceAfter, amount = entry.Amount, ledgerKey = entry.Key },
                    Reason: adjustment.Reason.Trim()), clientAddress?.Get(), ct);
            }

            return result.Booked
                ? Result<LedgerEntry>.Ok(result.Entry!)
                : Result<LedgerEntry>.Invalid(nameof(WalletAdjustment.Amount), result.ErrorCode!);
        }, ct);

    private static async Task<WalletSnapshot> SnapshotAsync(StarStudioDbContext ctx, Guid userId, CancellationToken ct)
    {
        var w = await ctx.UserBalances.AsNoTracking().SingleOrDefaultAsync(b => b.UserId == userId, ct);
        return w is null ? WalletSnapshot.Empty(userId) : new WalletSnapshot(userId, w.Points, w.Balance, w.FrozenBalance);
    }

    private sealed record DailyRow(DateTime Day, decimal Closing, decimal Opening, decimal Credited, decimal Debited);
}

/// <summary>Registers the wallet.</summary>
public static class WalletServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioWallet(this IServiceCollection services) =>
        services.AddScoped<IWalletService, WalletService>();
}
