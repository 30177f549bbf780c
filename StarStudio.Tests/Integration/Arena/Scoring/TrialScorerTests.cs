using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Scoring;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Data.Arena.Scoring;
using StarStudio.TestSupport;
using StarStudio.Tests.Integration.Growth;

namespace StarStudio.Tests.Integration.Arena.Scoring;

/// <summary>Scoring a finished trial on the real PostgreSQL: results, ranks, rewards booked once, history, who may run it.</summary>
public sealed class TrialScorerTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly ArenaFixture arena = new(pg);
    private readonly ManualClock clock = new(ArenaFixture.T0.AddDays(5));

    private TrialScorer Scorer(UserContext user) => new(pg.Db(user), clock, NullLogger<TrialScorer>.Instance);

    private sealed record Setup(UserContext Admin, StarTrial Trial, UserContext OwnerA, UserContext OwnerB, TrialEntry A, TrialEntry B, TrialEntry C);

    /// <summary>A finished trial of three entries: A beats B 8–2 and C 9–1, B beats C 6–4; judges score A and C.</summary>
    private async Task<Setup> FinishedTrialAsync()
    {
        var admin = await pg.CreateAdminAsync();
        var season = await arena.SeasonAsync(admin, 100, 50);
        var trial = await arena.TrialAsync(admin, season, TrialStatus.Finished, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(2),
            [new RubricCriterion("创意", "新意", 2), new RubricCriterion("准确", "事实", 1)]);
        var ownerA = await pg.CreateUserAsync(null, "star_owner");
        var ownerB = await pg.CreateUserAsync(null, "star_owner");
        var a = await arena.EntryAsync(trial.Id, ownerA, await arena.StarAsync(ownerA, "甲星"), "甲星");
        var b = await arena.EntryAsync(trial.Id, ownerB, await arena.StarAsync(ownerB, "乙星"), "乙星");
        var c = await arena.EntryAsync(trial.Id, ownerB, await arena.StarAsync(ownerB, "丙星"), "丙星", valid: false);
        await arena.VotesAsync(trial.Id, a.Id, b.Id, BattleOutcome.AWins, 8);
        await arena.VotesAsync(trial.Id, b.Id, a.Id, BattleOutcome.AWins, 2);
        await arena.VotesAsync(trial.Id, a.Id, c.Id, BattleOutcome.AWins, 9);
        await arena.VotesAsync(trial.Id, a.Id, c.Id, BattleOutcome.Tie, 1);
        await arena.VotesAsync(trial.Id, b.Id, c.Id, BattleOutcome.AWins, 6);
        await arena.VotesAsync(trial.Id, c.Id, b.Id, BattleOutcome.AWins, 4);
        var judge = await pg.CreateUserAsync();
        await arena.JudgeAsync(trial.Id, judge, a.Id, "创意", 9);
        await arena.JudgeAsync(trial.Id, judge, a.Id, "准确", 6);
        await arena.JudgeAsync(trial.Id, judge, c.Id, "创意", 3);
        return new Setup(admin, trial, ownerA, ownerB, a, b, c);
    }

    [Fact]
    public async Task Score_FinishedTrial_WritesResultsRanksAndBooksRewardsOnce()
    {
        var s = await FinishedTrialAsync();

        var first = await Scorer(s.Admin).ScoreAsync(s.Trial.Id);
        var second = await Scorer(s.Admin).ScoreAsync(s.Trial.Id);

        Assert.True(first.Succeeded);
        Assert.Equal(new TrialScoringRun(3, 30, 2, 150), first.Value);
        Assert.Equal(new TrialScoringRun(3, 30, 0, 0), second.Value);

        await using var db = pg.OwnerContext();
        var entries = await db.TrialEntries.Where(e => e.TrialId == s.Trial.Id).ToDictionaryAsync(e => e.Id);
        var (a, b, c) = (entries[s.A.Id], entries[s.B.Id], entries[s.C.Id]);
        Assert.Equal([1, 2, 3], new[] { a.Rank!.Value, b.Rank!.Value, c.Rank!.Value });
        Assert.True(a.Rating > b.Rating && b.Rating > c.Rating);
        Assert.True(a.RatingLow <= a.Rating && a.Rating <= a.RatingHigh);
        Assert.Equal(20, a.Battles);
        // Rubric: (2·9 + 1·6)/3 = 8 for A; C only scored on 创意 = 3; B unscored.
        Assert.Equal(8.0, a.RubricMean!.Value, 9);
        Assert.Null(b.RubricMean);
        Assert.Equal(3.0, c.RubricMean!.Value, 9);
        Assert.Equal((100, 50, 0), (a.RewardPoints, b.RewardPoints, c.RewardPoints));
        Assert.True(a.ScoreLow <= a.Score && a.Score <= a.ScoreHigh);

        // The score is the documented formula over the stored parts.
        var mean = new[] { a.Rating!.Value, b.Rating!.Value, c.Rating!.Value }.Average();
        var expected = TrialScoring.Score(new ScoreInputs(true, 8.0, new RatingInterval(a.Rating.Value, a.RatingLow!.Value, a.RatingHigh!.Value)), mean);
        Assert.Equal((decimal)expected.Score, a.Score);

        var trial = await db.StarTrials.SingleAsync(t => t.Id == s.Trial.Id);
        Assert.NotNull(trial.ScoredAt);
        // Every decisive vote here went to the entry on the left (the arrangement writes the winner first): 29 of 30, the tie aside.
        Assert.Equal((29, 29), (trial.LeftWins, trial.DecisiveVotes));
        Assert.Equal(3, trial.StyleCoefficients.Count);

        var ledgerA = await GrowthTestData.LedgerAsync(pg, s.OwnerA.UserId!.Value);
        Assert.Equal([($"trial:{s.Trial.Id}:entry:{s.A.Id}", 100m, LedgerSource.TrialReward)], ledgerA);
        var ledgerB = await GrowthTestData.LedgerAsync(pg, s.OwnerB.UserId!.Value);
        Assert.Equal([($"trial:{s.Trial.Id}:entry:{s.B.Id}", 50m, LedgerSource.TrialReward)], ledgerB);
        await GrowthTestData.AssertLedgerSumsToWalletsAsync(pg);

        var history = await db.TrialRatingHistory.Where(h => h.TrialId == s.Trial.Id).ToListAsync();
        Assert.Equal(3, history.Count(h => h.Scope == RatingScope.Trial));
        Assert.Equal(3, history.Count(h => h.Scope == RatingScope.Season && h.ScopeId == s.Trial.SeasonId));
        Assert.Equal(3, history.Count(h => h.Scope == RatingScope.AllTime));
        Assert.All(history, h => Assert.Equal(s.Trial.FinishedAt, h.RecordedAt));
    }

    [Fact]
    public async Task Score_ByAPlayerOrAnOwner_IsForbiddenAndChangesNothing()
    {
        var s = await FinishedTrialAsync();

        var player = await Scorer(await pg.CreateUserAsync()).ScoreAsync(s.Trial.Id);
        var owner = await Scorer(s.OwnerA).ScoreAsync(s.Trial.Id);
        var anonymous = await Scorer(UserContext.Anonymous).ScoreAsync(s.Trial.Id);

        Assert.Equal(ResultKind.Forbidden, player.Kind);
        Assert.Equal(ResultKind.Forbidden, owner.Kind);
        Assert.Equal(ResultKind.Forbidden, anonymous.Kind);
        await using var db = pg.OwnerContext();
        Assert.False(await db.TrialEntries.AnyAsync(e => e.TrialId == s.Trial.Id && e.Score != null));
        Assert.Empty(await GrowthTestData.LedgerAsync(pg, s.OwnerA.UserId!.Value));
    }

    [Fact]
    public async Task Score_OngoingTrial_IsRefusedWithAReason()
    {
        var admin = await pg.CreateAdminAsync();
        var trial = await arena.TrialAsync(admin, null, TrialStatus.Ongoing, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(9));

        var result = await Scorer(admin).ScoreAsync(trial.Id);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal("Arena.Scoring.NotFinished", Assert.Single(result.Errors).Code);
        Assert.Equal(ResultKind.NotFound, (await Scorer(admin).ScoreAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task Score_TrialWithoutVotesOrJudges_RanksByValidityAndBooksTheTable()
    {
        var admin = await pg.CreateAdminAsync();
        var season = await arena.SeasonAsync(admin, 30);
        var trial = await arena.TrialAsync(admin, season, TrialStatus.Finished, ArenaFixture.T0, ArenaFixture.T0.AddDays(1), ArenaFixture.T0.AddDays(2));
        var owner = await pg.CreateUserAsync(null, "star_owner");
        var valid = await arena.EntryAsync(trial.Id, owner, await arena.StarAsync(owner, "有效"), "有效");
        var invalid = await arena.EntryAsync(trial.Id, owner, await arena.StarAsync(owner, "无效"), "无效", valid: false);

        var run = await Scorer(admin).ScoreAsync(trial.Id);

        Assert.Equal(new TrialScoringRun(2, 0, 1, 30), run.Value);
        await using var db = pg.OwnerContext();
        var rows = await db.TrialEntries.Where(e => e.TrialId == trial.Id).ToDictionaryAsync(e => e.Id);
        Assert.Equal((100m, 1, 30), (rows[valid.Id].Score!.Value, rows[valid.Id].Rank!.Value, rows[valid.Id].RewardPoints));
        Assert.Equal((0m, 2, 0), (rows[invalid.Id].Score!.Value, rows[invalid.Id].Rank!.Value, rows[invalid.Id].RewardPoints));
        Assert.Null(rows[valid.Id].Rating);
        Assert.Empty(await db.TrialRatingHistory.Where(h => h.TrialId == trial.Id).ToListAsync());
    }

    [Fact]
    public async Task Score_TwoRunsAtOnce_BookEachRewardOnce()
    {
        var s = await FinishedTrialAsync();

        var runs = await Task.WhenAll(Scorer(s.Admin).ScoreAsync(s.Trial.Id), Scorer(s.Admin).ScoreAsync(s.Trial.Id));

        Assert.All(runs, r => Assert.True(r.Succeeded));
        Assert.Equal(2, runs.Sum(r => r.Value!.RewardsBooked));
        Assert.Single(await GrowthTestData.LedgerAsync(pg, s.OwnerA.UserId!.Value));
        await GrowthTestData.AssertLedgerSumsToWalletsAsync(pg);
    }
}
