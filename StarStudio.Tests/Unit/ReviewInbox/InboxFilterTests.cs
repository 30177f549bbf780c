using StarStudio.Core.ReviewInbox;

namespace StarStudio.Tests.Unit.ReviewInbox;

public class InboxFilterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static InboxItem Item(InboxKind kind, TimeSpan age) => new(kind, Guid.NewGuid(), "t", "1.0.0", "someone", Now - age, "", null);

    [Fact]
    public void Matches_NoFilter_TakesEveryKindAndAge()
    {
        var filter = new InboxFilter();

        Assert.All(Enum.GetValues<InboxKind>(), k => Assert.True(filter.Matches(Item(k, TimeSpan.FromMinutes(1)), Now)));
    }

    [Fact]
    public void Matches_Kind_TakesOnlyThatKind()
    {
        var filter = new InboxFilter(Kind: InboxKind.Report);

        Assert.True(filter.Matches(Item(InboxKind.Report, TimeSpan.Zero), Now));
        Assert.False(filter.Matches(Item(InboxKind.Skill, TimeSpan.Zero), Now));
    }

    [Theory]
    [InlineData(InboxAge.OverADay, 23, false)]
    [InlineData(InboxAge.OverADay, 25, true)]
    [InlineData(InboxAge.OverAWeek, 24 * 6, false)]
    [InlineData(InboxAge.OverAWeek, 24 * 8, true)]
    [InlineData(InboxAge.Any, 0, true)]
    public void Matches_Age_TakesItemsWaitingLongerThanTheAge(InboxAge age, int hours, bool expected)
    {
        Assert.Equal(expected, new InboxFilter(Age: age).Matches(Item(InboxKind.Star, TimeSpan.FromHours(hours)), Now));
    }

    [Fact]
    public void TotalWaiting_SumsEveryKind()
    {
        var page = new InboxPage([], new Dictionary<InboxKind, int> { [InboxKind.Skill] = 2, [InboxKind.Report] = 3 });

        Assert.Equal(5, page.TotalWaiting);
    }
}
