using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;

namespace StarStudio.Tests.Unit.Arena.Battles;

public class JudgingRulesTests
{
    private static readonly RubricCriterion[] Rubric = [new("accuracy", "Facts right", 2), new("style", "Reads well", 1)];

    [Fact]
    public void Validate_ScoresOfKnownCriteriaInRange_Pass() =>
        Assert.Empty(JudgingRules.Validate(Rubric, [new("accuracy", 1, null), new("style", 10, "fine")]));

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(-3)]
    public void Validate_ScoreOutOfRange_IsRefusedAtItsField(int score)
    {
        var errors = JudgingRules.Validate(Rubric, [new("accuracy", 5, null), new("style", score, null)]);

        var e = Assert.Single(errors);
        Assert.Equal(("Scores[1].Score", JudgingErrors.ScoreRange), (e.Field, e.Code));
        Assert.Equal([1, 10], e.Args);
    }

    [Fact]
    public void Validate_UnknownOrRepeatedCriterion_IsRefused()
    {
        var errors = JudgingRules.Validate(Rubric, [new("Accuracy", 5, null), new("style", 5, null), new("style", 6, null)]);

        Assert.Equal([("Scores[0].Criterion", JudgingErrors.UnknownCriterion), ("Scores[2].Criterion", JudgingErrors.DuplicateCriterion)],
            errors.Select(e => (e.Field, e.Code)));
    }

    [Fact]
    public void Validate_LongCommentOrNothing_IsRefused()
    {
        Assert.Equal(JudgingErrors.CommentTooLong, Assert.Single(JudgingRules.Validate(Rubric, [new("style", 5, new string('x', 2001))])).Code);
        Assert.Equal(JudgingErrors.NoScores, Assert.Single(JudgingRules.Validate(Rubric, [])).Code);
    }
}
