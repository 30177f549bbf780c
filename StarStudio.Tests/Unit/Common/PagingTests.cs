using StarStudio.Core.Common;

namespace StarStudio.Tests.Unit.Common;

public sealed class PagingTests
{
    [Theory]
    [InlineData(0, 20, 0, 0, 0, false)]
    [InlineData(0, 20, 5, 1, 5, false)]
    [InlineData(0, 20, 20, 1, 20, false)]
    [InlineData(0, 20, 21, 1, 20, true)]
    [InlineData(1, 20, 21, 21, 21, false)]
    [InlineData(2, 10, 45, 21, 30, true)]
    [InlineData(4, 10, 45, 41, 45, false)]
    public void ShowsTheItemsOfThePage(int pageIndex, int pageSize, int total, int first, int last, bool hasNext)
    {
        Assert.Equal(first, Paging.First(pageIndex, pageSize, total));
        Assert.Equal(last, Paging.Last(pageIndex, pageSize, total));
        Assert.Equal(hasNext, Paging.HasNext(pageIndex, pageSize, total));
    }
}
