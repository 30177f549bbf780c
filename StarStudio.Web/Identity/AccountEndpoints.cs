using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using StarStudio.Data.Identity;

namespace StarStudio.Web.Identity;

/// <summary>Account actions that must run as plain HTTP requests because they change the auth cookie.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form POST with the antiforgery token (the app shell renders it); a GET cannot sign anyone out.
        app.MapPost("/account/logout", async (SignInManager<StarUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(SafeReturnUrl(returnUrl));
        });

        // After a role is granted in the database (becoming a skill maker), the cookie is issued again so its role claims
        // say so. The security stamp is unchanged, so open sessions stay valid. A GET is harmless here: it can only make a
        // user's cookie reflect the roles they really have.
        app.MapGet(RefreshRolesPath, async (HttpContext http, UserManager<StarUser> users, SignInManager<StarUser> signIn, string? returnUrl) =>
        {
            if (await users.GetUserAsync(http.User) is { } user)
            {
                await signIn.RefreshSignInAsync(user);
            }

            return TypedResults.LocalRedirect(SafeReturnUrl(returnUrl));
        }).RequireAuthorization();
    }

    /// <summary>Re-issues the sign-in cookie with the user's current roles, then goes to <c>returnUrl</c>.</summary>
    public const string RefreshRolesPath = "/account/refresh-roles";

    /// <summary>The address that refreshes the cookie's roles and comes back to <paramref name="returnUrl"/> (a local path).</summary>
    public static string RefreshRolesUrl(string returnUrl) => RefreshRolesPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl);

    /// <summary>Only local paths are followed after sign-in and sign-out, never another site.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
