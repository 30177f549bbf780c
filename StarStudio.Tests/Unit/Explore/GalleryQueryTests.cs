using StarStudio.Core.Explore;

namespace StarStudio.Tests.Unit.Explore;

public sealed class GalleryQueryTests
{
    [Fact]
    public void Normalize_TrimsTextAndDropsBlankFilters()
    {
        var q = new GalleryQuery("  古籍  ", " ", "\t历史 ").Normalize().Value!;

        Assert.Equal(("古籍", null, "历史"), (q.Text, q.Domain, q.Tag));
    }

    [Fact]
    public void Normalize_TooLongTextDomainOrTag_PageOutOfRange_UnknownSort_AreFieldErrors()
    {
        var errors = new GalleryQuery(new string('x', GalleryQuery.MaxTextLength + 1), new string('d', 121), new string('t', 25), (GallerySort)42, 0)
            .Normalize().Errors.Select(e => e.Code).ToList();

        Assert.Equal(["Explore.Query.TooLong", "Explore.Domain.TooLong", "Explore.Tag.TooLong", "Explore.Page.Range", "Explore.Sort.Unknown"], errors);
        Assert.True(new GalleryQuery(new string('x', GalleryQuery.MaxTextLength)).Normalize().Succeeded);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, GalleryQuery.PageSize)]
    [InlineData(GalleryQuery.MaxPage, (GalleryQuery.MaxPage - 1) * GalleryQuery.PageSize)]
    public void Offset_IsThePagesBefore(int page, int offset) => Assert.Equal(offset, new GalleryQuery(Page: page).Offset);

    [Theory]
    [InlineData(GallerySort.Trending, "trending")]
    [InlineData(GallerySort.New, "new")]
    [InlineData(GallerySort.MostLiked, "liked")]
    public void SortKey_RoundTripsThroughParseSort(GallerySort sort, string key)
    {
        Assert.Equal(key, GalleryQuery.SortKey(sort));
        Assert.Equal(sort, GalleryQuery.ParseSort(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("'; drop")]
    public void ParseSort_Unknown_IsTrending(string? key) => Assert.Equal(GallerySort.Trending, GalleryQuery.ParseSort(key));
}
