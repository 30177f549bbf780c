using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StarStudio.Data.Identity;

namespace StarStudio.Web.Identity;

/// <summary>
/// Signs a circuit out within 30 minutes of the user's security stamp changing (password change, lockout), and at once
/// when an admin disables, deletes or changes the roles of the account: <see cref="UserCircuitRegistry"/> calls
/// <see cref="RevalidateNowAsync"/> on every open circuit of that user in this process.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private static readonly Task<AuthenticationState> SignedOut = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())));

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(30);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StarUser>>();
        return await CheckAsync(users, authenticationState.User) is not null;
    }

    /// <summary>
    /// Checks the circuit's user against the database now: a deleted or disabled account, or a changed security stamp,
    /// signs the circuit out (the page re-renders as signed out); changed roles replace the circuit's principal by one
    /// with the current roles (an admin whose role was revoked loses the admin pages at once).
    /// </summary>
    /// <returns>Whether the circuit is still signed in.</returns>
    public async Task<bool> RevalidateNowAsync(CancellationToken ct = default)
    {
        AuthenticationState state;
        try
        {
            state = await GetAuthenticationStateAsync();
        }
        catch (InvalidOperationException)
        {
            return false; // the circuit has not been given a user yet
        }

        if (state.User.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StarUser>>();
        if (await CheckAsync(users, state.User) is not { } user)
        {
            SetAuthenticationState(SignedOut);
            return false;
        }

        var current = (await users.GetRolesAsync(user)).ToHashSet(StringComparer.Ordinal);
        var held = state.User.FindAll(options.Value.ClaimsIdentity.RoleClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (!current.SetEquals(held))
        {
            var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<StarUser>>();
            SetAuthenticationState(Task.FromResult(new AuthenticationState(await factory.CreateAsync(user))));
        }

        return true;
    }

    /// <summary>The principal's user if it may still be signed in: it exists, is neither disabled nor deleted, and the stamp matches.</summary>
    private async Task<StarUser?> CheckAsync(UserManager<StarUser> users, ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.DisabledAt is not null || user.DeletedAt is not null)
        {
            return null;
        }

        if (!users.SupportsUserSecurityStamp)
        {
            return user;
        }

        var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await users.GetSecurityStampAsync(user) ? user : null;
    }
}
