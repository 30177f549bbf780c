using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Queries;
using StarStudio.Core.Arena.Scoring;

namespace StarStudio.Tests.Unit.Arena;

public sealed class TrialResultsTests
{
    private static readonly Dictionary<string, IReadOnlyList<int>> NoScores = [];

    private static EntryFacts Entry(Guid id, bool valid = true, int length = 100) => new(id, valid, new AnswerStyle(length, 0, 0), NoScores);

    private static IEnumerable<EntryVote> Repeat(Guid a, Guid b, BattleOutcome o, int n) => Enumerable.Repeat(new EntryVote(a, b, o), n);

    [Fact]
    public void Compute_RanksByTheBattleRatingAndPaysTheTableByRank()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var votes = Repeat(a, b, BattleOutcome.AWins, 9).Concat(Repeat(b, c, BattleOutcome.AWins, 9)).Concat(Repeat(a, c, BattleOutcome.AWins, 9)).ToList();

        var outcome = TrialResults.Compute([Entry(c), Entry(b), Entry(a)], votes, [], [100, 50], seed: 7);

        var byId = outcome.Entries.ToDictionary(e => e.EntryId);
        Assert.Equal([1, 2, 3], new[] { byId[a].Rank.Rank, byId[b].Rank.Rank, byId[c].Rank.Rank });
        Assert.Equal([100L, 50L, 0L], new[] { byId[a].Reward, byId[b].Reward, byId[c].Reward });
        Assert.Equal((27, 27, 27), (outcome.Votes, outcome.DecisiveVotes, outcome.LeftWins));
        Assert.Equal(18, byId[a].Battles);
    }

    [Fact]
    public void Compute_SameFactsAndSeed_GiveTheSameOutcome()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var votes = Repeat(a, b, BattleOutcome.AWins, 6).Concat(Repeat(b, a, BattleOutcome.AWins, 4)).Concat(Repeat(a, b, BattleOutcome.BothBad, 2)).ToList();
        EntryFacts[] entries = [Entry(a, length: 300), Entry(b, length: 100)];

        var first = TrialResults.Compute(entries, votes, [], [], TrialResults.SeedOf(a));
        var second = TrialResults.Compute(entries, votes, [], [], TrialResults.SeedOf(a));

        Assert.Equal(first.Entries.Select(e => (e.Score, e.Rating)), second.Entries.Select(e => (e.Score, e.Rating)));
        Assert.Equal(10, first.DecisiveVotes);
        Assert.Equal(10, first.LeftWins); // every decisive vote went to the left side here
        Assert.Equal(3, first.StyleCoefficients.Count);
    }

    [Fact]
    public void Compute_VotesOnEntriesNoLongerThere_AreLeftOut()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), gone = Guid.NewGuid();
        var votes = Repeat(a, gone, BattleOutcome.AWins, 5).Concat(Repeat(a, b, BattleOutcome.Tie, 2)).ToList();

        var outcome = TrialResults.Compute([Entry(a), Entry(b)], votes, [], [], 1);

        Assert.Equal(2, outcome.Votes);
        Assert.All(outcome.Entries, e => Assert.Equal(2, e.Battles));
    }

    [Fact]
    public void Compute_NoVotes_ScoresOnValidityAndRubricWithoutRatings()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var judged = new EntryFacts(a, true, default, new Dictionary<string, IReadOnlyList<int>> { ["x"] = [10] });

        var outcome = TrialResults.Compute([judged, Entry(b, valid: false)], [], [new RubricCriterion("x", "", 1)], [5], 1);

        var (first, second) = (outcome.Entries[0], outcome.Entries[1]);
        Assert.Null(first.Rating);
        Assert.Equal(100, first.Score.Score);
        Assert.Equal(0, second.Score.Score);
        Assert.Equal((1, 5L), (first.Rank.Rank, first.Reward));
        Assert.Empty(outcome.StyleCoefficients);
    }

    [Fact]
    public void RateStars_VotesAcrossTrials_RateStarsWithVoteCounts()
    {
        Guid x = Guid.NewGuid(), y = Guid.NewGuid();
        var votes = Repeat(x, y, BattleOutcome.AWins, 3).Concat(Repeat(y, x, BattleOutcome.AWins, 1)).ToList();

        var rated = TrialResults.RateStars([x, y], votes, 3);

        Assert.True(rated[0].Rating.Rating > rated[1].Rating.Rating);
        Assert.Equal((4, 4), (rated[0].Votes, rated[1].Votes));
    }

    [Fact]
    public void PositionBias_WilsonInterval_FlagsOnlyAClearSide()
    {
        var even = StarStudio.Core.Arena.Battles.PositionBias.Report(52, 100);
        var leftHeavy = StarStudio.Core.Arena.Battles.PositionBias.Report(80, 100);

        Assert.False(even.DiffersFromHalf);
        Assert.True(leftHeavy.DiffersFromHalf);
        Assert.InRange(leftHeavy.Low, 0.71, 0.72); // Wilson 95% for 80/100: 0.711–0.866
        Assert.InRange(leftHeavy.High, 0.86, 0.87);
        var none = StarStudio.Core.Arena.Battles.PositionBias.Report(0, 0);
        Assert.Equal((0d, 1d), (none.Low, none.High));
    }

    [Theory]
    [InlineData("s3://trial-responses/trials/a/drafts/b.json", "trials/a/drafts/b.json")]
    [InlineData("trial-responses/trials/a/drafts/b.json", "trials/a/drafts/b.json")]
    [InlineData("trials/a/drafts/b.json", null)]
    [InlineData("nowhere/x.json", null)]
    [InlineData("trial-responses/", null)]
    [InlineData("trial-responses/../x.json", null)]
    [InlineData("s3://knowledge-raw/x", null)]
    [InlineData("", null)]
    public void TrialResponseKeys_Parse_OnlyNamesItsBucket(string uri, string? key) => Assert.Equal(key, TrialResponseKeys.Parse(uri));
}
