using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Data.Billing;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>The wallet functions and constraints on the real PostgreSQL, as the app role books through them.</summary>
public sealed class WalletLedgerTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private Task<LedgerResult> PostAsync(UserContext actor, LedgerPosting posting) =>
        pg.Db(actor).RunAsync((db, _) => WalletPostings.PostAsync(db, posting));

    private static LedgerPosting Points(Guid user, string key, long amount, LedgerSource source = LedgerSource.DailyTask) =>
        new(key, user, WalletCurrency.Points, amount, source);

    private static LedgerPosting Money(Guid user, string key, decimal amount, LedgerSource source = LedgerSource.Recharge) =>
        new(key, user, WalletCurrency.Balance, amount, source);

    private async Task<(long Points, decimal Balance, decimal Frozen, int Rows)> StateAsync(Guid user)
    {
        await using var db = pg.OwnerContext();
        var w = await db.UserBalances.SingleOrDefaultAsync(b => b.UserId == user);
        var rows = await db.WalletLedger.CountAsync(l => l.UserId == user);
        return (w?.Points ?? 0, w?.Balance ?? 0, w?.FrozenBalance ?? 0, rows);
    }

    private async Task AssertLedgerSumsToWalletAsync()
    {
        await using var db = pg.OwnerContext();
        var mismatches = await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM wallet_audit()").SingleAsync();
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public async Task Post_CreditsAndDebits_KeepBalanceAfterAndTheWalletInStep()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;

        var credit = await PostAsync(u, Points(id, $"t:{id}:1", 10, LedgerSource.Registration));
        var debit = await PostAsync(u, Points(id, $"t:{id}:2", -4));

        Assert.Equal(LedgerOutcome.Posted, credit.Outcome);
        Assert.Equal((0m, 10m), (credit.Entry!.BalanceBefore, credit.Entry.BalanceAfter));
        Assert.Equal((10m, 6m), (debit.Entry!.BalanceBefore, debit.Entry.BalanceAfter));
        Assert.True(debit.Entry.Seq > credit.Entry.Seq);
        Assert.Equal(u.UserId, debit.Entry.UserId);
        Assert.Equal((6L, 0m, 0m, 2), await StateAsync(id));
        await AssertLedgerSumsToWalletAsync();
    }

    [Fact]
    public async Task Post_SameKeyAgain_ReturnsTheFirstRowAndBooksNothing()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;
        var key = WalletRules.RegistrationKey(id);

        var first = await PostAsync(u, Points(id, key, 10, LedgerSource.Registration));
        var again = await PostAsync(u, Points(id, key, 10, LedgerSource.Registration));

        Assert.Equal(LedgerOutcome.Posted, first.Outcome);
        Assert.Equal(LedgerOutcome.Replayed, again.Outcome);
        Assert.Equal(first.Entry, again.Entry);
        Assert.Equal((10L, 0m, 0m, 1), await StateAsync(id));
    }

    [Fact]
    public async Task Post_SameKeyWithAnotherAmount_IsAConflictAndBooksNothing()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;
        await PostAsync(u, Points(id, $"k:{id}", 10));

        var other = await PostAsync(u, Points(id, $"k:{id}", 11));
        var money = await PostAsync(u, Money(id, $"k:{id}", 10));

        Assert.Equal(LedgerOutcome.KeyConflict, other.Outcome);
        Assert.Equal(WalletRules.KeyConflictCode, other.ErrorCode);
        Assert.Equal(LedgerOutcome.KeyConflict, money.Outcome);
        Assert.Equal((10L, 0m, 0m, 1), await StateAsync(id));
    }

    [Fact]
    public async Task Post_SpendBeyondTheBalance_IsRefusedAndBooksNothing()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;
        await PostAsync(u, Money(id, $"r:{id}", 5.5m));

        var spend = await PostAsync(u, Money(id, $"s:{id}", -5.5001m, LedgerSource.ModelUsage));
        var points = await PostAsync(u, Points(id, $"p:{id}", -1));

        Assert.Equal(LedgerOutcome.Insufficient, spend.Outcome);
        Assert.Equal(WalletRules.InsufficientCode, spend.ErrorCode);
        Assert.Null(spend.Entry);
        Assert.Equal(LedgerOutcome.Insufficient, points.Outcome);
        Assert.Equal((0L, 5.5m, 0m, 1), await StateAsync(id));

        // The refused key is free: the same spend within the balance books.
        Assert.Equal(LedgerOutcome.Posted, (await PostAsync(u, Money(id, $"s2:{id}", -5.5m, LedgerSource.ModelUsage))).Outcome);
        Assert.Equal(0m, (await StateAsync(id)).Balance);
    }

    [Fact]
    public async Task Post_ACrashAfterBookingInsideTheCallersTransaction_LeavesNeitherRowNorBalance()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;

        await Assert.ThrowsAsync<InvalidOperationException>(() => pg.Db(u).RunAsync(async (db, _) =>
        {
            var booked = await WalletPostings.PostAsync(db, Points(id, $"c:{id}", 10));
            Assert.Equal(LedgerOutcome.Posted, booked.Outcome);
            throw new InvalidOperationException("crash between the ledger row and the caller's own rows");
        }));

        Assert.Equal((0L, 0m, 0m, 0), await StateAsync(id));
        Assert.Equal(LedgerOutcome.Posted, (await PostAsync(u, Points(id, $"c:{id}", 10))).Outcome);
    }

    [Fact]
    public async Task Post_AdminSourcesByANonAdmin_AreRefusedByTheDatabase()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;

        var ex = await Assert.ThrowsAsync<PostgresException>(() => PostAsync(u, Points(id, $"a:{id}", 1000, LedgerSource.AdminAdjustment)));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        await Assert.ThrowsAsync<PostgresException>(() => PostAsync(u, Money(id, $"f:{id}", 1000, LedgerSource.Refund)));

        var admin = await pg.CreateAdminAsync();
        Assert.Equal(LedgerOutcome.Posted, (await PostAsync(admin, Points(id, $"a:{id}", 5, LedgerSource.AdminAdjustment))).Outcome);
    }

    [Fact]
    public async Task TheAppRole_CannotWriteTheWalletTablesDirectly()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;
        await PostAsync(u, Points(id, $"d:{id}", 10));

        foreach (var sql in new[]
        {
            $"UPDATE user_balance SET points = 1000000 WHERE user_id = '{id}'",
            $"INSERT INTO profile_wallet_ledger (wallet_ledger_id, user_id, currency, amount_delta, balance_before, balance_after, source_type) VALUES ('x:{id}', '{id}', 'points', 5, 10, 15, 'daily_task')",
            $"DELETE FROM profile_wallet_ledger WHERE user_id = '{id}'",
            $"INSERT INTO wallet_holds (hold_id, user_id, amount, status) VALUES ('h:{id}', '{id}', 1, 'held')",
        })
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(u).RunAsync((db, _) => db.Database.ExecuteSqlRawAsync(sql)));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        Assert.Equal((10L, 0m, 0m, 1), await StateAsync(id));
    }

    [Fact]
    public async Task EvenTheOwner_CannotMoveTheWalletAwayFromItsLedger()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;
        await PostAsync(u, Points(id, $"o:{id}", 10));

        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        async Task<string> RefusalAsync(string sql)
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, conn).ExecuteNonQueryAsync());
            return ex.SqlState;
        }

        // A balance without a ledger row fails at commit; a row off the chain, a changed row, a negative balance at once.
        Assert.Equal(PostgresErrorCodes.CheckViolation, await RefusalAsync($"UPDATE user_balance SET points = 11 WHERE user_id = '{id}'"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, await RefusalAsync(
            $"INSERT INTO profile_wallet_ledger (wallet_ledger_id, user_id, currency, amount_delta, balance_before, balance_after, source_type) VALUES ('y:{id}', '{id}', 'points', 5, 0, 5, 'daily_task')"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RefusalAsync($"UPDATE profile_wallet_ledger SET amount_delta = 100 WHERE user_id = '{id}'"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, await RefusalAsync($"UPDATE user_balance SET frozen_balance = 1 WHERE user_id = '{id}'"));
        Assert.Equal((10L, 0m, 0m, 1), await StateAsync(id));
    }

    [Fact]
    public async Task ConcurrentPostings_WithDuplicateKeys_BookEachKeyOnce_AndTheLedgerSumsToTheWallet()
    {
        var users = new List<UserContext>();
        for (var i = 0; i < 4; i++)
        {
            users.Add(await pg.CreateUserAsync());
        }

        // 600 operations from 32 workers: credits, spends and duplicates of earlier keys (every fifth operation).
        const int Operations = 600;
        var next = -1;
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<(string Key, LedgerOutcome Outcome)>();
        var workers = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < Operations)
            {
                var op = n % 5 == 4 ? n - 2 : n;
                var user = users[op % users.Count];
                var id = user.UserId!.Value;
                var posting = op % 3 == 2
                    ? Money(id, $"spend:{op}", -1.25m, LedgerSource.ModelUsage)
                    : op % 3 == 1 ? Points(id, $"grant:{op}", 3) : Money(id, $"recharge:{op}", 2.5m);
                var result = await PostAsync(user, posting);
                outcomes.Add((posting.Key, result.Outcome));
            }
        })).ToList();
        await Task.WhenAll(workers);

        var booked = outcomes.Where(o => o.Outcome == LedgerOutcome.Posted).Select(o => o.Key).ToList();
        Assert.Equal(booked.Count, booked.Distinct().Count());
        Assert.DoesNotContain(outcomes, o => o.Outcome == LedgerOutcome.KeyConflict);
        await using var db = pg.OwnerContext();
        var ids = users.Select(u => u.UserId!.Value).ToList();
        Assert.Equal(booked.Count, await db.WalletLedger.CountAsync(l => ids.Contains(l.UserId)));
        Assert.False(await db.UserBalances.AnyAsync(w => w.Balance < 0 || w.Points < 0));
        await AssertLedgerSumsToWalletAsync();
    }

    [Fact]
    public async Task Holds_FreezeThenSettleOrRelease_MoveOnlyTheSettledAmount()
    {
        var u = await pg.CreateUserAsync();
        var id = u.UserId!.Value;
        await PostAsync(u, Money(id, $"in:{id}", 10m));
        var db = pg.Db(u);

        Assert.Equal(LedgerOutcome.Posted, (await db.RunAsync((c, _) => WalletPostings.FreezeAsync(c, $"h1:{id}", id, 6m))).Outcome);
        Assert.Equal(LedgerOutcome.Replayed, (await db.RunAsync((c, _) => WalletPostings.FreezeAsync(c, $"h1:{id}", id, 6m))).Outcome);
        Assert.Equal(LedgerOutcome.Insufficient, (await db.RunAsync((c, _) => WalletPostings.FreezeAsync(c, $"h2:{id}", id, 4.01m))).Outcome);
        Assert.Equal((0L, 10m, 6m, 1), await StateAsync(id));

        // Frozen money cannot be spent elsewhere.
        Assert.Equal(LedgerOutcome.Insufficient, (await PostAsync(u, Money(id, $"x:{id}", -4.5m, LedgerSource.ModelUsage))).Outcome);

        var settled = await db.RunAsync((c, _) => WalletPostings.SettleAsync(c, $"h1:{id}", 2.5m, LedgerSource.SkillUsage));
        Assert.Equal(LedgerOutcome.Posted, settled.Outcome);
        Assert.Equal((-2.5m, 7.5m, $"h1:{id}:settle"), (settled.Entry!.Amount, settled.Entry.BalanceAfter, settled.Entry.Key));
        Assert.Equal(LedgerOutcome.Replayed, (await db.RunAsync((c, _) => WalletPostings.SettleAsync(c, $"h1:{id}", 2.5m, LedgerSource.SkillUsage))).Outcome);
        Assert.Equal(LedgerOutcome.KeyConflict, (await db.RunAsync((c, _) => WalletPostings.ReleaseAsync(c, $"h1:{id}"))).Outcome);
        Assert.Equal((0L, 7.5m, 0m, 2), await StateAsync(id));

        Assert.Equal(LedgerOutcome.Posted, (await db.RunAsync((c, _) => WalletPostings.FreezeAsync(c, $"h3:{id}", id, 7.5m))).Outcome);
        Assert.Equal(LedgerOutcome.Posted, (await db.RunAsync((c, _) => WalletPostings.ReleaseAsync(c, $"h3:{id}"))).Outcome);
        Assert.Equal(LedgerOutcome.Replayed, (await db.RunAsync((c, _) => WalletPostings.ReleaseAsync(c, $"h3:{id}"))).Outcome);
        Assert.Equal(LedgerOutcome.KeyConflict, (await db.RunAsync((c, _) => WalletPostings.SettleAsync(c, $"h3:{id}", 1m, LedgerSource.SkillUsage))).Outcome);
        Assert.Equal((0L, 7.5m, 0m, 2), await StateAsync(id));
        await AssertLedgerSumsToWalletAsync();
    }

    [Fact]
    public async Task TheCommitTimeCheck_RunsAsTheOwner_SoItSeesEveryWalletABookingTouches()
    {
        // Deferred triggers fire at COMMIT as the session's role; as the app role, RLS would hide another user's wallet
        // (a referral's inviter, a star owner billed for a player's chat) and the check would pass without looking.
        await using var db = pg.OwnerContext();
        var definer = await db.Database.SqlQueryRaw<bool>(
            "SELECT prosecdef AS \"Value\" FROM pg_proc WHERE proname = 'wallet_balance_matches_ledger'").SingleAsync();
        Assert.True(definer);

        var actor = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var booked = await PostAsync(actor, Points(other.UserId!.Value, $"for-other:{other.UserId}", 20, LedgerSource.Referral));
        Assert.Equal(LedgerOutcome.Posted, booked.Outcome);
        Assert.Equal((20L, 0m, 0m, 1), await StateAsync(other.UserId!.Value));
    }
}
