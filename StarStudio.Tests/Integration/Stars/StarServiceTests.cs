using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Stars;

public sealed class StarServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-objects-").FullName;

    private IObjectStore Objects => new LocalObjectStore(objectsRoot);

    private IStarService ServiceFor(UserContext user) => new StarServiceFactory(Objects, TimeProvider.System).Create(pg.Db(user));

    private static StarDraft Draft(string name = "墨痕·古籍修复师") => new()
    {
        Name = name,
        Domain = "古籍修复",
        Persona = "一位在图书馆古籍部工作了三十年的修复师。",
        Tone = "温和严谨",
        Tags = ["古籍", "修复"],
    };

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    [Fact]
    public async Task Create_ValidDraft_IsStoredForTheOwnerAndListed()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);

        var created = await stars.CreateAsync(Draft());
        var page = await stars.ListMineAsync(new StarListQuery());

        Assert.True(created.Succeeded);
        var row = Assert.Single(page.Items);
        Assert.Equal("墨痕·古籍修复师", row.Name);
        Assert.Equal(["古籍", "修复"], row.Tags);
        Assert.Equal(StarStatus.Active, row.Status);
        Assert.Equal(1, page.TotalCount);
    }

    [Fact]
    public async Task Create_FirstStar_MakesAPlayerAStarOwner()
    {
        var player = await pg.CreateUserAsync();

        await ServiceFor(player).CreateAsync(Draft());

        await using var db = pg.OwnerContext();
        var roles = await db.UserRoles.Where(r => r.UserId == player.UserId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync();
        Assert.Equal([RoleNames.StarOwner], roles);
        Assert.Equal(UserRole.StarOwner, (await db.Users.SingleAsync(u => u.Id == player.UserId)).Role);
    }

    [Fact]
    public async Task Create_TooLongName_ReturnsTheFieldErrorAndStoresNothing()
    {
        var owner = await pg.CreateUserAsync();

        var result = await ServiceFor(owner).CreateAsync(Draft(new string('星', 81)));

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal("Star.Name.TooLong", Assert.Single(result.Errors).Code);
        Assert.Equal(0, (await ServiceFor(owner).ListMineAsync(new StarListQuery())).TotalCount);
    }

    [Fact]
    public async Task Create_Anonymous_IsForbidden()
    {
        var result = await ServiceFor(UserContext.Anonymous).CreateAsync(Draft());

        Assert.Equal(ResultKind.Forbidden, result.Kind);
    }

    [Fact]
    public async Task ListPublic_ShowsActivePublicStarsToSignedInUsersOnly()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        var shown = (await stars.CreateAsync(Draft("公开的星"))).Value!;
        var paused = (await stars.CreateAsync(Draft("暂停的星"))).Value!;
        var hidden = (await stars.CreateAsync(Draft("私密的星"))).Value!;
        // An owner's request goes to review; an admin's publication is its own approval (docs/persona-versions.md).
        var admin = ServiceFor(await pg.CreateAdminAsync());
        await admin.SetPublicAsync(shown.Id, true);
        await admin.SetPublicAsync(paused.Id, true);
        await stars.ChangeStatusAsync(paused.Id, StarStatus.Paused);

        var seen = await ServiceFor(player).ListPublicAsync(50);
        var ownView = await stars.ListPublicAsync(50);
        var anonymous = await ServiceFor(UserContext.Anonymous).ListPublicAsync(50);

        var mine = seen.Where(s => s.Id == shown.Id || s.Id == paused.Id || s.Id == hidden.Id).ToList();
        Assert.Equal([shown.Id], mine.Select(s => s.Id));
        Assert.False(mine[0].IsOwner);
        Assert.True(ownView.Single(s => s.Id == shown.Id).IsOwner);
        Assert.DoesNotContain(ownView, s => s.Id == hidden.Id);
        Assert.Empty(anonymous);
    }

    [Fact]
    public async Task Update_ByOwner_ChangesFieldsAndUpdatedAt()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        var star = (await stars.CreateAsync(Draft())).Value!;
        var edit = Draft("墨痕");
        edit.Tone = "幽默";

        var updated = await stars.UpdateAsync(star.Id, edit);

        Assert.True(updated.Succeeded);
        var reloaded = (await stars.GetAsync(star.Id)).Value!;
        Assert.Equal("墨痕", reloaded.Name);
        Assert.Equal("幽默", reloaded.Tone);
        Assert.True(reloaded.UpdatedAt >= star.UpdatedAt);
    }

    [Fact]
    public async Task OtherUser_CannotGetUpdateMoveOrListTheStar()
    {
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        var star = (await ServiceFor(a).CreateAsync(Draft())).Value!;
        var asB = ServiceFor(b);

        Assert.Equal(ResultKind.NotFound, (await asB.GetAsync(star.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await asB.UpdateAsync(star.Id, Draft("hijacked"))).Kind);
        Assert.Equal(ResultKind.NotFound, (await asB.ChangeStatusAsync(star.Id, StarStatus.Archived)).Kind);
        Assert.Equal(ResultKind.NotFound, (await asB.SetAvatarAsync(star.Id, new MemoryStream(Png), Png.Length)).Kind);
        Assert.Equal(0, (await asB.ListMineAsync(new StarListQuery())).TotalCount);
        Assert.Equal("墨痕·古籍修复师", (await ServiceFor(a).GetAsync(star.Id)).Value!.Name);
    }

    [Fact]
    public async Task Admin_CanOpenAnyStar()
    {
        var a = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var star = (await ServiceFor(a).CreateAsync(Draft())).Value!;

        Assert.True((await ServiceFor(admin).GetAsync(star.Id)).Succeeded);
    }

    [Fact]
    public async Task ChangeStatus_PauseArchiveRestore_FollowsTheLifecycleAndArchivedIsReadOnly()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        var id = (await stars.CreateAsync(Draft())).Value!.Id;

        Assert.Equal(StarStatus.Paused, (await stars.ChangeStatusAsync(id, StarStatus.Paused)).Value!.Status);
        Assert.Equal(StarStatus.Archived, (await stars.ChangeStatusAsync(id, StarStatus.Archived)).Value!.Status);
        Assert.Equal("Star.Archived.ReadOnly", Assert.Single((await stars.UpdateAsync(id, Draft("x"))).Errors).Code);
        Assert.Equal("Star.Status.InvalidMove", Assert.Single((await stars.ChangeStatusAsync(id, StarStatus.Active)).Errors).Code);
        Assert.Equal(StarStatus.Paused, (await stars.ChangeStatusAsync(id, StarStatus.Paused)).Value!.Status);
    }

    [Fact]
    public async Task ListMine_PagesSearchesAndFiltersOnTheServer()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        for (var i = 0; i < 25; i++)
        {
            await stars.CreateAsync(Draft($"星 {i:00}"));
        }

        var archived = (await stars.CreateAsync(Draft("古籍专家"))).Value!;
        await stars.ChangeStatusAsync(archived.Id, StarStatus.Archived);

        var second = await stars.ListMineAsync(new StarListQuery(Page: 1, PageSize: 10, Sort: StarSort.NameAsc));
        var search = await stars.ListMineAsync(new StarListQuery(Search: "专家"));
        var likeIsLiteral = await stars.ListMineAsync(new StarListQuery(Search: "%"));
        var onlyArchived = await stars.ListMineAsync(new StarListQuery(Status: StarStatus.Archived));

        Assert.Equal(26, second.TotalCount);
        // By code point "古籍专家" sorts first, so the second page of ten starts at 星 09.
        Assert.Equal(Enumerable.Range(9, 10).Select(i => $"星 {i:00}"), second.Items.Select(s => s.Name));
        Assert.Equal("古籍专家", Assert.Single(search.Items).Name);
        Assert.Equal(0, likeIsLiteral.TotalCount);
        Assert.Equal(archived.Id, Assert.Single(onlyArchived.Items).Id);
    }

    [Fact]
    public async Task SetAvatar_RealImage_IsStoredAndReadableByTheOwnerOnly()
    {
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        var id = (await ServiceFor(a).CreateAsync(Draft())).Value!.Id;

        var result = await ServiceFor(a).SetAvatarAsync(id, new MemoryStream(Png), Png.Length);
        await using var opened = await ServiceFor(a).OpenAvatarAsync(id);
        var byB = await ServiceFor(b).OpenAvatarAsync(id);

        Assert.True(result.Succeeded);
        Assert.NotNull(opened);
        Assert.Equal("image/png", opened.ContentType);
        using var copy = new MemoryStream();
        await opened.Content.CopyToAsync(copy);
        Assert.Equal(Png, copy.ToArray());
        Assert.Null(byB);
    }

    [Fact]
    public async Task SetAvatar_Replaced_RemovesTheOldObject()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        var id = (await stars.CreateAsync(Draft())).Value!.Id;

        await stars.SetAvatarAsync(id, new MemoryStream(Png), Png.Length);
        await stars.SetAvatarAsync(id, new MemoryStream(Png), Png.Length);

        var keys = await Objects.ListAsync(Buckets.Avatars, $"stars/{id:N}/").ToListAsync();
        Assert.Single(keys);
    }

    [Fact]
    public async Task SetAvatar_TextFileNamedPng_IsRefusedAndNothingIsStored()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        var id = (await stars.CreateAsync(Draft())).Value!.Id;
        var text = "not an image"u8.ToArray();

        var result = await stars.SetAvatarAsync(id, new MemoryStream(text), text.Length);

        Assert.Equal("Star.Avatar.NotImage", Assert.Single(result.Errors).Code);
        Assert.Null((await stars.GetAsync(id)).Value!.AvatarKey);
        Assert.Empty(await Objects.ListAsync(Buckets.Avatars, "stars/").ToListAsync());
    }

    [Fact]
    public async Task SetAvatar_StreamLongerThanDeclared_IsRefusedAsTooLarge()
    {
        var owner = await pg.CreateUserAsync();
        var stars = ServiceFor(owner);
        var id = (await stars.CreateAsync(Draft())).Value!.Id;
        var big = new byte[AvatarRules.MaxBytes + 10];
        Png.CopyTo(big, 0);

        // The browser claims a small file; the bytes say otherwise.
        var result = await stars.SetAvatarAsync(id, new MemoryStream(big), 1000);

        Assert.Equal("Star.Avatar.TooLarge", Assert.Single(result.Errors).Code);
    }
}
