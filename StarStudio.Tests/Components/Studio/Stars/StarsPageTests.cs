using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Web.Components.Studio.Stars;

namespace StarStudio.Tests.Components.Studio.Stars;

/// <summary>The studio's star list: server paging, search and status filter, in MudBlazor's table markup.</summary>
public sealed class StarsPageTests : ComponentTest
{
    private readonly FakeStars stars = new();

    public StarsPageTests()
    {
        Context.Services.AddSingleton<IStarService>(stars);
        Context.Services.AddSingleton<IMagnitudeService>(new NoMagnitudeLevels());
    }

    [Fact]
    public void Empty_SaysSo()
    {
        var cut = Render<StarsPage>(_ => { });

        cut.WaitForAssertion(() => Assert.Contains("你还没有智星", cut.Find("[data-testid=no-stars]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=star-pager]"));
    }

    [Fact]
    public async Task Pages_ThroughTheServer_AndTheSizeStartsAgainAtTheFirstPage()
    {
        stars.All = Enumerable.Range(1, 45).Select(i => Star($"星{i:D2}")).ToList();
        var cut = Render<StarsPage>(_ => { });

        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=star-row]").Count));
        Assert.Equal("星01", cut.FindAll("[data-testid=star-link]")[0].TextContent);
        Assert.Equal("第 1–20 个，共 45 个", cut.Find("[data-testid=star-pager-info]").TextContent);
        Assert.True(cut.Find("[data-testid=star-page-previous]").HasAttribute("disabled"));

        await cut.Find("[data-testid=star-page-next]").ClickAsync();
        await cut.Find("[data-testid=star-page-next]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("第 41–45 个，共 45 个", cut.Find("[data-testid=star-pager-info]").TextContent));
        Assert.Equal(5, cut.FindAll("[data-testid=star-row]").Count);
        Assert.True(cut.Find("[data-testid=star-page-next]").HasAttribute("disabled"));
        Assert.Equal(new StarListQuery(2, 20), stars.Queries[^1]);

        await cut.Find("[data-testid=star-page-size]").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "50" });

        cut.WaitForAssertion(() => Assert.Equal(45, cut.FindAll("[data-testid=star-row]").Count));
        Assert.Equal(new StarListQuery(0, 50), stars.Queries[^1]);
    }

    [Fact]
    public async Task Search_AsksTheServer_FromTheFirstPage_AndSaysWhenNothingMatches()
    {
        stars.All = Enumerable.Range(1, 30).Select(i => Star(i % 2 == 0 ? $"古籍{i}" : $"诗词{i}")).ToList();
        var cut = Render<StarsPage>(_ => { });
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=star-row]").Count));
        await cut.Find("[data-testid=star-page-next]").ClickAsync();

        await cut.Find("#star-search").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "古籍" });

        cut.WaitForAssertion(() => Assert.Equal(15, cut.FindAll("[data-testid=star-row]").Count));
        Assert.Equal(new StarListQuery(0, 20, "古籍"), stars.Queries[^1]);

        await cut.Find("#star-search").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "没有这个" });
        cut.WaitForAssertion(() => Assert.Contains("没有匹配的智星", cut.Find("[data-testid=no-stars]").TextContent));
    }

    [Fact]
    public async Task StatusFilter_IsAPlainSelect_AsksTheServerFromTheFirstPage_AndAnyStatusClearsIt()
    {
        stars.All = [.. Enumerable.Range(1, 30).Select(i => Star($"星{i:D2}") with { Status = i % 3 == 0 ? StarStatus.Paused : StarStatus.Active })];
        var cut = Render<StarsPage>(_ => { });
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=star-row]").Count));
        await cut.Find("[data-testid=star-page-next]").ClickAsync();

        var select = cut.Find("select#star-status");
        Assert.Equal(["全部状态", .. Enum.GetValues<StarStatus>().Select(s => cut.Find($"option[value={s}]").TextContent)], select.QuerySelectorAll("option").Select(o => o.TextContent));
        Assert.Equal("状态", cut.Find("label[for=star-status]").TextContent);
        await select.ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = nameof(StarStatus.Paused) });

        cut.WaitForAssertion(() => Assert.Equal(10, cut.FindAll("[data-testid=star-row]").Count));
        Assert.Equal(new StarListQuery(0, 20, null, StarStatus.Paused), stars.Queries[^1]);
        Assert.True(cut.Find($"option[value={StarStatus.Paused}]").HasAttribute("selected"));

        await cut.Find("select#star-status").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "99" });
        Assert.Equal(new StarListQuery(0, 20), stars.Queries[^1]); // not a status: no filter

        await cut.Find("select#star-status").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = nameof(StarStatus.Paused) });
        await cut.Find("select#star-status").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "" });
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=star-row]").Count));
        Assert.Equal(new StarListQuery(0, 20), stars.Queries[^1]);
    }

    [Fact]
    public async Task Search_WaitsForTypingToPause_ThenAsksOnce()
    {
        stars.All = [.. Enumerable.Range(1, 30).Select(i => Star(i % 2 == 0 ? $"古籍{i}" : $"诗词{i}"))];
        var cut = Render<StarsPage>(_ => { });
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=star-row]").Count));
        var before = stars.Queries.Count;

        var keys = new[] { "古", "古籍", "古籍 " }.Select(v => cut.Find("#star-search").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = v })).ToList();
        await Task.WhenAll(keys);

        Assert.Equal(before + 1, stars.Queries.Count);
        Assert.Equal(new StarListQuery(0, 20, "古籍"), stars.Queries[^1]);
    }

    private static StarSummary Star(string name) =>
        new(Guid.NewGuid(), name, "古籍修复", "亲切", StarStatus.Active, ["文化"], false, DateTimeOffset.UtcNow);

    private sealed class FakeStars : IStarService
    {
        public List<StarSummary> All { get; set; } = [];

        public List<StarListQuery> Queries { get; } = [];

        public Task<Page<StarSummary>> ListMineAsync(StarListQuery query, CancellationToken ct = default)
        {
            Queries.Add(query);
            var matching = All.Where(s => string.IsNullOrEmpty(query.Search) || s.Name.Contains(query.Search, StringComparison.Ordinal))
                .Where(s => query.Status is null || s.Status == query.Status).ToList();
            return Task.FromResult(new Page<StarSummary>(matching.Skip(query.Page * query.PageSize).Take(query.PageSize).ToList(), matching.Count));
        }

        public Task<Result<Star>> GetAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Star>> CreateAsync(StarDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Star>> UpdateAsync(Guid id, StarDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Star>> ChangeStatusAsync(Guid id, StarStatus status, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Star>> SetAvatarAsync(Guid id, Stream content, long length, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Star>> SetPublicAsync(Guid id, bool isPublic, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<PublicStar?> GetPublicAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<PublicStar>> ListPublicAsync(int take, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<StoredObject?> OpenAvatarAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
