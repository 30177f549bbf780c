using Microsoft.EntityFrameworkCore;

namespace StarStudio.Data.Identity;

/// <summary>
/// Role grants go through the database functions <c>app_grant_role</c> / <c>app_revoke_role</c>, which check who is
/// asking (an admin; a user taking star_owner for themself; the first admin of an installation). The app role has no
/// write grant on <c>user_roles</c>, because <c>app_is_admin()</c>, which every policy consults, trusts that table.
/// </summary>
public static class UserRoleGrants
{
    /// <summary>Grants <paramref name="role"/> (a name, any case) as whoever the transaction's <c>app.user_id</c> names.</summary>
    /// <exception cref="Npgsql.PostgresException">42501 when the caller may not grant it.</exception>
    public static Task GrantAsync(StarStudioDbContext db, Guid userId, string role, CancellationToken ct) =>
        db.Database.SqlQuery<bool>($"SELECT app_grant_role({userId}, {role}) AS \"Value\"").SingleAsync(ct);

    /// <summary>Revokes <paramref name="role"/>; only an admin may.</summary>
    public static Task RevokeAsync(StarStudioDbContext db, Guid userId, string role, CancellationToken ct) =>
        db.Database.SqlQuery<bool>($"SELECT app_revoke_role({userId}, {role}) AS \"Value\"").SingleAsync(ct);
}
