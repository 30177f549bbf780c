using StarStudio.Core.Common;
using StarStudio.Core.Identity;

namespace StarStudio.Core.Admin.Users;

/// <summary>
/// The rules of user administration (docs/admin-users.md): an admin never removes their own admin role nor the last
/// active admin, never disables or deletes themself, and a deleted account's personal data becomes placeholders.
/// </summary>
public static class UserAdminRules
{
    /// <summary>Every user is a player; the name filters users without any other role and is never granted.</summary>
    public const string Player = "player";

    /// <summary>The roles an admin grants and revokes.</summary>
    public static readonly IReadOnlyList<string> Grantable = RoleNames.All;

    /// <summary>The role filter's values: <see cref="Player"/> and the grantable roles.</summary>
    public static readonly IReadOnlyList<string> FilterRoles = [Player, .. RoleNames.All];

    public const int ReasonMax = 500;

    public const string OwnAdminRole = "AdminUsers.Error.OwnAdminRole";
    public const string LastAdmin = "AdminUsers.Error.LastAdmin";
    public const string SelfDisable = "AdminUsers.Error.SelfDisable";
    public const string SelfDelete = "AdminUsers.Error.SelfDelete";
    public const string UnknownRole = "AdminUsers.Error.UnknownRole";
    public const string IsDeleted = "AdminUsers.Error.Deleted";
    public const string ReasonTooLong = "AdminUsers.Error.ReasonTooLong";

    /// <summary>The domain of anonymised addresses: <c>.invalid</c> is reserved (RFC 2606), so no mail is ever sent there.</summary>
    public const string AnonymousDomain = "deleted.invalid";

    /// <summary>Why <paramref name="actorId"/> may not revoke <paramref name="role"/> from <paramref name="targetId"/>, or null.</summary>
    /// <param name="otherActiveAdmins">Admins other than the target that are neither disabled nor deleted.</param>
    public static FieldError? CheckRevoke(Guid actorId, Guid targetId, string role, bool targetHasRole, int otherActiveAdmins)
    {
        if (!IsGrantable(role))
        {
            return new FieldError("Role", UnknownRole);
        }

        if (!string.Equals(role, RoleNames.Admin, StringComparison.Ordinal) || !targetHasRole)
        {
            return null;
        }

        return actorId == targetId ? new FieldError("Role", OwnAdminRole)
            : otherActiveAdmins == 0 ? new FieldError("Role", LastAdmin)
            : null;
    }

    /// <summary>Why the account may not be disabled, or null.</summary>
    public static FieldError? CheckDisable(Guid actorId, Guid targetId, bool targetIsAdmin, int otherActiveAdmins) =>
        actorId == targetId ? new FieldError("User", SelfDisable)
        : targetIsAdmin && otherActiveAdmins == 0 ? new FieldError("User", LastAdmin)
        : null;

    /// <summary>Why the account may not be deleted, or null.</summary>
    public static FieldError? CheckDelete(Guid actorId, Guid targetId, bool targetIsAdmin, int otherActiveAdmins) =>
        actorId == targetId ? new FieldError("User", SelfDelete)
        : targetIsAdmin && otherActiveAdmins == 0 ? new FieldError("User", LastAdmin)
        : null;

    /// <summary>A reason that is too long, or null; blank reasons are allowed.</summary>
    public static FieldError? CheckReason(string? reason) =>
        reason is not null && reason.Trim().Length > ReasonMax ? new FieldError("Reason", ReasonTooLong, ReasonMax) : null;

    public static bool IsGrantable(string? role) => role is not null && Grantable.Contains(role, StringComparer.Ordinal);

    /// <summary>The state an account is in: deleted over disabled over locked out.</summary>
    public static UserStatus StatusOf(DateTimeOffset? deletedAt, DateTimeOffset? disabledAt, DateTimeOffset? lockoutEnd, DateTimeOffset now) =>
        deletedAt is not null ? UserStatus.Deleted
        : disabledAt is not null ? UserStatus.Disabled
        : lockoutEnd is { } end && end > now ? UserStatus.LockedOut
        : UserStatus.Active;

    /// <summary>
    /// The placeholders that replace a deleted account's personal data. Derived from the id only, so they are unique
    /// (the e-mail and user name stay unique columns) and say nothing about the person.
    /// </summary>
    public static AnonymisedProfile Anonymise(Guid userId)
    {
        var n = userId.ToString("N");
        return new AnonymisedProfile(
            Email: $"deleted-{n}@{AnonymousDomain}",
            UserName: $"deleted-{n}",
            DisplayName: $"deleted-{n[..8]}",
            AvatarUrl: null,
            PhoneNumber: null);
    }
}

/// <summary>What a deleted account's profile becomes.</summary>
public sealed record AnonymisedProfile(string Email, string UserName, string DisplayName, string? AvatarUrl, string? PhoneNumber);
