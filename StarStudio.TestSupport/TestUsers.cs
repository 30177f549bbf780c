using Microsoft.EntityFrameworkCore;
using StarStudio.Data;
using StarStudio.Data.Identity;

namespace StarStudio.TestSupport;

/// <summary>Users inserted directly (as a role that may write the role tables), not through sign-up.</summary>
public static class TestUsers
{
    /// <summary>
    /// Adds a user with <paramref name="roles"/> to <paramref name="db"/> (saved by the caller). The context must be one
    /// that may write <c>user_roles</c>: the app role may not (docs/security.md, "Database").
    /// </summary>
    public static async Task<Guid> AddAsync(StarStudioDbContext db, string email, IReadOnlyCollection<string> roles, Guid? id = null, CancellationToken ct = default)
    {
        var userId = id ?? Guid.NewGuid();
        db.Users.Add(new StarUser
        {
            Id = userId,
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = email.Split('@')[0],
            SecurityStamp = Guid.NewGuid().ToString(),
            Role = StarUser.PrimaryRole(roles),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        foreach (var role in roles)
        {
            db.UserRoles.Add(new() { UserId = userId, RoleId = (await db.Roles.SingleAsync(r => r.Name == role, ct)).Id });
        }

        return userId;
    }
}
