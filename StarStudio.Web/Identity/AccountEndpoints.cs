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
    }

    /// <summary>Only local paths are followed after sign-in and sign-out, never another site.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
