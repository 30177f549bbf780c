using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Identity;

/// <summary>The role names of seed 000 (<c>users.role</c>); a user with none of them is a player.</summary>
public static class RoleNames
{
    public const string StarOwner = "star_owner";
    public const string SkillMaker = "skill_maker";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [StarOwner, SkillMaker, Admin];
}

/// <summary>The PostgreSQL enum <c>user_role</c>; kept on <c>users.role</c> as the user's primary role.</summary>
public enum UserRole
{
    StarOwner,
    SkillMaker,
    Admin,
}

/// <summary>Password and lockout rules shared by registration, seeding and the docs.</summary>
public static class AccountRules
{
    public const int PasswordMinLength = 8;
    public const int MaxFailedAccessAttempts = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(5);
    public const int DisplayNameMaxLength = 80;

    /// <summary>
    /// The display name as it will be stored (trimmed) and the error for it, if any: required, at most
    /// <see cref="DisplayNameMaxLength"/> characters as a reader counts them. Registration and the profile share it.
    /// </summary>
    public static (string Name, FieldError? Error) ValidateDisplayName(string? raw, string field = "DisplayName")
    {
        var name = (raw ?? "").Trim();
        if (name.Length == 0)
        {
            return (name, new FieldError(field, "Account.DisplayName.Required"));
        }

        return StarRules.Length(name) > DisplayNameMaxLength
            ? (name, new FieldError(field, "Account.DisplayName.TooLong", DisplayNameMaxLength))
            : (name, null);
    }
}
