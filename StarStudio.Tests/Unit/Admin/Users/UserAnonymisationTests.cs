using StarStudio.Core.Admin.Users;
using StarStudio.Core.Identity;
using StarStudio.Data.Admin.Users;
using StarStudio.Data.Identity;

namespace StarStudio.Tests.Unit.Admin.Users;

public class UserAnonymisationTests
{
    [Fact]
    public void Anonymise_ReplacesEveryPersonalFieldAndCredential()
    {
        var id = Guid.NewGuid();
        var user = new StarUser
        {
            Id = id,
            Email = "li.lei@example.com",
            NormalizedEmail = "LI.LEI@EXAMPLE.COM",
            UserName = "li.lei@example.com",
            NormalizedUserName = "LI.LEI@EXAMPLE.COM",
            DisplayName = "李雷",
            AvatarUrl = "avatars/li.png",
            PhoneNumber = "13800000000",
            PhoneNumberConfirmed = true,
            EmailConfirmed = true,
            TwoFactorEnabled = true,
            PasswordHash = "AQAAAAIAAYagAAAAE...",
            SecurityStamp = "old-stamp",
            ConcurrencyStamp = "old-concurrency",
            Preferences = """{"language":"zh-CN"}""",
            Role = UserRole.Admin,
        };

        UserAdminService.Anonymise(user, UserAdminRules.Anonymise(id));

        Assert.Equal($"deleted-{id:N}@deleted.invalid", user.Email);
        Assert.Equal(user.Email.ToUpperInvariant(), user.NormalizedEmail);
        Assert.Equal($"deleted-{id:N}", user.UserName);
        Assert.Equal(user.UserName.ToUpperInvariant(), user.NormalizedUserName);
        Assert.DoesNotContain("李雷", user.DisplayName, StringComparison.Ordinal);
        Assert.Null(user.AvatarUrl);
        Assert.Null(user.PhoneNumber);
        Assert.False(user.PhoneNumberConfirmed || user.EmailConfirmed || user.TwoFactorEnabled);
        Assert.Null(user.PasswordHash);
        Assert.NotEqual("old-stamp", user.SecurityStamp);
        Assert.NotEqual("old-concurrency", user.ConcurrencyStamp);
        Assert.Equal("{}", user.Preferences);
        Assert.Null(user.Role);
    }
}
