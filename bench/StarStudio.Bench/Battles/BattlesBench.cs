// Battle vote round-trip benchmark (issue 11: "a battle vote round trip (vote stored, next pair shown) p95 ≤ 50 ms server
// side"). Seeds a trial in its judging phase with 100 entries (answers of ~2 KB in a local object store) and 10,000 prior
// votes, then many players vote through BattleService.VoteAsync exactly as the page does: the vote is stored, the names
// revealed, the next least-compared pair chosen, stored as pending and its two answers loaded. Every call is timed.
//
//   eval "$(scripts/postgres.sh env)"
//   nice -n 15 dotnet run -c Release --project bench/StarStudio.Bench -- battles [--entries 100 --prior 10000 --players 200 --votes 1200 --workers 4]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Arena.Battles;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Storage;
using StarStudio.TestSupport;

namespace StarStudio.Bench.Battles;

/// <summary>The <c>battles</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- battles</c>): the statements of its former Program.cs.</summary>
internal static class BattlesBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var entryCount = Arg("--entries", 100);
        var priorVotes = Arg("--prior", 10_000);
        var playerCount = Arg("--players", 200);
        var voteCount = Arg("--votes", 1_200);
        var workers = Arg("--workers", 4);
        var server = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG")
            ?? throw new InvalidOperationException("Run `eval \"$(scripts/postgres.sh env)\"` first (STARSTUDIO_TEST_PG is not set).");
        var appUser = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_USER") ?? "starstudio_app";
        var appPassword = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_PG_APP_PASSWORD") ?? "starstudio_app";
        var name = "starstudio_battles_" + Guid.NewGuid().ToString("N")[..10];
        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = appUser, Password = appPassword, MaxPoolSize = workers + 8 }.ConnectionString;
        var storeRoot = Path.Combine(Path.GetTempPath(), name);

        Console.WriteLine($"StarStudio battle vote benchmark — {Environment.ProcessorCount} cores, load {Load()} at start");
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        try
        {
            await DatabaseMigrator.MigrateAsync(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString, app, null);
            var seed = Stopwatch.StartNew();
            var owners = new List<Guid>();
            var players = new List<Guid>();
            var seedVoters = new List<Guid>();
            await using (var db = StarStudioContextFactory.Create(owner))
            {
                for (var i = 0; i < entryCount; i++)
                {
                    owners.Add(await TestUsers.AddAsync(db, $"owner-{i}@example.test", []));
                }

                for (var i = 0; i < playerCount; i++)
                {
                    players.Add(await TestUsers.AddAsync(db, $"player-{i}@example.test", []));
                }

                for (var i = 0; i < Math.Max(1, priorVotes / 20); i++)
                {
                    seedVoters.Add(await TestUsers.AddAsync(db, $"voter-{i}@example.test", []));
                }

                await db.SaveChangesAsync();
            }

            var store = new LocalObjectStore(storeRoot);
            await store.EnsureBucketsAsync();
            var trialId = Guid.NewGuid();
            var entries = new List<Guid>();
            var random = new Random(11);
            // Seeding as the owner: the arena tables force row-level security on it too, so they are unforced while seeding
            // (a private database, dropped at the end) and forced again before anything is measured.
            string[] forced = ["star_trials", "trial_entries", "trial_battles"];
            await using (var conn = new NpgsqlConnection(owner))
            {
                await conn.OpenAsync();
                foreach (var t in forced)
                {
                    await Exec(conn, null, $"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY");
                }
            }

            await using (var db = StarStudioContextFactory.Create(owner))
            {
                var now = DateTimeOffset.UtcNow;
                db.StarTrials.Add(new StarTrial
                {
                    Id = trialId, Title = "Benchmark trial", Prompt = "Answer as JSON.", AnswerSchema = "{\"type\":\"object\"}", Status = TrialStatus.Ongoing,
                    CreatedBy = owners[0], CreatedAt = now, UpdatedAt = now, Rubric = [new("quality", "", 1)],
                    OpensAt = now.AddDays(-2), SubmitUntil = now.AddHours(-1), EndsAt = now.AddDays(1),
                });
                for (var i = 0; i < entryCount; i++)
                {
                    var starId = Guid.NewGuid();
                    var key = $"trials/{trialId}/drafts/{Guid.NewGuid()}.json";
                    var answer = "{\"title\":\"Entry " + i + "\",\"sections\":[" + string.Join(",", Enumerable.Range(0, 12).Select(s =>
                        $"{{\"heading\":\"Part {s}\",\"text\":\"{new string((char)('a' + s % 26), 120)}\"}}")) + "]}";
                    await store.PutAsync(Buckets.TrialResponses, key, new MemoryStream(Encoding.UTF8.GetBytes(answer)), "application/json");
                    db.Stars.Add(new Star { Id = starId, OwnerId = owners[i], Name = $"Star {i}", Domain = "bench", Persona = "p", Tone = "", CreatedAt = now, UpdatedAt = now });
                    var entry = new TrialEntry { Id = Guid.NewGuid(), TrialId = trialId, StarId = starId, OwnerId = owners[i], StarName = $"Star {i}", ResponseUri = TrialResponseKeys.Uri(key), SchemaValid = true, SubmittedAt = now };
                    db.TrialEntries.Add(entry);
                    entries.Add(entry.Id);
                }

                await db.SaveChangesAsync();
            }

            await using (var conn = new NpgsqlConnection(owner))
            {
                await conn.OpenAsync();
                // Prior votes: each seed voter votes 20 distinct random pairs, two minutes ago (outside every rate window).
                await using (var copy = await conn.BeginBinaryImportAsync(
                    "COPY trial_battles (id, trial_id, voter_id, entry_a, entry_b, outcome, shown_at, voted_at) FROM STDIN (FORMAT BINARY)"))
                {
                    var outcomes = new[] { "a_wins", "b_wins", "tie", "both_bad" };
                    var at = DateTimeOffset.UtcNow.AddMinutes(-2);
                    var written = 0;
                    foreach (var voter in seedVoters)
                    {
                        var pairs = new HashSet<(int, int)>();
                        while (pairs.Count < 20 && written < priorVotes)
                        {
                            var a = random.Next(entryCount);
                            var b = random.Next(entryCount);
                            if (a == b || !pairs.Add((Math.Min(a, b), Math.Max(a, b))))
                            {
                                continue;
                            }

                            await copy.StartRowAsync();
                            await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                            await copy.WriteAsync(trialId, NpgsqlDbType.Uuid);
                            await copy.WriteAsync(voter, NpgsqlDbType.Uuid);
                            await copy.WriteAsync(entries[a], NpgsqlDbType.Uuid);
                            await copy.WriteAsync(entries[b], NpgsqlDbType.Uuid);
                            await copy.WriteAsync(outcomes[random.Next(4)], "battle_outcome");
                            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                            written++;
                        }
                    }

                    await copy.CompleteAsync();
                }

                foreach (var t in forced)
                {
                    await Exec(conn, null, $"ALTER TABLE {t} FORCE ROW LEVEL SECURITY");
                }

                await Exec(conn, null, "ANALYZE trial_battles; ANALYZE trial_entries");
            }

            Console.WriteLine($"Seeded {entryCount} entries, {priorVotes:N0} prior votes by {seedVoters.Count} voters, {playerCount} players in {seed.Elapsed.TotalSeconds:N1} s");

            var factory = new StarStudioContextFactory(app);
            var options = Options.Create(new BattleOptions()); // the default limit, 20 votes per minute per player
            BattleService As(Guid user) => new(new StarStudioDb(factory, new FixedCurrentUser(UserContext.For(user))), store, TimeProvider.System, options, NullLogger<BattleService>.Instance);

            // Each player opens the battle page (NextAsync), then votes; each vote's reply carries the player's next battle.
            var firstShown = new ConcurrentBag<double>();
            var pending = new ConcurrentDictionary<Guid, Guid>();
            await Parallel.ForEachAsync(players, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (p, _) =>
            {
                var clock = Stopwatch.StartNew();
                var next = await As(p).NextAsync(trialId);
                firstShown.Add(clock.Elapsed.TotalMilliseconds);
                pending[p] = next.Value?.Battle?.BattleId ?? throw new InvalidOperationException("no battle: " + string.Join(",", next.Errors.Select(e => e.Code)));
            });

            // Warm-up outside the measurement: one vote by each of 10 players.
            foreach (var p in players.Take(10))
            {
                var warm = await As(p).VoteAsync(pending[p], BattleOutcome.Tie);
                pending[p] = warm.Value!.Next.Battle!.BattleId;
            }

            var perPlayer = (int)Math.Ceiling(voteCount / (double)playerCount);
            if (perPlayer > 19)
            {
                throw new InvalidOperationException($"{perPlayer} votes per player would hit the 20-per-minute limit: add players.");
            }

            var samples = new ConcurrentBag<double>();
            var refusals = new ConcurrentDictionary<string, int>();
            var queue = new ConcurrentQueue<Guid>(Enumerable.Range(0, perPlayer).SelectMany(_ => players));
            var inFlight = new ConcurrentDictionary<Guid, bool>();
            var loadBefore = Load();
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                // One request per player at a time, as from one browser tab: a player still voting goes back in the queue.
                while (queue.TryDequeue(out var p))
                {
                    if (!inFlight.TryAdd(p, true))
                    {
                        queue.Enqueue(p);
                        await Task.Yield();
                        continue;
                    }

                    try
                    {
                        var clock = Stopwatch.StartNew();
                        var vote = await As(p).VoteAsync(pending[p], (BattleOutcome)Random.Shared.Next(4));
                        var ms = clock.Elapsed.TotalMilliseconds;
                        if (vote.Succeeded && vote.Value!.Next.Battle is { } b)
                        {
                            samples.Add(ms);
                            pending[p] = b.BattleId;
                        }
                        else
                        {
                            refusals.AddOrUpdate(vote.Errors.FirstOrDefault()?.Code ?? vote.Kind.ToString(), 1, (_, n) => n + 1);
                        }
                    }
                    finally
                    {
                        inFlight.TryRemove(p, out var _);
                    }
                }
            })));
            wall.Stop();

            var list = samples.ToList();
            Console.WriteLine($"""
                VoteAsync round trip (vote stored + reveal + next pair chosen, stored and its two answers loaded), {workers} concurrent workers:
                  {list.Count:N0} votes by {playerCount} players in {wall.Elapsed.TotalSeconds:N1} s ({list.Count / wall.Elapsed.TotalSeconds:N0}/s)
                  p50 {P(list, 50):N2} ms, p95 {P(list, 95):N2} ms, p99 {P(list, 99):N2} ms, max {list.Max():N2} ms
                  refusals: {(refusals.IsEmpty ? "none" : string.Join(", ", refusals.Select(r => $"{r.Key} {r.Value}")))}
                First battle (NextAsync), {firstShown.Count} players: p50 {P([.. firstShown], 50):N2} ms, p95 {P([.. firstShown], 95):N2} ms
                Load (1-minute average): {loadBefore} before the votes, {Load()} after
                """);

            // Where the time goes: the pair counts over all votes (the one statement whose cost grows with the votes) and the
            // pure choice over 4,950 pairs, each alone and sequentially.
            var countsMs = new List<double>();
            var counts = new Dictionary<EntryPair, int>();
            await using (var conn = new NpgsqlConnection(app))
            {
                await conn.OpenAsync();
                for (var i = 0; i < 200; i++)
                {
                    await using var tx = await conn.BeginTransactionAsync();
                    await Exec(conn, tx, "SELECT set_config('app.user_id', @u, true)", ("u", players[0].ToString()));
                    var clock = Stopwatch.StartNew();
                    await using (var cmd = new NpgsqlCommand("SELECT pair_low, pair_high, votes FROM trial_pair_votes(@t)", conn, tx))
                    {
                        cmd.Parameters.AddWithValue("t", trialId);
                        await using var reader = await cmd.ExecuteReaderAsync();
                        counts.Clear();
                        while (await reader.ReadAsync())
                        {
                            counts[EntryPair.Of(reader.GetGuid(0), reader.GetGuid(1))] = reader.GetInt32(2);
                        }
                    }

                    countsMs.Add(clock.Elapsed.TotalMilliseconds);
                    await tx.RollbackAsync();
                }
            }

            var chooseMs = new List<double>();
            var candidates = entries.Select(e => new BattleEntry(e, false)).ToList();
            var noneShown = new HashSet<EntryPair>();
            for (var i = 0; i < 1000; i++)
            {
                var clock = Stopwatch.StartNew();
                _ = BattlePairing.Choose(candidates, noneShown, counts, Random.Shared);
                chooseMs.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"""
                Parts, sequential: trial_pair_votes ({counts.Count:N0} pairs) read in full p50 {P(countsMs, 50):N2} ms, p95 {P(countsMs, 95):N2} ms;
                  BattlePairing.Choose over {entryCount * (entryCount - 1) / 2:N0} pairs p50 {P(chooseMs, 50):N3} ms, p95 {P(chooseMs, 95):N3} ms
                """);

            await using (var check = new NpgsqlConnection(owner))
            {
                await check.OpenAsync();
                await Exec(check, null, "ALTER TABLE trial_battles NO FORCE ROW LEVEL SECURITY");
                await using var cmd = new NpgsqlCommand("SELECT count(*) FILTER (WHERE outcome IS NOT NULL), count(DISTINCT (voter_id, pair_low, pair_high)) = count(*) FROM trial_battles", check);
                await using var reader = await cmd.ExecuteReaderAsync();
                await reader.ReadAsync();
                Console.WriteLine($"Check: {reader.GetInt64(0):N0} votes stored in all, one battle per player per pair: {reader.GetBoolean(1)}");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (args.Contains("--keep"))
            {
                Console.WriteLine($"Kept database {name} for inspection (drop it by hand).");
            }
            else
            {
                await using var conn = new NpgsqlConnection(server);
                await conn.OpenAsync();
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
            }

            if (Directory.Exists(storeRoot))
            {
                Directory.Delete(storeRoot, recursive: true);
            }
        }

        return 0;

        static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] parameters)
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            foreach (var (n, v) in parameters)
            {
                cmd.Parameters.AddWithValue(n, v);
            }

            await cmd.ExecuteNonQueryAsync();
        }

        static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

        static double P(List<double> samples, int percentile)
        {
            var sorted = samples.Order().ToList();
            return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }

        int Arg(string flag, int fallback)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
    }
}
