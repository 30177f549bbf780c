using StarStudio.Core.Arena;

namespace StarStudio.Tests.Unit.Arena.Admin;

public class ArenaAdminRulesTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static StarTrial Trial(TrialStatus status, int opensMin, int submitMin, int endsMin, bool autoOpen = false) => new()
    {
        Status = status, AutoOpen = autoOpen, OpensAt = T.AddMinutes(opensMin), SubmitUntil = T.AddMinutes(submitMin), EndsAt = T.AddMinutes(endsMin),
    };

    [Theory]
    [InlineData(TrialStatus.Draft, -1, 5, 10, true, TrialMove.Open)]
    [InlineData(TrialStatus.Draft, 0, 5, 10, true, TrialMove.Open)] // opens exactly now
    [InlineData(TrialStatus.Draft, 1, 5, 10, true, TrialMove.None)] // not yet
    [InlineData(TrialStatus.Draft, -1, 5, 10, false, TrialMove.None)] // an admin opens it
    [InlineData(TrialStatus.Draft, -10, -5, 0, true, TrialMove.None)] // its end has come: it can no longer open
    [InlineData(TrialStatus.Ongoing, -10, -5, 0, false, TrialMove.Finish)] // ends exactly now
    [InlineData(TrialStatus.Ongoing, -10, -5, -1, true, TrialMove.Finish)]
    [InlineData(TrialStatus.Ongoing, -10, -5, 1, false, TrialMove.None)] // judging
    [InlineData(TrialStatus.Ongoing, 1, 5, 10, false, TrialMove.None)] // upcoming
    [InlineData(TrialStatus.Finished, -10, -5, -1, false, TrialMove.None)]
    public void DueMove_AtT(TrialStatus status, int opens, int submit, int ends, bool autoOpen, TrialMove expected) =>
        Assert.Equal(expected, ArenaAdminRules.DueMove(Trial(status, opens, submit, ends, autoOpen), T));

    [Theory]
    [InlineData(TrialStatus.Draft, 5, false)]
    [InlineData(TrialStatus.Ongoing, 0, false)]
    [InlineData(TrialStatus.Ongoing, 1, true)]
    [InlineData(TrialStatus.Finished, 0, true)]
    public void ContentLocked_OnceAnEntryExists_OrFinished(TrialStatus status, int entries, bool locked) =>
        Assert.Equal(locked, ArenaAdminRules.ContentLocked(status, entries));

    [Fact]
    public void ValidateTrial_Opening_NeedsAPromptAndAFutureEnd_SavingDoesNot()
    {
        var draft = new TrialDraft { Title = "t", Prompt = " ", AnswerSchema = "{}", OpensAt = T.AddDays(-2), SubmitUntil = T.AddDays(-1), EndsAt = T };

        Assert.Empty(ArenaAdminRules.ValidateTrial(draft, T, opening: false).Errors);
        Assert.Equal(["Prompt Arena.Trial.Prompt.Required", "EndsAt Arena.Trial.Window.EndsInPast"],
            ArenaAdminRules.ValidateTrial(draft, T, opening: true).Errors.Select(e => e.Field + " " + e.Code));
    }

    [Fact]
    public void ValidateTrial_WindowBoundsMayTouch()
    {
        var draft = new TrialDraft { Title = "t", Prompt = "p", AnswerSchema = "{}", OpensAt = T.AddDays(1), SubmitUntil = T.AddDays(1), EndsAt = T.AddDays(1) };

        Assert.Empty(ArenaAdminRules.ValidateTrial(draft, T, opening: true).Errors);
    }

    [Fact]
    public void LockedChanges_ComparesSchemasAsJson_AndRubricsAsStored()
    {
        var trial = new StarTrial { Prompt = "p", AnswerSchema = """{"a": 1, "b": [1, 2]}""", Rubric = [new RubricCriterion("x", "d", 1)] };
        var same = new TrialDraft { Prompt = " p ", AnswerSchema = """{"b":[1,2],"a":1}""", Rubric = [new RubricCriterion(" x ", "d ", 1)] };
        var other = new TrialDraft { Prompt = "p", AnswerSchema = """{"b":[2,1],"a":1}""", Rubric = [new RubricCriterion("x", "d", 2)] };

        Assert.Empty(ArenaAdminRules.LockedChanges(trial, same));
        Assert.Equal(["AnswerSchema", "Rubric"], ArenaAdminRules.LockedChanges(trial, other).Select(e => e.Field));
    }

    [Fact]
    public void ValidateSeason_RewardTableOfFiftyRanks_IsAccepted()
    {
        var season = new SeasonDraft { Name = "s", StartsAt = T, EndsAt = T.AddDays(1), RewardTable = [.. Enumerable.Repeat(ArenaAdminRules.RewardMax, 50)] };

        Assert.Empty(ArenaAdminRules.ValidateSeason(season));
        season.RewardTable[49] = ArenaAdminRules.RewardMax + 1;
        Assert.Equal(50, ArenaAdminRules.ValidateSeason(season).Single().Args[0]);
    }
}
