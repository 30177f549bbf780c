using StarStudio.Core.Creation;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Unit.Creation;

public class PublishGateTests
{
    private static CreationAnchors Good() => new()
    {
        Name = "史官小满",
        Domain = "历史",
        Persona = "一位幽默风趣的历史讲解员，面向小学生，用故事讲三国和唐宋的人物与事件。",
        Tone = "幽默风趣",
        Boundaries = "不讨论现实政治",
        SampleQuestions = ["秦始皇为什么要统一文字？"],
    };

    private static PublishGateResult Gate(CreationStage stage, CreationAnchors a, CreationDrafts d) =>
        PublishGate.Evaluate(stage, a, d, CreationQualityRules.Evaluate(a, d));

    [Fact]
    public void Evaluate_DraftedGoodSession_IsOpen()
    {
        var a = Good();
        var gate = Gate(CreationStage.Reviewing, a, OfflineCreationDrafter.Draft(a));

        Assert.True(gate.Open);
        Assert.Empty(gate.Blockers);
    }

    [Fact]
    public void Evaluate_NotDrafted_SaysSoAndWhatElseIsMissing()
    {
        var a = Good();
        a.Name = "";
        a.Boundaries = "";

        var gate = Gate(CreationStage.CollectingAnchors, a, CreationDrafts.Empty);

        Assert.Equal(["Creation.Gate.NotDrafted", "Creation.Gate.NameRequired", "Creation.Finding.MissingBoundaries"], gate.Blockers.Select(b => b.ResourceKey));
        Assert.False(gate.Open);
    }

    [Fact]
    public void Evaluate_EmptyCards_ListsEachRequiredCardOnce()
    {
        var a = Good();
        var d = OfflineCreationDrafter.Draft(a) with { Persona = " ", Greeting = "" };

        var gate = Gate(CreationStage.Drafting, a, d);

        Assert.Equal(["Creation.Gate.PersonaRequired", "Creation.Gate.GreetingRequired"], gate.Blockers.Select(b => b.ResourceKey));
    }

    [Fact]
    public void Evaluate_WarningsOnly_DoNotBlock()
    {
        var a = Good();
        a.Tone = "友好";
        a.SampleQuestions = [];

        Assert.True(Gate(CreationStage.Drafting, a, OfflineCreationDrafter.Draft(a)).Open);
    }

    [Fact]
    public void Evaluate_StarLimits_AreBlockers()
    {
        var a = Good();
        a.Name = new string('星', 81);

        var b = Assert.Single(Gate(CreationStage.Drafting, a, OfflineCreationDrafter.Draft(a)).Blockers);
        Assert.Equal(("name", "Star.Name.TooLong", "80"), (b.Field, b.ResourceKey, b.Args[0]));
    }

    [Fact]
    public void Evaluate_TooLongGreetingCard_IsABlockerAtTheGreeting()
    {
        var a = Good();
        var d = OfflineCreationDrafter.Draft(a) with { Greeting = new string('好', 4001) };

        var b = Assert.Single(Gate(CreationStage.Drafting, a, d).Blockers);
        Assert.Equal(("greeting", "Star.Field.TooLong", "4000"), (b.Field, b.ResourceKey, b.Args[0]));
    }

    [Fact]
    public void Evaluate_Published_IsClosedForGood()
    {
        var a = Good();
        var b = Assert.Single(Gate(CreationStage.Published, a, OfflineCreationDrafter.Draft(a)).Blockers);
        Assert.Equal("Creation.Gate.AlreadyPublished", b.ResourceKey);
    }

    [Fact]
    public void Gate_RoundTripsThroughJson()
    {
        var a = Good();
        a.Domain = "";
        var gate = Gate(CreationStage.Drafting, a, OfflineCreationDrafter.Draft(a));

        var back = PublishGateResult.FromJson(gate.ToJson());

        Assert.Equal(gate.Blockers.Select(b => b.ResourceKey), back.Blockers.Select(b => b.ResourceKey));
        Assert.Contains("\"open\":false", gate.ToJson());
    }

    [Fact]
    public void ToStarDraft_UsesThePersonaCardAndTagsTheDomain()
    {
        var a = Good();
        var d = OfflineCreationDrafter.Draft(a);

        var star = CreationPublishing.ToStarDraft(a, d);

        Assert.Equal((a.Name, a.Domain, d.Persona, a.Tone), (star.Name, star.Domain, star.Persona, star.Tone));
        Assert.Equal((d.Greeting, d.Examples), (star.Greeting, star.ExampleDialogues));
        Assert.Equal("边界（必须遵守）：不讨论现实政治", star.SystemPrompt);
        Assert.Equal(PersonaVersionSource.Assistant, star.VersionSource);
        Assert.Equal(["历史"], star.Tags);
    }
}
