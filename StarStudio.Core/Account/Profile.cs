using StarStudio.Core.Common;

namespace StarStudio.Core.Account;

/// <summary>What the profile panel shows of the signed-in user.</summary>
/// <param name="Roles">Role names of <see cref="Identity.RoleNames"/>; empty for a player.</param>
public sealed record ProfileView(Guid UserId, string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset MemberSince);

/// <summary>The signed-in user's own profile: read it, change the display name.</summary>
public interface IProfileService
{
    /// <summary>The current user's profile; null when nobody is signed in or the account is gone.</summary>
    Task<ProfileView?> GetAsync(CancellationToken ct = default);

    /// <summary>
    /// Changes the display name under <see cref="Identity.AccountRules.ValidateDisplayName"/>; field errors are on
    /// <c>DisplayName</c>. Forbidden when nobody is signed in.
    /// </summary>
    Task<Result<ProfileView>> UpdateDisplayNameAsync(string displayName, CancellationToken ct = default);
}
