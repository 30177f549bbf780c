using System.Text.Json;
using StarStudio.Core.Arena;

namespace StarStudio.Tests.Unit.Arena;

public sealed class TrialScoringTests
{
    [Fact]
    public void Score_WorkedExampleOfTheDocs()
    {
        // docs/arena.md: valid answer, rubric 7.3, rating 1100 in a trial whose mean is 1000.
        // battle part 1/(1+10^(-100/400)) = 0.640065; 100·(0.2·1 + 0.4·0.7 + 0.4·0.640065) = 73.60.
        var s = TrialScoring.Score(new ScoreInputs(true, 7.3, new RatingInterval(1100, 1000, 1200)), 1000);
        Assert.Equal(73.60, s.Score, 2);
        Assert.Equal(100 * (0.2 + 0.28 + (0.4 * 0.5)), s.Lower, 2);
        Assert.Equal(Math.Round(100 * (0.2 + 0.28 + (0.4 / (1 + Math.Pow(10, -0.5)))), 2), s.Upper, 2);
    }

    [Fact]
    public void Score_MissingPartsAreLeftOutAndTheRestRescaled()
    {
        Assert.Equal(100, TrialScoring.Score(new ScoreInputs(true, null, null), 1000).Score);
        Assert.Equal(0, TrialScoring.Score(new ScoreInputs(false, null, null), 1000).Score);
        // validity 0.2·1 + rubric 0.4·1 over 0.6 = 100; invalid with a perfect rubric = 0.4/0.6.
        Assert.Equal(66.67, TrialScoring.Score(new ScoreInputs(false, 10, null), 1000).Score);
        // invalid, lowest rubric, average rating: 100·(0 + 0 + 0.4·0.5) = 20.
        Assert.Equal(20, TrialScoring.Score(new ScoreInputs(false, 1, new RatingInterval(1000, 1000, 1000)), 1000).Score);
    }

    [Fact]
    public void Score_StaysWithinZeroToHundred()
    {
        foreach (var rating in new[] { -5000.0, 0, 1000, 9000 })
        {
            foreach (var rubric in new double?[] { null, 0, 1, 10, 12 })
            {
                var s = TrialScoring.Score(new ScoreInputs(true, rubric, new RatingInterval(rating, rating - 10, rating + 10)), 1000);
                Assert.InRange(s.Score, 0, 100);
                Assert.True(s.Lower <= s.Score && s.Score <= s.Upper);
            }
        }
    }

    [Fact]
    public void Rubric_IsTheWeightedMeanOfCriterionMeans()
    {
        var criteria = new[] { new RubricCriterion("accuracy", "", 2), new RubricCriterion("style", "", 1), new RubricCriterion("unscored", "", 5) };
        var scores = new Dictionary<string, IReadOnlyList<int>> { ["accuracy"] = [8, 6], ["style"] = [10] };
        Assert.Equal(((2 * 7.0) + 10) / 3, TrialScoring.Rubric(criteria, scores)!.Value, 10);
        Assert.Null(TrialScoring.Rubric(criteria, new Dictionary<string, IReadOnlyList<int>>()));
    }

    [Fact]
    public void Ranks_OverlappingIntervalsBecomeRanges()
    {
        var ranks = TrialScoring.Ranks([new(90, 85, 95), new(80, 70, 88), new(60, 58, 62), new(60, 50, 70)]);
        Assert.Equal(["1–2", "1–3", "3–4", "2–4"], ranks.Select(r => r.ToString()));
        Assert.Equal([1, 2, 3, 3], ranks.Select(r => r.Rank));
    }

    [Fact]
    public void Ranks_SeparatedIntervalsAreSingleRanks()
    {
        var ranks = TrialScoring.Ranks([new(50, 49, 51), new(90, 89, 91), new(70, 69, 71)]);
        Assert.Equal(["3", "1", "2"], ranks.Select(r => r.ToString()));
    }

    [Fact]
    public void Reward_ByRankFromTheTable()
    {
        long[] table = [100, 50, 20];
        Assert.Equal([100L, 50, 20, 0, 0], new[] { 1, 2, 3, 4, 0 }.Select(r => TrialScoring.Reward(table, r)));
    }

    [Fact]
    public void Style_CountsLengthHeadersAndListItemsOfStrings()
    {
        using var doc = JsonDocument.Parse("""{"title":"# 标题","body":"intro\n## part\n- one\n* two\n3. three\n4) four\nplain 5. no","n":12345}""");
        const string body = "intro\n## part\n- one\n* two\n3. three\n4) four\nplain 5. no";
        Assert.Equal(new AnswerStyle(4 + body.Length, 2, 4), TrialScoring.Style(doc.RootElement));
    }
}
