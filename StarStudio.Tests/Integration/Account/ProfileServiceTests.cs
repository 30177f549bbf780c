using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Account;

namespace StarStudio.Tests.Integration.Account;

public sealed class ProfileServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private IProfileService ServiceFor(UserContext user) => new ProfileService(pg.Db(user));

    [Fact]
    public async Task Get_SignedInUser_ShowsEmailNameRolesAndMemberSince()
    {
        var owner = await pg.CreateUserAsync("owner-profile@example.test", RoleNames.StarOwner);

        var profile = await ServiceFor(owner).GetAsync();

        Assert.NotNull(profile);
        Assert.Equal("owner-profile@example.test", profile.Email);
        Assert.Equal([RoleNames.StarOwner], profile.Roles);
        await using var db = pg.OwnerContext();
        var row = await db.Users.SingleAsync(u => u.Id == owner.UserId);
        Assert.Equal(row.DisplayName, profile.DisplayName);
        Assert.Equal(row.CreatedAt, profile.MemberSince);
    }

    [Fact]
    public async Task UpdateDisplayName_ValidName_IsStoredTrimmedAndKeepsTheSecurityStamp()
    {
        var user = await pg.CreateUserAsync();
        await using var before = pg.OwnerContext();
        var old = await before.Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId);

        var result = await ServiceFor(user).UpdateDisplayNameAsync("  星图旅人 ");

        Assert.True(result.Succeeded);
        Assert.Equal("星图旅人", result.Value!.DisplayName);
        Assert.Equal("星图旅人", (await ServiceFor(user).GetAsync())!.DisplayName);
        await using var after = pg.OwnerContext();
        var row = await after.Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId);
        Assert.Equal("星图旅人", row.DisplayName);
        // The name change signs no session out, and an Identity update holding the old stamp would now fail.
        Assert.Equal(old.SecurityStamp, row.SecurityStamp);
        Assert.NotEqual(old.ConcurrencyStamp, row.ConcurrencyStamp);
    }

    [Theory]
    [InlineData("   ", "Account.DisplayName.Required")]
    [InlineData(null, "Account.DisplayName.TooLong")]
    public async Task UpdateDisplayName_InvalidName_IsRefusedAndNothingChanges(string? name, string code)
    {
        var user = await pg.CreateUserAsync();
        var before = (await ServiceFor(user).GetAsync())!.DisplayName;

        var result = await ServiceFor(user).UpdateDisplayNameAsync(name ?? new string('星', AccountRules.DisplayNameMaxLength + 1));

        Assert.Equal(ResultKind.Invalid, result.Kind);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("DisplayName", code), (error.Field, error.Code));
        Assert.Equal(before, (await ServiceFor(user).GetAsync())!.DisplayName);
    }

    [Fact]
    public async Task UpdateDisplayName_ChangesOnlyTheCallersOwnAccount()
    {
        var user = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var othersName = (await ServiceFor(other).GetAsync())!.DisplayName;

        await ServiceFor(user).UpdateDisplayNameAsync("只改我自己");

        Assert.Equal(othersName, (await ServiceFor(other).GetAsync())!.DisplayName);
    }

    [Fact]
    public async Task Anonymous_HasNoProfileAndCannotChangeOne()
    {
        Assert.Null(await ServiceFor(UserContext.Anonymous).GetAsync());
        Assert.Equal(ResultKind.Forbidden, (await ServiceFor(UserContext.Anonymous).UpdateDisplayNameAsync("匿名")).Kind);
    }
}
