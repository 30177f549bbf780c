using StarStudio.Core.Creation;

namespace StarStudio.Tests.Unit.Creation;

public class CreationRulesTests
{
    [Fact]
    public void ValidateIdea_BlankOrTooLong_AtTheIdeaField()
    {
        Assert.Equal("Creation.Idea.Required", Assert.Single(CreationRules.ValidateIdea(" \n")).Code);
        var e = Assert.Single(CreationRules.ValidateIdea(new string('想', 501)));
        Assert.Equal(("Idea", "Creation.Idea.TooLong", 500), (e.Field, e.Code, (int)e.Args[0]));
        Assert.Empty(CreationRules.ValidateIdea(new string('想', 500)));
    }

    [Fact]
    public void ValidateAnchors_EachFieldItsOwnError()
    {
        var a = new CreationAnchors
        {
            Name = new string('名', 81),
            Audience = new string('众', 201),
            SampleQuestions = [.. Enumerable.Range(0, 11).Select(i => $"问题{i}")],
        };

        var errors = CreationRules.ValidateAnchors(a);

        Assert.Equal(["Creation.Anchors.Name.TooLong", "Creation.Anchors.Audience.TooLong", "Creation.Anchors.SampleQuestions.TooMany"], errors.Select(x => x.Code));
        Assert.Equal(["Name", "Audience", "SampleQuestions"], errors.Select(x => x.Field));
    }

    [Fact]
    public void ValidateAnchors_BlankQuestionsDoNotCount()
    {
        var a = new CreationAnchors { SampleQuestions = [.. Enumerable.Repeat(" ", 20), "问题"] };

        Assert.Empty(CreationRules.ValidateAnchors(a));
    }

    [Fact]
    public void ValidateCard_UsesTheStarsLimits()
    {
        Assert.Empty(CreationRules.ValidateCard(CreationDraftKind.Greeting, new string('好', 4000)));
        var e = Assert.Single(CreationRules.ValidateCard(CreationDraftKind.Greeting, new string('好', 4001)));
        Assert.Equal(("greeting", "Creation.Card.TooLong", 4000), (e.Field, e.Code, (int)e.Args[0]));
        Assert.Single(CreationRules.ValidateCard(CreationDraftKind.Persona, new string('人', 8001)));
    }

    [Fact]
    public void ValidateLabel_RequiredAndBounded()
    {
        Assert.Equal("Creation.Checkpoint.Label.Required", Assert.Single(CreationRules.ValidateLabel("")).Code);
        Assert.Equal("Creation.Checkpoint.Label.TooLong", Assert.Single(CreationRules.ValidateLabel(new string('点', 81))).Code);
        Assert.Empty(CreationRules.ValidateLabel("编程版"));
    }

    [Fact]
    public void Anchors_UnreadableJson_ReadsAsEmpty()
    {
        Assert.Equal("", CreationAnchors.FromJson("{not json").Name);
        Assert.Equal("墨痕", CreationAnchors.FromJson(new CreationAnchors { Name = " 墨痕 " }.ToJson()).Name);
    }
}
