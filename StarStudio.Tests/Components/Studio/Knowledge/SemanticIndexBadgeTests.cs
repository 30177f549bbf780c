using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Knowledge.Semantic;
using StarStudio.Web.Components.Studio.Knowledge;

namespace StarStudio.Tests.Components.Studio.Knowledge;

/// <summary>The semantic indexer's progress in the Knowledge tab: counts while running, a total when done, nothing when off.</summary>
public sealed class SemanticIndexBadgeTests : ComponentTest
{
    private readonly FakeStatus status = new();

    public SemanticIndexBadgeTests() => Context.Services.AddSingleton<ISemanticIndexStatus>(status);

    private IRenderedComponent<SemanticIndexBadge> RenderBadge() =>
        Render<SemanticIndexBadge>(p => p.Add(b => b.StarId, Guid.NewGuid()).Add(b => b.PollInterval, TimeSpan.FromMilliseconds(20)));

    [Fact]
    public void Running_ShowsIndexedOfTotal_AndFollowsProgressUntilDone()
    {
        status.Next = new SemanticIndexProgress(true, 120, 180);

        var cut = RenderBadge();

        Assert.Equal("语义索引 120/300", cut.Find("[data-testid=semantic-index-text]").TextContent.Trim());
        Assert.Equal("true", cut.Find("[data-testid=semantic-index]").GetAttribute("data-running"));

        status.Next = new SemanticIndexProgress(true, 300, 0);
        cut.WaitForAssertion(() => Assert.Equal("语义索引：300 段英文", cut.Find("[data-testid=semantic-index-text]").TextContent.Trim()));
        Assert.Equal("false", cut.Find("[data-testid=semantic-index]").GetAttribute("data-running"));
    }

    [Theory]
    [InlineData(false, 5, 5)]
    [InlineData(true, 0, 0)]
    public void OffOrNothingToIndex_ShowsNothing(bool enabled, int indexed, int pending)
    {
        status.Next = new SemanticIndexProgress(enabled, indexed, pending);

        var cut = RenderBadge();

        Assert.Empty(cut.FindAll("[data-testid=semantic-index]"));
    }

    private sealed class FakeStatus : ISemanticIndexStatus
    {
        public volatile SemanticIndexProgress Next = SemanticIndexProgress.Off;

        public Task<SemanticIndexProgress> GetAsync(Guid starId, CancellationToken ct = default) => Task.FromResult(Next);
    }
}
