using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Stars;

/// <summary>
/// Every page of the star list, for every sort order and status filter, is exactly what a plain
/// ORDER BY … OFFSET over the owner's stars gives (a LINQ-to-objects oracle here), whatever query shape the
/// service uses. The data has ties on every sort key, so the id tie-break decides, and another owner's public
/// active stars (which the app role can read under row-level security) interleave with the owner's.
/// </summary>
public sealed class StarListPagingTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const int OwnerStars = 60;
    private const int PageSize = 7;
    private static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-objects-").FullName;

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    [Theory]
    [InlineData(StarSort.UpdatedDesc, null)]
    [InlineData(StarSort.NameAsc, null)]
    [InlineData(StarSort.CreatedDesc, null)]
    [InlineData(StarSort.UpdatedDesc, StarStatus.Active)]
    [InlineData(StarSort.UpdatedDesc, StarStatus.Paused)]
    [InlineData(StarSort.NameAsc, StarStatus.Paused)]
    [InlineData(StarSort.CreatedDesc, StarStatus.Paused)]
    [InlineData(StarSort.NameAsc, StarStatus.Archived)]
    [InlineData(StarSort.CreatedDesc, StarStatus.Active)]
    public async Task ListMine_EveryPage_IsThePlainOrderByOffsetPage(StarSort sort, StarStatus? status)
    {
        var (owner, all) = await SeedAsync();
        var mine = all.Where(s => s.OwnerId == owner.UserId && (status is null || s.Status == status)).ToList();

        await AssertEveryPageAsync(owner, all, new StarListQuery(PageSize: PageSize, Status: status, Sort: sort), mine);
    }

    [Theory]
    [InlineData(StarSort.UpdatedDesc, null)]
    [InlineData(StarSort.NameAsc, StarStatus.Active)]
    [InlineData(StarSort.CreatedDesc, null)]
    public async Task ListMine_SearchEveryPage_IsThePlainOrderByOffsetPage(StarSort sort, StarStatus? status)
    {
        var (owner, all) = await SeedAsync();
        var mine = all.Where(s => s.OwnerId == owner.UserId && (status is null || s.Status == status)
            && (s.Name.Contains("古籍", StringComparison.Ordinal) || s.Domain.Contains("古籍", StringComparison.Ordinal))).ToList();
        Assert.InRange(mine.Count, PageSize + 1, OwnerStars - 1);

        await AssertEveryPageAsync(owner, all, new StarListQuery(PageSize: PageSize, Search: "古籍", Status: status, Sort: sort), mine);
    }

    [Fact]
    public async Task ListMine_PageSizeOver100_IsClampedAndStillInOrder()
    {
        var (owner, all) = await SeedAsync(ownerStars: 130);
        var mine = all.Where(s => s.OwnerId == owner.UserId).ToList();

        var page = await Service(owner).ListMineAsync(new StarListQuery(Page: 1, PageSize: 500));

        Assert.Equal(130, page.TotalCount);
        Assert.Equal(Rows(Oracle(mine, StarSort.UpdatedDesc).Skip(100).Take(100)), Rows(page.Items));
    }

    private async Task AssertEveryPageAsync(UserContext owner, List<Star> all, StarListQuery query, List<Star> expectedRows)
    {
        var expected = Oracle(expectedRows, query.Sort).ToList();
        var others = all.Where(s => s.OwnerId != owner.UserId).Select(s => s.Id).ToHashSet();
        var stars = Service(owner);
        var pages = (expected.Count + PageSize - 1) / PageSize;
        var seen = new List<Guid>();

        // One page past the end too: it must be empty, with the same total.
        for (var page = 0; page <= pages; page++)
        {
            var actual = await stars.ListMineAsync(query with { Page = page });

            Assert.Equal(expected.Count, actual.TotalCount);
            Assert.Equal(Rows(expected.Skip(page * PageSize).Take(PageSize)), Rows(actual.Items));
            Assert.DoesNotContain(actual.Items, s => others.Contains(s.Id));
            seen.AddRange(actual.Items.Select(s => s.Id));
        }

        Assert.Equal(expected.Select(s => s.Id), seen);
    }

    /// <summary>The service's orders, as PostgreSQL applies them here: names in the cluster's C collation (code point order) and uuids byte by byte.</summary>
    private static IOrderedEnumerable<Star> Oracle(IEnumerable<Star> stars, StarSort sort) => sort switch
    {
        StarSort.NameAsc => stars.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id.ToString("N"), StringComparer.Ordinal),
        StarSort.CreatedDesc => stars.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id.ToString("N"), StringComparer.Ordinal),
        _ => stars.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id.ToString("N"), StringComparer.Ordinal),
    };

    private static List<string> Rows(IEnumerable<Star> stars) =>
        stars.Select(s => Row(s.Id, s.Name, s.Domain, s.Tone, s.Status, s.Tags, s.AvatarKey is not null, s.UpdatedAt)).ToList();

    private static List<string> Rows(IEnumerable<StarSummary> stars) =>
        stars.Select(s => Row(s.Id, s.Name, s.Domain, s.Tone, s.Status, s.Tags, s.HasAvatar, s.UpdatedAt)).ToList();

    private static string Row(Guid id, string name, string domain, string tone, StarStatus status, IEnumerable<string> tags, bool avatar, DateTimeOffset updated) =>
        $"{id} | {name} | {domain} | {tone} | {status} | {string.Join(',', tags)} | {avatar} | {updated.UtcTicks}";

    private IStarService Service(UserContext user) =>
        new StarServiceFactory(new LocalObjectStore(objectsRoot), TimeProvider.System).Create(pg.Db(user));

    /// <summary>
    /// The owner's stars and another owner's, inserted as the table owner with fixed values. Sort keys repeat
    /// (13 update times, 17 creation times, 20 names), so most pages cut through a run of equal keys.
    /// </summary>
    private async Task<(UserContext Owner, List<Star> All)> SeedAsync(int ownerStars = OwnerStars)
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var other = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var all = new List<Star>();
        for (var i = 0; i < ownerStars; i++)
        {
            all.Add(Create(owner.UserId!.Value, i, i % 5 == 0 ? StarStatus.Paused : i % 7 == 0 ? StarStatus.Archived : StarStatus.Active, isPublic: i % 3 == 0));
        }

        // Public and active: the app role can read these, so only the service's owner filter keeps them out.
        for (var i = 0; i < 40; i++)
        {
            all.Add(Create(other.UserId!.Value, i, StarStatus.Active, isPublic: true));
        }

        await using var db = pg.OwnerContext();
        db.Stars.AddRange(all);
        await db.SaveChangesAsync();
        return (owner, all);
    }

    private static Star Create(Guid ownerId, int i, StarStatus status, bool isPublic) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = ownerId,
        Name = i % 4 == 0 ? $"古籍 {i % 20:00}" : $"星 {i % 20:00}",
        Domain = i % 6 == 0 ? "古籍修复" : "天文",
        Persona = "persona",
        Tone = $"tone {i}",
        Status = status,
        Tags = i % 2 == 0 ? ["a", $"t{i}"] : [],
        AvatarKey = i % 9 == 0 ? $"stars/{i}.png" : null,
        IsPublic = isPublic,
        CreatedAt = Origin.AddHours(-(i % 17)),
        UpdatedAt = Origin.AddMinutes(i % 13),
    };
}
