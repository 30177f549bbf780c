using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.ContentFilter;
using StarStudio.Web.Components.Studio.Stars;

namespace StarStudio.Tests.Components.Studio.Stars;

public sealed class ContentRatingPanelTests : ComponentTest
{
    private readonly FakeRatings ratings = new();
    private readonly Guid star = Guid.NewGuid();

    public ContentRatingPanelTests()
    {
        Context.Services.AddSingleton<IContentRatingService>(ratings);
        Context.Render<MudBlazor.MudPopoverProvider>();
    }

    [Fact]
    public void Owner_SeesTheEffectiveRating_TheTagNote_AndNoFloorSelect()
    {
        ratings.Current = new StarContentRating(star, ContentRatings.General, null, ContentRatings.Adult, TagForcesAdult: true);

        var cut = Render<ContentRatingPanel>(p => p.Add(c => c.StarId, star));

        Assert.Contains("玩家看到的分级：成人", cut.Find("[data-testid=content-rating-effective]").TextContent);
        Assert.Contains("某个标签（如 NSFW）使此智星被视为成人。", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=content-rating-floor-save]"));
    }

    [Fact]
    public async Task Admin_SetsAFloor_ThroughTheService()
    {
        ratings.Current = new StarContentRating(star, ContentRatings.Teen, null, ContentRatings.Teen, false);
        var cut = Render<ContentRatingPanel>(p => p.Add(c => c.StarId, star).Add(c => c.IsAdmin, true));

        await cut.Find("[data-testid=content-rating-floor-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal([(star, (string?)null)], ratings.Floors));
    }

    [Fact]
    public void Owner_WithAFloor_IsToldItsValue()
    {
        ratings.Current = new StarContentRating(star, ContentRatings.Mature, ContentRatings.Mature, ContentRatings.Mature, false);

        var cut = Render<ContentRatingPanel>(p => p.Add(c => c.StarId, star));

        Assert.Contains("管理员设定的最低分级：成熟", cut.Markup);
    }

    [Fact]
    public void NotTheOwnersStar_ShowsNothing()
    {
        ratings.Current = null;

        var cut = Render<ContentRatingPanel>(p => p.Add(c => c.StarId, star));

        Assert.Empty(cut.FindAll("[data-testid=content-rating-panel]"));
    }

    private sealed class FakeRatings : IContentRatingService
    {
        public StarContentRating? Current { get; set; }
        public List<(Guid, string?)> Floors { get; } = [];

        public Task<Result<StarContentRating>> GetAsync(Guid starId, CancellationToken ct = default) =>
            Task.FromResult(Current is null ? Result<StarContentRating>.NotFound() : Result<StarContentRating>.Ok(Current));

        public Task<Result<StarContentRating>> SetAsync(Guid starId, string rating, CancellationToken ct = default) =>
            Task.FromResult(Result<StarContentRating>.Ok(Current! with { OwnerRating = rating }));

        public Task<Result<StarContentRating>> SetAdminFloorAsync(Guid starId, string? floor, CancellationToken ct = default)
        {
            Floors.Add((starId, floor));
            return Task.FromResult(Result<StarContentRating>.Ok(Current! with { AdminFloor = floor }));
        }
    }
}
