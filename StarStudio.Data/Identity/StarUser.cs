using Microsoft.AspNetCore.Identity;
using StarStudio.Core.Identity;

namespace StarStudio.Data.Identity;

/// <summary>Seed 000 <c>users</c> with ASP.NET Core Identity's columns added.</summary>
public class StarUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public string? AvatarUrl { get; set; }
    /// <summary>The primary role (seed column); the full set lives in <c>user_roles</c>. Null means a player.</summary>
    public UserRole? Role { get; set; }
    public string Preferences { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Set while an admin has disabled the account: it cannot sign in (issue 16, docs/admin-users.md).</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    /// <summary>Seed 002's soft delete: set when an admin deleted the account and its personal data was anonymised.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>The last successful password sign-in.</summary>
    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>The primary role among a set of role names: admin over skill maker over star owner.</summary>
    public static UserRole? PrimaryRole(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return set.Contains(RoleNames.Admin) ? UserRole.Admin
            : set.Contains(RoleNames.SkillMaker) ? UserRole.SkillMaker
            : set.Contains(RoleNames.StarOwner) ? UserRole.StarOwner
            : null;
    }
}

/// <summary>An Identity role; rows are the names of <see cref="RoleNames"/>.</summary>
public class StarRole : IdentityRole<Guid>
{
    public StarRole()
    {
    }

    public StarRole(string name)
        : base(name)
    {
        NormalizedName = name.ToUpperInvariant();
    }
}
