using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing;

namespace StarStudio.Data.Billing;

/// <summary>
/// The one way Data's services move points and money: PostgreSQL functions (<c>wallet_post</c>, <c>wallet_freeze</c>,
/// <c>wallet_settle</c>, <c>wallet_release</c>) that lock the user's <c>user_balance</c> row, refuse or replay by
/// idempotency key, and write the ledger row and the balance together. Call them inside the caller's transaction
/// (<see cref="Infrastructure.StarStudioDb.RunAsync{T}"/>) so the booking commits or rolls back with the caller's own rows
/// (a redeem usage, a claim, an order status). Authorization is the caller's job: the functions move money between any
/// users (a referral rewards the inviter while the invitee acts), so the app role cannot write the wallet tables itself.
/// </summary>
public static class WalletPostings
{
    /// <summary>Books <paramref name="posting"/>, or replays the first booking of its key, or says why not.</summary>
    /// <exception cref="ArgumentException">The posting fails <see cref="WalletRules.Validate"/> (a programming error).</exception>
    public static async Task<LedgerResult> PostAsync(StarStudioDbContext db, LedgerPosting posting, CancellationToken ct = default)
    {
        var errors = WalletRules.Validate(posting);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid ledger posting {posting.Key}: {string.Join(", ", errors.Select(e => e.Code))}", nameof(posting));
        }

        var rows = await db.Database.SqlQuery<WalletPostRow>($"""
            SELECT * FROM wallet_post({posting.Key}, {posting.UserId}, {WalletSql.Label(posting.Currency)}, {posting.Amount},
                {WalletSql.Label(posting.Source)}, {posting.ReferenceType}, {posting.ReferenceId}, {posting.Memo})
            """).ToListAsync(ct);
        return rows.Single().ToResult();
    }

    /// <summary>Freezes <paramref name="amount"/> of the user's available balance under <paramref name="holdKey"/> (idempotent).</summary>
    public static async Task<LedgerResult> FreezeAsync(StarStudioDbContext db, string holdKey, Guid userId, decimal amount, string? referenceType = null, string? referenceId = null, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQuery<WalletPostRow>($"""
            SELECT * FROM wallet_freeze({holdKey}, {userId}, {amount}, {referenceType}, {referenceId})
            """).ToListAsync(ct);
        return rows.Single().ToResult();
    }

    /// <summary>
    /// Settles a hold: books a debit of <paramref name="amount"/> (at most the held amount) with source
    /// <paramref name="source"/> under the key <c>{holdKey}:settle</c> and unfreezes the whole hold. Idempotent.
    /// </summary>
    public static async Task<LedgerResult> SettleAsync(StarStudioDbContext db, string holdKey, decimal amount, LedgerSource source, string? memo = null, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQuery<WalletPostRow>($"""
            SELECT * FROM wallet_settle({holdKey}, {amount}, {WalletSql.Label(source)}, {memo})
            """).ToListAsync(ct);
        return rows.Single().ToResult();
    }

    /// <summary>Releases a hold without a charge. Idempotent; a settled hold stays settled (returns <see cref="LedgerOutcome.KeyConflict"/>).</summary>
    public static async Task<LedgerResult> ReleaseAsync(StarStudioDbContext db, string holdKey, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQuery<WalletPostRow>($"""
            SELECT * FROM wallet_release({holdKey})
            """).ToListAsync(ct);
        return rows.Single().ToResult();
    }
}
