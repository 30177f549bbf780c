using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>Reading wallets and ledger rows past RLS, for assertions.</summary>
internal static class GrowthTestData
{
    public static async Task<long> PointsAsync(PostgresDatabase pg, Guid user)
    {
        await using var db = pg.OwnerContext();
        return await db.UserBalances.Where(b => b.UserId == user).Select(b => (long?)b.Points).SingleOrDefaultAsync() ?? 0;
    }

    public static async Task<List<(string Key, decimal Amount, LedgerSource Source)>> LedgerAsync(PostgresDatabase pg, Guid user)
    {
        await using var db = pg.OwnerContext();
        var rows = await db.WalletLedger.Where(l => l.UserId == user).OrderBy(l => l.Seq)
            .Select(l => new { l.WalletLedgerId, l.AmountDelta, l.SourceType }).ToListAsync();
        return rows.Select(r => (r.WalletLedgerId, r.AmountDelta, r.SourceType)).ToList();
    }

    public static async Task AssertLedgerSumsToWalletsAsync(PostgresDatabase pg)
    {
        await using var db = pg.OwnerContext();
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM wallet_audit()").SingleAsync());
    }
}
