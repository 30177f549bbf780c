using StarStudio.Core.Common;
using StarStudio.Core.Explore;

namespace StarStudio.Tests.Integration.Explore;

/// <summary>Server paging of the gallery (its own database: its 29 stars would crowd the other tests' first pages).</summary>
public sealed class GalleryPagingTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly GalleryTestData data = new(pg);

    [Fact]
    public async Task Paging_ServesPagesWithoutOverlap_AndRefusesAPageOutOfRange()
    {
        var many = await pg.CreateUserAsync();
        for (var i = 0; i < GalleryQuery.PageSize + 5; i++)
        {
            await data.StarAsync(many, $"分页之星{i}", "分页测试");
        }

        var first = (await data.Gallery(UserContext.Anonymous).SearchAsync(new GalleryQuery(Domain: "分页测试", Page: 1))).Value!;
        var second = (await data.Gallery(UserContext.Anonymous).SearchAsync(new GalleryQuery(Domain: "分页测试", Page: 2))).Value!;
        var tooDeep = await data.Gallery(UserContext.Anonymous).SearchAsync(new GalleryQuery(Page: GalleryQuery.MaxPage + 1));

        Assert.Equal((GalleryQuery.PageSize, true), (first.Items.Count, first.HasMore));
        Assert.Equal((5, false), (second.Items.Count, second.HasMore));
        Assert.Empty(first.Items.Select(c => c.StarId).Intersect(second.Items.Select(c => c.StarId)));
        Assert.Equal("Explore.Page.Range", tooDeep.Errors.Single().Code);
    }
}
