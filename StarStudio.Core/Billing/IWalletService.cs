using StarStudio.Core.Common;

namespace StarStudio.Core.Billing;

/// <summary>Reading wallets and ledgers (a user's own; any for admins) and admins' manual adjustments.</summary>
/// <remarks>Features that earn or spend (tasks, codes, orders, usage) book through Data's <c>WalletPostings</c> inside their own transaction.</remarks>
public interface IWalletService
{
    /// <summary>The current user's wallet (zeros before the first booking).</summary>
    Task<Result<WalletSnapshot>> GetMineAsync(CancellationToken ct = default);

    /// <summary>
    /// One page of a ledger, newest first, by keyset: pass the previous page's <see cref="LedgerPage.NextBefore"/>.
    /// <paramref name="userId"/> null means the current user's; another user's needs an admin.
    /// </summary>
    Task<Result<LedgerPage>> GetLedgerAsync(WalletCurrency currency, long? before, int pageSize, Guid? userId = null, CancellationToken ct = default);

    /// <summary>The closing value and the credits and debits of each Beijing day of the last <paramref name="dayCount"/> days (every day present).</summary>
    Task<Result<IReadOnlyList<DailyBalance>>> GetDailyBalancesAsync(WalletCurrency currency, int dayCount, CancellationToken ct = default);

    /// <summary>Admins: users whose e-mail or display name contains <paramref name="query"/>, with their wallets.</summary>
    Task<Result<IReadOnlyList<UserWallet>>> FindUsersAsync(string query, CancellationToken ct = default);

    /// <summary>Admins: credits or debits a user's points or balance with a reason; idempotent by <see cref="WalletAdjustment.RequestId"/>.</summary>
    Task<Result<LedgerEntry>> AdjustAsync(WalletAdjustment adjustment, CancellationToken ct = default);
}

/// <summary>A page of ledger rows and the cursor of the next (older) page, null at the end.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Items, long? NextBefore);

/// <summary>One Beijing day of a currency: where it closed, what came in and what went out.</summary>
public sealed record DailyBalance(DateOnly Day, decimal Closing, decimal Credited, decimal Debited);

/// <summary>A user as the admin adjustment page lists them.</summary>
public sealed record UserWallet(Guid UserId, string Email, string DisplayName, WalletSnapshot Wallet);

/// <summary>An admin's manual change of a wallet. <paramref name="RequestId"/> is fixed per form, so a double submit books once.</summary>
public sealed record WalletAdjustment(Guid UserId, WalletCurrency Currency, decimal Amount, string Reason, Guid RequestId);
