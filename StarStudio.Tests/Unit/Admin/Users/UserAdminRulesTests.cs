using StarStudio.Core.Admin.Users;
using StarStudio.Core.Identity;

namespace StarStudio.Tests.Unit.Admin.Users;

public class UserAdminRulesTests
{
    private static readonly Guid Me = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();

    [Fact]
    public void CheckRevoke_OwnAdminRole_IsRefusedEvenWithOtherAdmins()
    {
        var error = UserAdminRules.CheckRevoke(Me, Me, RoleNames.Admin, targetHasRole: true, otherActiveAdmins: 3);

        Assert.Equal(UserAdminRules.OwnAdminRole, error?.Code);
    }

    [Fact]
    public void CheckRevoke_OwnOtherRole_IsAllowed() =>
        Assert.Null(UserAdminRules.CheckRevoke(Me, Me, RoleNames.SkillMaker, targetHasRole: true, otherActiveAdmins: 0));

    [Fact]
    public void CheckRevoke_LastActiveAdmin_IsRefused() =>
        Assert.Equal(UserAdminRules.LastAdmin, UserAdminRules.CheckRevoke(Me, Other, RoleNames.Admin, targetHasRole: true, otherActiveAdmins: 0)?.Code);

    [Fact]
    public void CheckRevoke_AnotherAdminWhileOthersRemain_IsAllowed() =>
        Assert.Null(UserAdminRules.CheckRevoke(Me, Other, RoleNames.Admin, targetHasRole: true, otherActiveAdmins: 1));

    [Fact]
    public void CheckRevoke_AdminRoleTheTargetDoesNotHave_IsANoOpNotAnError() =>
        Assert.Null(UserAdminRules.CheckRevoke(Me, Other, RoleNames.Admin, targetHasRole: false, otherActiveAdmins: 0));

    [Theory]
    [InlineData("player")]
    [InlineData("ADMIN")]
    [InlineData("")]
    public void CheckRevoke_NotAGrantableRole_IsUnknown(string role) =>
        Assert.Equal(UserAdminRules.UnknownRole, UserAdminRules.CheckRevoke(Me, Other, role, targetHasRole: true, otherActiveAdmins: 1)?.Code);

    [Fact]
    public void CheckDisable_Self_IsRefused() =>
        Assert.Equal(UserAdminRules.SelfDisable, UserAdminRules.CheckDisable(Me, Me, targetIsAdmin: true, otherActiveAdmins: 5)?.Code);

    [Fact]
    public void CheckDisable_LastActiveAdmin_IsRefused_APlayerIsNot()
    {
        Assert.Equal(UserAdminRules.LastAdmin, UserAdminRules.CheckDisable(Me, Other, targetIsAdmin: true, otherActiveAdmins: 0)?.Code);
        Assert.Null(UserAdminRules.CheckDisable(Me, Other, targetIsAdmin: false, otherActiveAdmins: 0));
    }

    [Fact]
    public void CheckDelete_SelfAndLastAdmin_AreRefused()
    {
        Assert.Equal(UserAdminRules.SelfDelete, UserAdminRules.CheckDelete(Me, Me, targetIsAdmin: false, otherActiveAdmins: 2)?.Code);
        Assert.Equal(UserAdminRules.LastAdmin, UserAdminRules.CheckDelete(Me, Other, targetIsAdmin: true, otherActiveAdmins: 0)?.Code);
        Assert.Null(UserAdminRules.CheckDelete(Me, Other, targetIsAdmin: true, otherActiveAdmins: 1));
    }

    [Fact]
    public void CheckReason_TooLong_IsAFieldError_BlankIsFine()
    {
        Assert.Equal(UserAdminRules.ReasonTooLong, UserAdminRules.CheckReason(new string('因', UserAdminRules.ReasonMax + 1))?.Code);
        Assert.Null(UserAdminRules.CheckReason(null));
        Assert.Null(UserAdminRules.CheckReason("  "));
        Assert.Null(UserAdminRules.CheckReason(new string('因', UserAdminRules.ReasonMax)));
    }

    [Fact]
    public void StatusOf_DeletedWinsOverDisabledOverLockedOut()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(UserStatus.Deleted, UserAdminRules.StatusOf(now, now, now.AddHours(1), now));
        Assert.Equal(UserStatus.Disabled, UserAdminRules.StatusOf(null, now, now.AddHours(1), now));
        Assert.Equal(UserStatus.LockedOut, UserAdminRules.StatusOf(null, null, now.AddMinutes(1), now));
        Assert.Equal(UserStatus.Active, UserAdminRules.StatusOf(null, null, now.AddMinutes(-1), now));
        Assert.Equal(UserStatus.Active, UserAdminRules.StatusOf(null, null, null, now));
    }

    [Fact]
    public void Anonymise_DerivesUniqueUnroutablePlaceholdersFromTheIdOnly()
    {
        var id = Guid.Parse("0b8e5b4e-7d52-4c1e-9f6a-2f4f0d1c9e11");

        var p = UserAdminRules.Anonymise(id);

        Assert.Equal("deleted-0b8e5b4e7d524c1e9f6a2f4f0d1c9e11@deleted.invalid", p.Email);
        Assert.Equal("deleted-0b8e5b4e7d524c1e9f6a2f4f0d1c9e11", p.UserName);
        Assert.Equal("deleted-0b8e5b4e", p.DisplayName);
        Assert.Null(p.AvatarUrl);
        Assert.Null(p.PhoneNumber);
        Assert.NotEqual(p.Email, UserAdminRules.Anonymise(Guid.NewGuid()).Email);
        Assert.True(p.DisplayName.Length <= AccountRules.DisplayNameMaxLength);
    }

    [Fact]
    public void FilterRoles_ArePlayerThenTheGrantableRoles() =>
        Assert.Equal(["player", "star_owner", "skill_maker", "admin"], UserAdminRules.FilterRoles);
}
