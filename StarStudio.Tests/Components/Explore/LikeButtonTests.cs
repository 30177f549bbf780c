using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Web.Components.Explore;

namespace StarStudio.Tests.Components.Explore;

public sealed class LikeButtonTests : ComponentTest
{
    private sealed class FakeLikes(Func<bool, Result<LikeState>> answer) : IStarLikeService
    {
        public List<bool> Sent { get; } = [];

        public Task<Result<LikeState>> SetAsync(Guid starId, bool like, CancellationToken ct = default)
        {
            Sent.Add(like);
            return Task.FromResult(answer(like));
        }

        public Task<Result<LikeState>> ToggleAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();
    }

    [Fact]
    public void Click_SendsTheWantedState_AndShowsTheNewCount()
    {
        var likes = new FakeLikes(like => Result<LikeState>.Ok(new LikeState(like, like ? 5 : 4)));
        Context.Services.AddSingleton<IStarLikeService>(likes);
        var cut = Render<LikeButton>(p => p.Add(c => c.StarId, Guid.NewGuid()).Add(c => c.Count, 4));

        cut.Find("[data-testid=like-button]").Click();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=like-button]").GetAttribute("data-liked")));
        Assert.Equal("5", cut.Find("[data-testid=like-count]").TextContent);

        cut.Find("[data-testid=like-button]").Click();
        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-testid=like-button]").GetAttribute("data-liked")));
        Assert.Equal([true, false], likes.Sent);
    }

    [Fact]
    public void Click_OnAStarMadePrivate_ShowsWhy_AndStaysUnliked()
    {
        Context.Services.AddSingleton<IStarLikeService>(new FakeLikes(_ => Result<LikeState>.Invalid("Star", "Explore.Like.NotPublic")));
        var cut = Render<LikeButton>(p => p.Add(c => c.StarId, Guid.NewGuid()));

        cut.Find("[data-testid=like-button]").Click();

        cut.WaitForAssertion(() => Assert.Contains("未公开或已归档", cut.Find("[data-testid=like-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("false", cut.Find("[data-testid=like-button]").GetAttribute("data-liked"));
    }
}
