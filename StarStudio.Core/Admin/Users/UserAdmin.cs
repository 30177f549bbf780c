using StarStudio.Core.Common;

namespace StarStudio.Core.Admin.Users;

/// <summary>
/// Admins' management of user accounts (<c>/admin/users</c>): search, detail, roles, disable/enable and soft delete with
/// anonymisation. Every call returns <see cref="ResultKind.Forbidden"/> for anyone but an admin; role changes go through
/// the database's <c>app_grant_role</c>/<c>app_revoke_role</c>, which check the caller again. Every change writes an
/// audit entry in the same transaction.
/// </summary>
public interface IUserAdminService
{
    /// <summary>One page of users matching <paramref name="filter"/> (server-side paging).</summary>
    Task<Result<Page<UserListItem>>> SearchAsync(UserFilter filter, int pageIndex, int pageSize, CancellationToken ct = default);

    /// <summary>A user's profile, roles, status, stars, orders and recent activity.</summary>
    Task<Result<UserDetail>> GetAsync(Guid userId, CancellationToken ct = default);

    /// <summary>Grants one of <see cref="UserAdminRules.Grantable"/>; granting a role the user has changes nothing.</summary>
    Task<Result<UserDetail>> GrantRoleAsync(Guid userId, string role, CancellationToken ct = default);

    /// <summary>Revokes a role; never the caller's own admin role nor the last active admin's.</summary>
    Task<Result<UserDetail>> RevokeRoleAsync(Guid userId, string role, CancellationToken ct = default);

    /// <summary>Disables an account: it cannot sign in, and every open session of it ends at once.</summary>
    Task<Result<UserDetail>> DisableAsync(Guid userId, string? reason, CancellationToken ct = default);

    /// <summary>Enables a disabled (or locked-out) account again.</summary>
    Task<Result<UserDetail>> EnableAsync(Guid userId, CancellationToken ct = default);

    /// <summary>Soft-deletes an account and replaces its personal data by placeholders (<see cref="UserAdminRules.Anonymise"/>).</summary>
    Task<Result<UserDetail>> DeleteAsync(Guid userId, string? reason, CancellationToken ct = default);
}

/// <summary>Ends or refreshes a user's live sessions (circuits) after an admin changed the account.</summary>
/// <remarks>The web host implements it with a registry of open circuits; jobs and tests use <see cref="NoUserSessions"/>.</remarks>
public interface IUserSessions
{
    /// <summary>Makes every open session of <paramref name="userId"/> check the account now: a disabled or deleted
    /// account is signed out, changed roles take effect. Returns how many sessions were checked.</summary>
    Task<int> RevalidateAsync(Guid userId, CancellationToken ct = default);
}

/// <summary>No live sessions to tell (jobs, tests without a web host).</summary>
public sealed class NoUserSessions : IUserSessions
{
    public static readonly NoUserSessions Instance = new();
    public Task<int> RevalidateAsync(Guid userId, CancellationToken ct = default) => Task.FromResult(0);
}

/// <summary>An account's state as the admin list filters it.</summary>
public enum UserStatus
{
    Active,
    Disabled,
    LockedOut,
    Deleted,
}

/// <summary>The orders of the admin user list.</summary>
public enum UserSort
{
    CreatedDesc,
    CreatedAsc,
    LastSignInDesc,
    LastSignInAsc,
}

/// <summary>What the admin user list shows.</summary>
/// <param name="Search">Part of the e-mail or display name, any case; blank for all.</param>
/// <param name="Role">A role name of <see cref="UserAdminRules.Grantable"/>, or <see cref="UserAdminRules.Player"/> for users without one; null for all.</param>
/// <param name="Status">Only users in this state; null for all but deleted ones.</param>
public sealed record UserFilter(string? Search = null, string? Role = null, UserStatus? Status = null, UserSort Sort = UserSort.CreatedDesc);

/// <summary>A row of the admin user list.</summary>
public sealed record UserListItem(
    Guid Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    UserStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt);

/// <summary>A user as the admin detail page shows them.</summary>
public sealed record UserDetail(
    Guid Id,
    string Email,
    string DisplayName,
    string? PhoneNumber,
    string? AvatarUrl,
    IReadOnlyList<string> Roles,
    UserStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    DateTimeOffset? DisabledAt,
    DateTimeOffset? DeletedAt,
    DateTimeOffset? LockoutEnd,
    int StarCount,
    IReadOnlyList<UserStarItem> Stars,
    int OrderCount,
    IReadOnlyList<UserOrderItem> Orders,
    int ConversationCount,
    IReadOnlyList<UserConversationItem> Conversations,
    IReadOnlyList<UserAuditItem> AuditEntries);

/// <summary>One of the user's stars.</summary>
public sealed record UserStarItem(Guid Id, string Name, string Status, bool IsPublic, DateTimeOffset CreatedAt);

/// <summary>One of the user's orders (billing <c>orders</c>).</summary>
public sealed record UserOrderItem(Guid Id, string OrderNo, string ProductTitle, decimal Amount, string Status, DateTimeOffset CreatedAt);

/// <summary>One of the user's recent conversations.</summary>
public sealed record UserConversationItem(Guid Id, Guid StarId, string StarName, string Title, DateTimeOffset CreatedAt);

/// <summary>An audit entry about the user (they are its target) or by them (its actor).</summary>
public sealed record UserAuditItem(long Id, DateTimeOffset OccurredAt, string Action, Guid? ActorId, string? TargetId, string? Before, string? After, string? Reason, string? IpAddress);
