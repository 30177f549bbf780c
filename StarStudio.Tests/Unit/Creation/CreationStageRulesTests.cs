using StarStudio.Core.Creation;

namespace StarStudio.Tests.Unit.Creation;

public class CreationStageRulesTests
{
    [Theory]
    [InlineData(CreationStage.CollectingAnchors, CreationStage.Drafting, true)]
    [InlineData(CreationStage.Drafting, CreationStage.Reviewing, true)]
    [InlineData(CreationStage.Reviewing, CreationStage.Published, true)]
    [InlineData(CreationStage.Drafting, CreationStage.Published, true)]
    [InlineData(CreationStage.CollectingAnchors, CreationStage.Reviewing, false)]
    [InlineData(CreationStage.CollectingAnchors, CreationStage.Published, false)]
    [InlineData(CreationStage.Reviewing, CreationStage.CollectingAnchors, true)]
    [InlineData(CreationStage.Reviewing, CreationStage.Drafting, true)]
    [InlineData(CreationStage.Published, CreationStage.Reviewing, false)]
    [InlineData(CreationStage.Published, CreationStage.Published, false)]
    public void CanMove(CreationStage from, CreationStage to, bool allowed) => Assert.Equal(allowed, CreationStageRules.CanMove(from, to));

    [Fact]
    public void CanRestore_NotOncePublished()
    {
        Assert.True(CreationStageRules.CanRestore(CreationStage.Reviewing, CreationStage.CollectingAnchors));
        Assert.False(CreationStageRules.CanRestore(CreationStage.Published, CreationStage.Drafting));
    }

    [Fact]
    public void ProgressOf_GrowsWithTheStage() =>
        Assert.Equal([25, 50, 75, 100], Enum.GetValues<CreationStage>().Select(s => (int)CreationStageRules.ProgressOf(s)));
}
