using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Arena.Battles;

namespace StarStudio.Tests.Integration.Arena.Battles;

/// <summary>Blind battles on the real PostgreSQL (RLS on) with answers in the S3 server: every rule of issue 11 §3 and its "Bad input".</summary>
public sealed class BattleServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly BattleTestData data = new(pg);

    private async Task<BattleService> Battles(UserContext user, int votesPerMinute = 1000, IObjectStore? store = null) =>
        new(pg.Db(user), store ?? await BattleTestData.StoreAsync(), TimeProvider.System, Options.Create(new BattleOptions { VotesPerMinute = votesPerMinute }),
            NullLogger<BattleService>.Instance);

    private static string? Error<T>(Result<T> r) => r.Errors.FirstOrDefault()?.Code;

    private async Task<(Guid Trial, List<Guid> Entries, List<UserContext> Owners)> TrialWithEntriesAsync(int n)
    {
        var trial = await data.TrialAsync();
        var owners = new List<UserContext>();
        var entries = new List<Guid>();
        for (var i = 0; i < n; i++)
        {
            owners.Add(await pg.CreateUserAsync());
            entries.Add(await data.EntryAsync(trial, owners[^1]));
        }

        return (trial, entries, owners);
    }

    [Fact]
    public async Task Next_ShowsTwoAnonymousAnswersFromStorage_AndThePendingBattleAgain()
    {
        var trial = await data.TrialAsync();
        var e1 = await data.EntryAsync(trial, await pg.CreateUserAsync(), """{"answer":"一"}""", "甲星");
        var e2 = await data.EntryAsync(trial, await pg.CreateUserAsync(), """{"answer":"二"}""", "乙星");
        var player = await pg.CreateUserAsync();
        var service = await Battles(player);

        var first = await service.NextAsync(trial);
        var again = await service.NextAsync(trial);

        Assert.True(first.Succeeded);
        var battle = first.Value!.Battle!;
        Assert.Equal(battle.BattleId, again.Value!.Battle!.BattleId);
        Assert.Equal("古籍修复问答", first.Value.Title);
        var stored = Assert.Single(await data.BattlesOfAsync(trial, player.UserId!.Value));
        Assert.Null(stored.Outcome);
        var expected = new Dictionary<Guid, string> { [e1] = """{"answer":"一"}""", [e2] = """{"answer":"二"}""" };
        Assert.Equal(expected[stored.EntryA], battle.A.Json);
        Assert.Equal(expected[stored.EntryB], battle.B.Json);
        Assert.DoesNotContain("星", battle.A.Json + battle.B.Json); // nothing names a star before the vote
    }

    [Fact]
    public async Task Next_LeastComparedPairFirst_CountingOtherPlayersVotes()
    {
        var (trial, e, _) = await TrialWithEntriesAsync(4);
        var others = new[] { await pg.CreateUserAsync(), await pg.CreateUserAsync() };
        // Every pair has two votes from other players, except (e1, e3) with one; pending (unvoted) battles do not count.
        for (var i = 0; i < 4; i++)
        {
            for (var j = i + 1; j < 4; j++)
            {
                await data.BattleAsync(trial, others[0].UserId!.Value, e[i], e[j], BattleOutcome.AWins);
                if ((i, j) != (1, 3))
                {
                    await data.BattleAsync(trial, others[1].UserId!.Value, e[j], e[i], BattleOutcome.Tie);
                }
            }
        }

        var player = await pg.CreateUserAsync();
        var next = await (await Battles(player)).NextAsync(trial);

        Assert.True(next.Succeeded);
        var shown = Assert.Single(await data.BattlesOfAsync(trial, player.UserId!.Value));
        Assert.Equal(EntryPair.Of(e[1], e[3]), EntryPair.Of(shown.EntryA, shown.EntryB));
    }

    [Fact]
    public async Task PairVotes_FunctionGivesCountsOnly_ToSignedInCallers_OfPublicTrials()
    {
        var (trial, e, _) = await TrialWithEntriesAsync(2);
        var voter = await pg.CreateUserAsync();
        await data.BattleAsync(trial, voter.UserId!.Value, e[0], e[1], BattleOutcome.BWins);
        var draft = await data.TrialAsync(TrialStatus.Draft);

        Assert.Equal(1, await CountAsync(trial, (await pg.CreateUserAsync()).UserId));
        Assert.Equal(0, await CountAsync(trial, null));
        Assert.Equal(0, await CountAsync(draft, (await pg.CreateUserAsync()).UserId));

        async Task<int> CountAsync(Guid t, Guid? user)
        {
            await using var conn = new NpgsqlConnection(pg.AppConnectionString);
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await using (var set = new NpgsqlCommand("SELECT set_config('app.user_id', @u, true)", conn, tx))
            {
                set.Parameters.AddWithValue("u", user?.ToString() ?? "");
                await set.ExecuteNonQueryAsync();
            }

            await using var cmd = new NpgsqlCommand("SELECT coalesce(sum(votes), 0)::int FROM trial_pair_votes(@t)", conn, tx);
            cmd.Parameters.AddWithValue("t", t);
            return (int)(await cmd.ExecuteScalarAsync())!;
        }
    }

    [Fact]
    public async Task Vote_StoresOnce_RevealsNamesAndOwners_AndReturnsTheNextBattle()
    {
        var trial = await data.TrialAsync();
        var expected = new Dictionary<Guid, RevealedEntry>();
        foreach (var (star, owner) in new[] { ("甲星", "墨兰"), ("乙星", "青竹"), ("丙星", "松风") })
        {
            var user = await pg.CreateUserAsync();
            await data.SetDisplayNameAsync(user, owner);
            expected[await data.EntryAsync(trial, user, starName: star)] = new RevealedEntry(star, owner);
        }

        var player = await pg.CreateUserAsync();
        var service = await Battles(player);
        var battle = (await service.NextAsync(trial)).Value!.Battle!;

        var vote = await service.VoteAsync(battle.BattleId, BattleOutcome.AWins);

        Assert.True(vote.Succeeded);
        var stored = (await data.BattlesOfAsync(trial, player.UserId!.Value)).Single(b => b.Id == battle.BattleId);
        Assert.Equal(BattleOutcome.AWins, stored.Outcome);
        Assert.NotNull(stored.VotedAt);
        Assert.Equal(new BattleReveal(battle.BattleId, BattleOutcome.AWins, expected[stored.EntryA], expected[stored.EntryB]), vote.Value!.Revealed);
        var next = vote.Value.Next.Battle!;
        Assert.NotEqual(battle.BattleId, next.BattleId);
        Assert.Equal(2, (await data.BattlesOfAsync(trial, player.UserId!.Value)).Count);
    }

    [Fact]
    public async Task Vote_EveryPairOnce_ThenNothingLeft()
    {
        var (trial, _, _) = await TrialWithEntriesAsync(5);
        var player = await pg.CreateUserAsync();
        var service = await Battles(player);
        var next = (await service.NextAsync(trial)).Value!;
        var votes = 0;
        while (next.Battle is { } b)
        {
            var vote = await service.VoteAsync(b.BattleId, (BattleOutcome)(votes % 4));
            Assert.True(vote.Succeeded, Error(vote));
            next = vote.Value!.Next;
            votes++;
        }

        Assert.Equal(10, votes);
        var battles = await data.BattlesOfAsync(trial, player.UserId!.Value);
        Assert.Equal(10, battles.Select(b => EntryPair.Of(b.EntryA, b.EntryB)).Distinct().Count());
        Assert.All(battles, b => Assert.NotNull(b.Outcome));
        Assert.Null((await service.NextAsync(trial)).Value!.Battle);
    }

    [Fact]
    public async Task OwnStars_NeverShown_AndAVoteOnOneIsRefused()
    {
        var trial = await data.TrialAsync();
        var player = await pg.CreateUserAsync();
        var mine = await data.EntryAsync(trial, player);
        var x = await data.EntryAsync(trial, await pg.CreateUserAsync());
        var y = await data.EntryAsync(trial, await pg.CreateUserAsync());
        var service = await Battles(player);

        var first = (await service.NextAsync(trial)).Value!.Battle!;
        var vote = await service.VoteAsync(first.BattleId, BattleOutcome.Tie);
        // A battle with the player's star that some other path had stored: refused, nothing counted.
        var planted = await data.BattleAsync(trial, player.UserId!.Value, mine, x, null);
        var refused = await service.VoteAsync(planted, BattleOutcome.AWins);

        var shown = (await data.BattlesOfAsync(trial, player.UserId!.Value)).Single(b => b.Id == first.BattleId);
        Assert.Equal(EntryPair.Of(x, y), EntryPair.Of(shown.EntryA, shown.EntryB));
        Assert.True(vote.Succeeded);
        Assert.Null(vote.Value!.Next.Battle);
        Assert.Equal(BattleErrors.OwnStar, Error(refused));
        Assert.Null((await data.BattlesOfAsync(trial, player.UserId!.Value)).Single(b => b.Id == planted).Outcome);
    }

    [Fact]
    public async Task Vote_Twice_IsRefused_AndParallelVotesCountOnce()
    {
        var (trial, _, _) = await TrialWithEntriesAsync(3);
        var player = await pg.CreateUserAsync();
        var battle = (await (await Battles(player)).NextAsync(trial)).Value!.Battle!;

        // Eight requests at once, each through its own service and connection (as from several app instances).
        var services = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Battles(player)));
        var results = await Task.WhenAll(services.Select((s, i) => Task.Run(() => s.VoteAsync(battle.BattleId, i % 2 == 0 ? BattleOutcome.AWins : BattleOutcome.BWins))));
        var later = await (await Battles(player)).VoteAsync(battle.BattleId, BattleOutcome.Tie);

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(BattleErrors.AlreadyVoted, Error(r)));
        Assert.Equal(BattleErrors.AlreadyVoted, Error(later));
        var voted = (await data.BattlesOfAsync(trial, player.UserId!.Value)).Where(b => b.Outcome is not null).ToList();
        Assert.Single(voted);
        Assert.NotEqual(BattleOutcome.Tie, voted[0].Outcome);
    }

    [Fact]
    public async Task Vote_RateLimited_PerPlayer_AcrossServiceInstances()
    {
        var (trial, _, _) = await TrialWithEntriesAsync(5);
        var player = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var one = await Battles(player, votesPerMinute: 3);
        var two = await Battles(player, votesPerMinute: 3);
        var next = (await one.NextAsync(trial)).Value!.Battle!;
        for (var i = 0; i < 3; i++)
        {
            var vote = await (i % 2 == 0 ? one : two).VoteAsync(next.BattleId, BattleOutcome.BWins);
            Assert.True(vote.Succeeded, Error(vote));
            next = vote.Value!.Next.Battle!;
        }

        var refused = await two.VoteAsync(next.BattleId, BattleOutcome.AWins);
        var otherPlayer = await Battles(other, votesPerMinute: 3);
        var othersVote = await otherPlayer.VoteAsync((await otherPlayer.NextAsync(trial)).Value!.Battle!.BattleId, BattleOutcome.AWins);

        Assert.Equal(BattleErrors.RateLimited, Error(refused));
        Assert.Equal([3], refused.Errors[0].Args);
        Assert.Null((await data.BattlesOfAsync(trial, player.UserId!.Value)).Single(b => b.Id == next.BattleId).Outcome);
        Assert.True(othersVote.Succeeded); // the limit is per player
    }

    [Fact]
    public async Task Vote_OnlyVotesOfTheLastMinuteCount()
    {
        var (trial, e, _) = await TrialWithEntriesAsync(4);
        var player = await pg.CreateUserAsync();
        await data.BattleAsync(trial, player.UserId!.Value, e[0], e[1], BattleOutcome.AWins, DateTimeOffset.UtcNow.AddMinutes(-2));
        await data.BattleAsync(trial, player.UserId!.Value, e[0], e[2], BattleOutcome.AWins, DateTimeOffset.UtcNow.AddMinutes(-2));
        var service = await Battles(player, votesPerMinute: 1);

        var vote = await service.VoteAsync((await service.NextAsync(trial)).Value!.Battle!.BattleId, BattleOutcome.Tie);
        var second = await service.VoteAsync(vote.Value!.Next.Battle!.BattleId, BattleOutcome.Tie);

        Assert.True(vote.Succeeded);
        Assert.Equal(BattleErrors.RateLimited, Error(second));
    }

    [Fact]
    public async Task Phases_VotesAndBattlesOnlyWhileJudging()
    {
        var (trial, _, _) = await TrialWithEntriesAsync(3);
        var player = await pg.CreateUserAsync();
        var service = await Battles(player);
        var battle = (await service.NextAsync(trial)).Value!.Battle!;
        await data.SetStatusAsync(trial, TrialStatus.Finished);
        var onFinished = await service.VoteAsync(battle.BattleId, BattleOutcome.AWins);
        var nextOnFinished = await service.NextAsync(trial);

        var submissions = await data.TrialAsync(sinceSubmit: TimeSpan.FromHours(-1), untilEnd: TimeSpan.FromHours(2));
        var closing = await data.TrialAsync(sinceSubmit: TimeSpan.FromHours(2), untilEnd: TimeSpan.FromHours(-1));
        var draft = await data.TrialAsync(TrialStatus.Draft);

        Assert.Equal(BattleErrors.Finished, Error(onFinished));
        Assert.Equal(BattleErrors.Finished, Error(nextOnFinished));
        Assert.Null((await data.BattlesOfAsync(trial, player.UserId!.Value)).Single().Outcome);
        Assert.Equal(BattleErrors.NotJudging, Error(await service.NextAsync(submissions)));
        Assert.Equal(BattleErrors.Finished, Error(await service.NextAsync(closing)));
        Assert.Equal(ResultKind.NotFound, (await service.NextAsync(draft)).Kind); // drafts are invisible to players
        Assert.Equal(ResultKind.NotFound, (await service.NextAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task SignedOut_Unknown_AndOthersBattles_AreRefused()
    {
        var (trial, _, _) = await TrialWithEntriesAsync(3);
        var player = await pg.CreateUserAsync();
        var battle = (await (await Battles(player)).NextAsync(trial)).Value!.Battle!;
        var anonymous = await Battles(UserContext.Anonymous);
        var stranger = await Battles(await pg.CreateUserAsync());

        Assert.Equal(ResultKind.Forbidden, (await anonymous.NextAsync(trial)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await anonymous.VoteAsync(battle.BattleId, BattleOutcome.AWins)).Kind);
        Assert.Equal(ResultKind.NotFound, (await stranger.VoteAsync(battle.BattleId, BattleOutcome.AWins)).Kind); // RLS hides it
        Assert.Equal(BattleErrors.Outcome, Error(await (await Battles(player)).VoteAsync(battle.BattleId, (BattleOutcome)9)));
        Assert.Null((await data.BattlesOfAsync(trial, player.UserId!.Value)).Single().Outcome);
    }

    [Fact]
    public async Task Bias_ForAdmins_CountsLeftWinsOfDecisiveVotes()
    {
        var (trial, e, _) = await TrialWithEntriesAsync(3);
        var outcomes = new[] { BattleOutcome.AWins, BattleOutcome.AWins, BattleOutcome.AWins, BattleOutcome.BWins, BattleOutcome.Tie, BattleOutcome.BothBad };
        foreach (var outcome in outcomes)
        {
            await data.BattleAsync(trial, (await pg.CreateUserAsync()).UserId!.Value, e[0], e[1], outcome);
        }

        var report = await (await Battles(await pg.CreateAdminAsync())).BiasAsync(trial);
        var player = await Battles(await pg.CreateUserAsync());

        Assert.True(report.Succeeded);
        Assert.Equal(PositionBias.Report(3, 4), report.Value);
        Assert.Equal(ResultKind.Forbidden, (await player.BiasAsync(trial)).Kind);
    }

    [Fact]
    public async Task Vote_StorageFailing_StillStoresTheVote_AndShowsTheNextBattleWithoutAnswers()
    {
        var (trial, _, _) = await TrialWithEntriesAsync(3);
        var player = await pg.CreateUserAsync();
        var broken = await Battles(player, store: new FailingStore());
        var battle = (await broken.NextAsync(trial)).Value!.Battle!;

        var vote = await broken.VoteAsync(battle.BattleId, BattleOutcome.BothBad);

        Assert.Equal((null, null), (battle.A.Json, battle.B.Json));
        Assert.True(vote.Succeeded);
        Assert.Equal((null, null), (vote.Value!.Next.Battle!.A.Json, vote.Value.Next.Battle.B.Json));
        Assert.Equal(BattleOutcome.BothBad, (await data.BattlesOfAsync(trial, player.UserId!.Value)).Single(b => b.Id == battle.BattleId).Outcome);
    }

    /// <summary>An object store whose reads fail, as when the S3 server is down.</summary>
    private sealed class FailingStore : IObjectStore
    {
        public Task EnsureBucketsAsync(CancellationToken ct = default) => Task.CompletedTask;
        public Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default) => throw new IOException("down");
        public Task<StoredObject?> GetAsync(string bucket, string key, CancellationToken ct = default) => throw new IOException("down");
        public Task<bool> ExistsAsync(string bucket, string key, CancellationToken ct = default) => throw new IOException("down");
        public Task DeleteAsync(string bucket, string key, CancellationToken ct = default) => throw new IOException("down");
        public IAsyncEnumerable<string> ListAsync(string bucket, string prefix, CancellationToken ct = default) => throw new IOException("down");
        public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(false);
    }
}
