using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Web.Components.Stars;

namespace StarStudio.Tests.Components.Stars;

public sealed class FeaturedStarsTests : ComponentTest
{
    private sealed class PublicStars(params PublicStar[] stars) : IStarService
    {
        public int? AskedFor { get; private set; }

        public Task<IReadOnlyList<PublicStar>> ListPublicAsync(int take, CancellationToken ct = default)
        {
            AskedFor = take;
            return Task.FromResult<IReadOnlyList<PublicStar>>(stars);
        }

        public Task<Page<StarSummary>> ListMineAsync(StarListQuery query, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Star>> GetAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Star>> CreateAsync(StarDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Star>> UpdateAsync(Guid id, StarDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Star>> ChangeStatusAsync(Guid id, StarStatus status, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Star>> SetAvatarAsync(Guid id, Stream content, long length, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<Star>> SetPublicAsync(Guid id, bool isPublic, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<PublicStar?> GetPublicAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<StoredObject?> OpenAvatarAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();
    }

    [Fact]
    public void PublicStars_AreCardsLinkingToTheirChat()
    {
        var id = Guid.NewGuid();
        var service = new PublicStars(new PublicStar(id, "星图·天文向导", "业余天文观测", "热情易懂", false, DateTimeOffset.UtcNow, false));
        Context.Services.AddSingleton<IStarService>(service);

        var cut = Context.Render<FeaturedStars>(p => p.Add(c => c.Take, 3));

        Assert.Equal(3, service.AskedFor);
        Assert.Contains("公开的智星", cut.Markup, StringComparison.Ordinal);
        var card = Assert.Single(cut.FindAll("[data-testid=featured-star]"));
        Assert.Contains("星图·天文向导", card.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/stars/{id}", cut.Find("[data-testid=featured-star-chat]").GetAttribute("href"));
    }

    [Fact]
    public void NoPublicStars_RendersNothing()
    {
        Context.Services.AddSingleton<IStarService>(new PublicStars());

        var cut = Context.Render<FeaturedStars>();

        Assert.Empty(cut.FindAll("[data-testid=featured-stars]"));
        Assert.DoesNotContain("公开的智星", cut.Markup, StringComparison.Ordinal);
    }
}
