namespace StarStudio.Data.Billing;

/// <summary>
/// The database side of the wallet (docs/wallet.md), created by the <c>WalletLedger</c> migration. PostgreSQL, not C#,
/// guarantees the money rules:
/// <list type="bullet">
/// <item>the idempotency key is the ledger row's primary key, and a replay returns the first row;</item>
/// <item>no negative balance, no frozen part above the balance, whole points (check constraints);</item>
/// <item>the rows of a user's currency chain (each <c>balance_before</c> is the previous row's <c>balance_after</c>), and
/// the wallet column equals the last row's <c>balance_after</c> at commit (a deferred constraint trigger), so the ledger
/// sums to the balance by construction;</item>
/// <item>ledger rows never change; the app role cannot write the three tables at all: it books through
/// <c>wallet_post</c>, <c>wallet_freeze</c>, <c>wallet_settle</c> and <c>wallet_release</c>.</item>
/// </list>
/// </summary>
public static class WalletSchema
{
    /// <summary>
    /// Wallet tables without FORCE ROW LEVEL SECURITY: the wallet functions run as the owner and must write them for any
    /// user (a referral credits the inviter while the invitee acts). The app role reads them through RLS and cannot write.
    /// </summary>
    /// <remarks>The same tables are read-only for the app role: the migrator revokes its writes after the blanket grant.</remarks>
    public static readonly string[] NotForced = ["profile_wallet_ledger", "user_balance", "wallet_holds"];
}
