using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Queries;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Arena.Queries;
using StarStudio.Data.Arena.Scoring;
using StarStudio.Data.Storage;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Arena.Scoring;

/// <summary>The arena's read side and its row-level security: who sees which trials, entries and answers when.</summary>
public sealed class ArenaQueryServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly ArenaFixture arena = new(pg);
    private readonly string objectsRoot = Path.Combine(Path.GetTempPath(), "starstudio-arena-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock clock = new(ArenaFixture.T0.AddHours(12));

    private LocalObjectStore Objects => new(objectsRoot);

    private ArenaQueryService Query(UserContext user) => new(pg.Db(user), Objects, clock, NullLogger<ArenaQueryService>.Instance);

    public void Dispose()
    {
        if (Directory.Exists(objectsRoot))
        {
            Directory.Delete(objectsRoot, recursive: true);
        }
    }

    private sealed record Setup(UserContext Admin, StarTrial Trial, UserContext OwnerA, UserContext OwnerB, TrialEntry A, TrialEntry B);

    /// <summary>An ongoing trial taking entries until T0+1d (the clock says T0+12h), with one entry of each of two owners.</summary>
    private async Task<Setup> OngoingAsync()
    {
        var admin = await pg.CreateAdminAsync();
        var trial = await arena.TrialAsync(admin, null, TrialStatus.Ongoing, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(2));
        var ownerA = await pg.CreateUserAsync(null, "star_owner");
        var ownerB = await pg.CreateUserAsync(null, "star_owner");
        var a = await arena.EntryAsync(trial.Id, ownerA, await arena.StarAsync(ownerA, "甲"), "甲", responseUri: await AnswerAsync(trial.Id, """{"poem":"甲的诗"}"""));
        var b = await arena.EntryAsync(trial.Id, ownerB, await arena.StarAsync(ownerB, "乙"), "乙", responseUri: await AnswerAsync(trial.Id, """{"poem":"乙的诗"}"""));
        return new Setup(admin, trial, ownerA, ownerB, a, b);
    }

    private async Task<string> AnswerAsync(Guid trial, string json)
    {
        var key = TrialResponseKeys.Draft(trial, Guid.NewGuid());
        await Objects.PutAsync(Buckets.TrialResponses, key, new MemoryStream(Encoding.UTF8.GetBytes(json)), "application/json");
        return TrialResponseKeys.Uri(key);
    }

    [Fact]
    public async Task Trial_DuringSubmissions_EachOwnerSeesOnlyTheirOwnEntryAndAnswer()
    {
        var s = await OngoingAsync();

        var byA = (await Query(s.OwnerA).TrialAsync(s.Trial.Id)).Value!;
        var byPlayer = (await Query(await pg.CreateUserAsync()).TrialAsync(s.Trial.Id)).Value!;
        var byAdmin = (await Query(s.Admin).TrialAsync(s.Trial.Id)).Value!;

        Assert.Equal(TrialPhase.Submissions, byA.Phase);
        Assert.False(byA.EntriesShown);
        Assert.Equal(["甲"], byA.Entries.Select(e => e.StarName));
        Assert.True(byA.Entries[0].Mine);
        Assert.Empty(byPlayer.Entries);
        Assert.Equal(2, byAdmin.Entries.Count);
        Assert.Equal("""{"poem":"甲的诗"}""", (await Query(s.OwnerA).AnswerAsync(s.A.Id)).Value);
        Assert.Equal(ResultKind.NotFound, (await Query(s.OwnerA).AnswerAsync(s.B.Id)).Kind);
    }

    [Fact]
    public async Task Trial_AfterSubmissionsClose_EveryoneSeesEveryEntryAndAnswer()
    {
        var s = await OngoingAsync();
        clock.Now = ArenaFixture.T0.AddDays(1).AddMinutes(1);
        await using (var db = pg.OwnerContext())
        {
            // The policy reads the database's clock: the window is moved into its past.
            await db.StarTrials.Where(t => t.Id == s.Trial.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.SubmitUntil, DateTimeOffset.UtcNow.AddMinutes(-1))
                .SetProperty(t => t.OpensAt, DateTimeOffset.UtcNow.AddDays(-1)).SetProperty(t => t.EndsAt, DateTimeOffset.UtcNow.AddDays(1)));
        }

        clock.Now = DateTimeOffset.UtcNow;
        var player = await pg.CreateUserAsync();
        var view = (await Query(player).TrialAsync(s.Trial.Id)).Value!;

        Assert.Equal(TrialPhase.Judging, view.Phase);
        Assert.True(view.EntriesShown);
        Assert.Equal(2, view.Entries.Count);
        Assert.All(view.Entries, e => Assert.False(e.Mine));
        Assert.Equal("""{"poem":"乙的诗"}""", (await Query(player).AnswerAsync(s.B.Id)).Value);
        Assert.Equal(ResultKind.NotFound, (await Query(UserContext.Anonymous).TrialAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task DraftTrial_IsHiddenFromPlayersAndShownToAdmins()
    {
        var admin = await pg.CreateAdminAsync();
        var draft = await arena.TrialAsync(admin, null, TrialStatus.Draft, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(2));

        Assert.Equal(ResultKind.NotFound, (await Query(await pg.CreateUserAsync()).TrialAsync(draft.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await Query(UserContext.Anonymous).TrialAsync(draft.Id)).Kind);
        Assert.True((await Query(admin).TrialAsync(draft.Id)).Value!.IsAdmin);
        Assert.DoesNotContain((await Query(await pg.CreateUserAsync()).HomeAsync()).Open.Concat((await Query(admin).HomeAsync()).Upcoming), c => c.Id == draft.Id);
    }

    [Fact]
    public async Task Home_SortsLiveTrialsByPhaseAndListsTheCurrentSeason()
    {
        var admin = await pg.CreateAdminAsync();
        var season = await arena.SeasonAsync(admin, 10);
        var open = await arena.TrialAsync(admin, season, TrialStatus.Ongoing, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(2));
        var upcoming = await arena.TrialAsync(admin, season, TrialStatus.Ongoing, ArenaFixture.T0.AddDays(3), ArenaFixture.T0.AddDays(4), ArenaFixture.T0.AddDays(5));
        var finished = await arena.TrialAsync(admin, season, TrialStatus.Finished, ArenaFixture.T0.AddDays(-3), ArenaFixture.T0.AddDays(-2), ArenaFixture.T0.AddDays(-1));

        var home = await Query(UserContext.Anonymous).HomeAsync();

        Assert.Contains(home.CurrentSeasons, x => x.Id == season);
        Assert.Equal(TrialPhase.Submissions, home.Open.Single(c => c.Id == open.Id).Phase);
        Assert.Equal(open.SubmitUntil, home.Open.Single(c => c.Id == open.Id).NextMoment);
        Assert.Contains(home.Upcoming, c => c.Id == upcoming.Id);
        Assert.Contains(home.Finished, c => c.Id == finished.Id);
    }

    [Fact]
    public async Task Standings_AfterScoring_ShowStarsWithPointsRatingsAndHistory()
    {
        var admin = await pg.CreateAdminAsync();
        var season = await arena.SeasonAsync(admin, 40, 20);
        var trial = await arena.TrialAsync(admin, season, TrialStatus.Finished, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(2));
        var owner = await pg.CreateUserAsync(null, "star_owner");
        var a = await arena.EntryAsync(trial.Id, owner, await arena.StarAsync(owner, "强"), "强");
        var b = await arena.EntryAsync(trial.Id, owner, await arena.StarAsync(owner, "弱"), "弱");
        await arena.VotesAsync(trial.Id, a.Id, b.Id, BattleOutcome.AWins, 5);
        Assert.True((await new TrialScorer(pg.Db(admin), clock, NullLogger<TrialScorer>.Instance).ScoreAsync(trial.Id)).Succeeded);

        var seasonView = await Query(UserContext.Anonymous).StandingsAsync(season, allTime: false);
        var allTime = await Query(UserContext.Anonymous).StandingsAsync(null, allTime: true);

        Assert.Equal(["强", "弱"], seasonView.Stars.Select(x => x.StarName));
        Assert.Equal([40L, 20L], seasonView.Stars.Select(x => x.Points));
        Assert.Equal([1, 2], seasonView.Stars.Select(x => x.BestRank!.Value));
        Assert.All(seasonView.Stars, x => Assert.Equal(5, x.Votes));
        Assert.Single(seasonView.History[a.StarId]);
        Assert.Contains(allTime.Stars, x => x.StarId == a.StarId && x.Rating > 1000);
    }

    [Fact]
    public async Task Policies_OwnersCannotWriteResultsNorVoteAsSomeoneElse()
    {
        var s = await OngoingAsync();
        var a = s.OwnerA.UserId!.Value;
        await using var connection = new NpgsqlConnection(pg.AppConnectionString);
        await connection.OpenAsync();

        async Task<int> AsAsync(Guid user, string sql)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await new NpgsqlCommand($"SELECT set_config('app.user_id', '{user}', true)", connection, tx).ExecuteNonQueryAsync();
            try
            {
                return await new NpgsqlCommand(sql, connection, tx).ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                return -1;
            }
        }

        // The owner sees its entry but cannot give it a score, a reward or remove it.
        Assert.Equal(0, await AsAsync(a, $"UPDATE trial_entries SET score = 99, reward_points = 1000 WHERE id = '{s.A.Id}'"));
        Assert.Equal(0, await AsAsync(a, $"DELETE FROM trial_entries WHERE id = '{s.A.Id}'"));
        // Nor enter with a result already written.
        var star = await arena.StarAsync(s.OwnerA, "丙");
        Assert.Equal(-1, await AsAsync(a, $"INSERT INTO trial_entries (trial_id, star_id, owner_id, star_name, reward_points) VALUES ('{s.Trial.Id}', '{star}', '{a}', '丙', 500)"));
        // Nor in someone else's name.
        Assert.Equal(-1, await AsAsync(a, $"INSERT INTO trial_entries (trial_id, star_id, owner_id, star_name) VALUES ('{s.Trial.Id}', '{star}', '{s.OwnerB.UserId}', '丙')"));
        // A vote is written as oneself only, between entries of the trial.
        var player = (await pg.CreateUserAsync()).UserId!.Value;
        Assert.Equal(-1, await AsAsync(player, $"INSERT INTO trial_battles (trial_id, voter_id, entry_a, entry_b) VALUES ('{s.Trial.Id}', '{a}', '{s.A.Id}', '{s.B.Id}')"));
        // Before the window closes the entries are not public, so no one can be shown (or vote on) a pair yet.
        var ownVote = $"INSERT INTO trial_battles (trial_id, voter_id, entry_a, entry_b) VALUES ('{s.Trial.Id}', '{player}', '{s.A.Id}', '{s.B.Id}')";
        Assert.Equal(-1, await AsAsync(player, ownVote));
        await using (var arrange = pg.OwnerContext())
        {
            await arrange.StarTrials.Where(t => t.Id == s.Trial.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.SubmitUntil, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        Assert.Equal(1, await AsAsync(player, ownVote));
        // What was shown never changes (a swap of sides would turn the vote around); only the vote is filled in.
        // (Each case runs in its own transaction, rolled back: the battle is inserted again with the update.)
        Assert.Equal(-1, await AsAsync(player, $"{ownVote}; UPDATE trial_battles SET entry_a = '{s.B.Id}', entry_b = '{s.A.Id}' WHERE voter_id = '{player}'"));
        Assert.Equal(2, await AsAsync(player, $"{ownVote}; UPDATE trial_battles SET outcome = 'tie', voted_at = now() WHERE voter_id = '{player}'"));

        await using var db = pg.OwnerContext();
        var entry = await db.TrialEntries.SingleAsync(e => e.Id == s.A.Id);
        Assert.Null(entry.Score);
        Assert.Equal(0, entry.RewardPoints);
    }
}
