using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using StarStudio.Core.Common;

namespace StarStudio.Web.Identity;

/// <summary>
/// The signed-in user for Core's services. In a circuit the authentication state provider knows the user;
/// in a plain HTTP request (media, health) it has not been given a state, so the request's principal is used.
/// </summary>
internal sealed class CurrentUser(AuthenticationStateProvider authState, IHttpContextAccessor http, ActingUser acting) : ICurrentUser
{
    public async ValueTask<UserContext> GetAsync(CancellationToken ct = default)
    {
        if (acting.User is { } user)
        {
            return user;
        }

        ClaimsPrincipal principal;
        try
        {
            principal = (await authState.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException) when (http.HttpContext is { } context)
        {
            principal = context.User;
        }

        return FromPrincipal(principal);
    }

    public static UserContext FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return UserContext.Anonymous;
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new UserContext(id, roles);
    }
}
