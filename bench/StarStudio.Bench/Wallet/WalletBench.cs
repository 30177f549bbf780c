// Wallet benchmark (issue 9): concurrent bookings with duplicate keys, and ledger paging of a 100,000-row user.
// Every operation goes the way the app books: a transaction as the app role (RLS on), app.user_id set, one wallet function.
//
//   eval "$(scripts/postgres.sh env)"
//   dotnet run -c Release --project bench/StarStudio.Bench -- wallet [--ops 10000 --workers 32 --users 1000 --rows 100000 --pages 2000]
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Identity;
using StarStudio.Data;
using StarStudio.Data.Billing;
using StarStudio.Data.Growth;
using StarStudio.Data.Infrastructure;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Wallet;

/// <summary>The <c>wallet</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- wallet</c>): the statements of its former Program.cs.</summary>
internal static class WalletBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var ops = Arg("--ops", 10_000);
        var workers = Arg("--workers", 32);
        var userCount = Arg("--users", 1_000);
        var ledgerRows = Arg("--rows", 100_000);
        var pageReads = Arg("--pages", 2_000);
        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        var appUser = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app";
        var appPassword = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app";
        var name = "starstudio_wallet_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = appUser, Password = appPassword, MaxPoolSize = workers + 8 }.ConnectionString;

        Console.WriteLine($"StarStudio wallet benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        try
        {
            await DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString, app, null);
            var users = new List<Guid>();
            await using (var db = StarStudioContextFactory.Create(owner))
            {
                for (var i = 0; i < userCount + 1; i++)
                {
                    users.Add(await TestUsers.AddAsync(db, $"wallet-{i}@example.test", []));
                }

                await db.SaveChangesAsync();
            }

            var factory = new StarStudioContextFactory(app);
            var pager = users[^1];
            users.RemoveAt(users.Count - 1);
            StarStudioDb As(Guid user, params string[] roles) => new(factory, new FixedCurrentUser(UserContext.For(user, roles)));

            // Redeems use real public codes (one per redeem operation) made by an admin; claims the daily sign-in task, whose
            // progress each user's sign-in event completes first.
            Guid adminId;
            await using (var db = StarStudioContextFactory.Create(owner))
            {
                adminId = await TestUsers.AddAsync(db, "wallet-admin@example.test", [RoleNames.Admin]);
                await db.SaveChangesAsync();
            }

            var codes = new List<string>();
            var codeAdmin = new RedeemCodeAdminService(As(adminId, RoleNames.Admin), TimeProvider.System);
            while (codes.Count < ops / 5 + 1)
            {
                var batch = await codeAdmin.GenerateAsync(new RedeemCodeDraft { Mode = RedeemCodeMode.Public, RewardPoints = 8, MaxUses = 1_000_000 }, RedeemCodeRules.MaxBatchSize);
                codes.AddRange(batch.Value?.Codes ?? throw new InvalidOperationException(string.Join(", ", batch.Errors.Select(e => e.Code))));
            }

            var setup = Stopwatch.StartNew();
            await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (u, _) =>
                await new GrowthEvents(As(u), TimeProvider.System).RecordAsync(GrowthEventKeys.SignIn));
            Console.WriteLine($"Setup: {users.Count:N0} users, {codes.Count:N0} public codes, {users.Count:N0} sign-in events in {setup.Elapsed.TotalSeconds:N1} s");

            await ConcurrencyAsync("one user", [users[0]]);
            await ConcurrencyAsync($"{userCount:N0} users", users);
            await PagingAsync();

            async Task ConcurrencyAsync(string label, IReadOnlyList<Guid> targets)
            {
                // Operation i acts once, except every fifth, which repeats an earlier operation (20% duplicates: the same key,
                // the same claim, the same code by the same user). Kinds in turn: a points grant (the arena's path), a daily task
                // claim (TaskService), a redeem (RedeemService), a recharge and a spend of balance (the billing path).
                var run = Guid.NewGuid().ToString("N")[..8];
                var outcomes = new ConcurrentDictionary<string, ConcurrentBag<string>>();
                long before;
                await using (var check = StarStudioContextFactory.Create(owner))
                {
                    before = await check.WalletLedger.MaxAsync(l => (long?)l.Seq) ?? 0;
                }

                var next = -1;
                var failures = 0;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < ops)
                    {
                        var op = i % 5 == 4 ? Random.Shared.Next(0, i) : i;
                        var user = targets[op % targets.Count];
                        var gateway = As(user);
                        var key = $"{op % 5}:{op}";
                        try
                        {
                            string outcome;
                            switch (op % 5)
                            {
                                case 1:
                                    var claim = await new TaskService(gateway, TimeProvider.System).ClaimAsync("daily_login");
                                    key = $"claim:{user}";
                                    // A repeated claim answers with the claimed task (idempotent), so success is not a new booking.
                                    outcome = claim.Succeeded ? "claimed" : "refused";
                                    break;
                                case 2:
                                    var redeem = await new RedeemService(gateway, TimeProvider.System).RedeemAsync(codes[op / 5]);
                                    key = $"redeem:{codes[op / 5]}:{user}";
                                    outcome = redeem.Succeeded ? "redeemed" : "refused";
                                    break;
                                default:
                                    var posting = (op % 5) switch
                                    {
                                        0 => new LedgerPosting($"{run}:grant:{op}", user, WalletCurrency.Points, 5, LedgerSource.TrialReward),
                                        3 => new LedgerPosting($"{run}:recharge:{op}", user, WalletCurrency.Balance, 10m, LedgerSource.Recharge),
                                        _ => new LedgerPosting($"{run}:spend:{op}", user, WalletCurrency.Balance, -2.5m, LedgerSource.ModelUsage),
                                    };
                                    var result = await gateway.RunAsync((db, _) => WalletPostings.PostAsync(db, posting));
                                    outcome = result.Outcome == LedgerOutcome.Posted ? "booked" : result.Outcome.ToString().ToLowerInvariant();
                                    break;
                            }

                            outcomes.GetOrAdd(key, _ => []).Add(outcome);
                        }
                        catch (Exception ex)
                        {
                            Interlocked.Increment(ref failures);
                            Console.Error.WriteLine($"{key}: {ex.Message}");
                        }
                    }
                })));
                clock.Stop();

                var all = outcomes.Values.SelectMany(v => v).ToList();
                var booked = all.Count(o => o == "booked");
                var redeemed = all.Count(o => o == "redeemed");
                var claimers = outcomes.Count(kv => kv.Value.Contains("claimed"));
                var doubleBooked = outcomes.Count(kv => kv.Value.Count(o => o is "booked" or "redeemed") > 1);
                await using var db = StarStudioContextFactory.Create(owner);
                var fresh = db.WalletLedger.Where(l => l.Seq > before);
                var rows = await fresh.CountAsync();
                var postingRows = await fresh.CountAsync(l => l.SourceType != LedgerSource.DailyTask && l.SourceType != LedgerSource.RedeemCode);
                var redeemRows = await fresh.CountAsync(l => l.SourceType == LedgerSource.RedeemCode);
                var claimRows = await fresh.CountAsync(l => l.SourceType == LedgerSource.DailyTask);
                var mismatches = await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM wallet_audit()").SingleAsync();
                var negative = await db.UserBalances.CountAsync(w => w.Points < 0 || w.Balance < 0 || w.FrozenBalance > w.Balance);
                var twiceClaimed = await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM (SELECT user_id, task_id, day_key FROM profile_task_reward_claim GROUP BY 1, 2, 3 HAVING count(*) > 1) d").SingleAsync();
                var twiceRedeemed = await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM (SELECT code, user_id FROM profile_redeem_code_usage GROUP BY 1, 2 HAVING count(*) > 1) d").SingleAsync();
                Console.WriteLine($"""

                    Concurrency, {label}: {ops:N0} operations from {workers} workers in {clock.Elapsed.TotalSeconds:N1} s = {ops / clock.Elapsed.TotalSeconds:N0} ops/s
                      outcomes: {string.Join(", ", all.GroupBy(o => o).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count():N0}"))}, errors {failures}
                      distinct operations {outcomes.Count:N0}; new ledger rows {rows:N0} (postings {postingRows:N0}, redeems {redeemRows:N0}, claims {claimRows:N0} by {claimers:N0} claiming users)
                      operations booked twice {doubleBooked}; claims twice {twiceClaimed}; codes used twice by one user {twiceRedeemed}
                      wallets off their ledger {mismatches}; negative or over-frozen wallets {negative}
                    """);
                if (doubleBooked > 0 || twiceClaimed > 0 || twiceRedeemed > 0 || mismatches > 0 || negative > 0 || failures > 0
                    || postingRows != booked || redeemRows != redeemed || claimRows > claimers)
                {
                    throw new InvalidOperationException("The ledger broke an invariant (see above).");
                }
            }

            async Task PagingAsync()
            {
                // The rows are booked the real way (wallet_post), a thousand per transaction in a server-side loop so seeding takes
                // seconds. (One transaction for all of them would be quadratic: every booking updates the user's wallet row, and
                // inside one transaction none of the 100,000 old versions of that row can be pruned.)
                var seed = Stopwatch.StartNew();
                await using (var conn = new NpgsqlConnection(owner))
                {
                    await conn.OpenAsync();
                    for (var from = 1; from <= ledgerRows; from += 1000)
                    {
                        var to = Math.Min(ledgerRows, from + 999);
                        await new NpgsqlCommand($"""
                            DO $$
                            BEGIN
                                FOR i IN {from}..{to} LOOP
                                    PERFORM wallet_post('page:' || i, '{pager}', CASE WHEN i % 10 = 0 THEN 'balance' ELSE 'points' END,
                                        CASE WHEN i % 10 = 0 THEN 1.25 ELSE 3 END, 'daily_task', 'task', 'daily_chat', NULL);
                                END LOOP;
                            END
                            $$;
                            """, conn) { CommandTimeout = 0 }.ExecuteNonQueryAsync();
                    }

                    await new NpgsqlCommand("ANALYZE profile_wallet_ledger", conn).ExecuteNonQueryAsync();
                }

                seed.Stop();
                var service = new WalletService(new StarStudioDb(factory, new FixedCurrentUser(UserContext.For(pager))), TimeProvider.System);
                var first = (await service.GetLedgerAsync(WalletCurrency.Points, null, 20)).Value!;
                var top = first.Items[0].Seq;
                for (var i = 0; i < 50; i++)
                {
                    await service.GetLedgerAsync(WalletCurrency.Points, null, 20); // warm the pool and the plan cache
                }

                var firstPage = new List<double>();
                var deepPage = new List<double>();
                var walk = new List<double>();
                for (var i = 0; i < pageReads; i++)
                {
                    var t = Stopwatch.StartNew();
                    await service.GetLedgerAsync(WalletCurrency.Points, null, 20);
                    firstPage.Add(t.Elapsed.TotalMilliseconds);

                    t.Restart();
                    var page = (await service.GetLedgerAsync(WalletCurrency.Points, Random.Shared.NextInt64(1, top + 1), 20)).Value!;
                    deepPage.Add(t.Elapsed.TotalMilliseconds);
                    if (page.Items.Count == 0 && page.NextBefore is not null)
                    {
                        throw new InvalidOperationException("An empty page with a next cursor.");
                    }
                }

                // One user's whole points ledger, page after page: no row twice, none missing.
                long? cursor = null;
                var seen = 0;
                var last = long.MaxValue;
                var whole = Stopwatch.StartNew();
                do
                {
                    var t = Stopwatch.StartNew();
                    var page = (await service.GetLedgerAsync(WalletCurrency.Points, cursor, 200)).Value!;
                    walk.Add(t.Elapsed.TotalMilliseconds);
                    foreach (var row in page.Items)
                    {
                        if (row.Seq >= last)
                        {
                            throw new InvalidOperationException("Keyset paging went backwards.");
                        }

                        last = row.Seq;
                        seen++;
                    }

                    cursor = page.NextBefore;
                }
                while (cursor is not null);
                whole.Stop();

                var expected = ledgerRows - ledgerRows / 10;
                Console.WriteLine($"""

                    Ledger paging, one user with {ledgerRows:N0} rows ({expected:N0} points, {ledgerRows / 10:N0} balance; seeded in {seed.Elapsed.TotalSeconds:N1} s through wallet_post)
                      first page of 20, {pageReads:N0} reads: p50 {P(firstPage, 50):N2} ms, p95 {P(firstPage, 95):N2} ms, p99 {P(firstPage, 99):N2} ms
                      page of 20 at a random depth, {pageReads:N0} reads: p50 {P(deepPage, 50):N2} ms, p95 {P(deepPage, 95):N2} ms, p99 {P(deepPage, 99):N2} ms
                      whole points ledger in pages of 200: {walk.Count:N0} pages, {seen:N0} rows in {whole.Elapsed.TotalSeconds:N2} s, p95 {P(walk, 95):N2} ms per page
                    """);
                if (seen != expected)
                {
                    throw new InvalidOperationException($"Paging saw {seen} rows, expected {expected}.");
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }

        return 0;

        static double P(List<double> samples, int percentile)
        {
            var sorted = samples.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }

        int Arg(string flag, int fallback)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
    }
}
