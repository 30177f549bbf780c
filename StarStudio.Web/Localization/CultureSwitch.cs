using Microsoft.AspNetCore.Localization;
using StarStudio.Web.Identity;

namespace StarStudio.Web.Localization;

/// <summary>The UI languages (Chinese first) and the endpoint that switches between them with a cookie.</summary>
public static class CultureSwitch
{
    public const string Default = "zh-CN";
    public static readonly IReadOnlyList<string> Supported = ["zh-CN", "en-US"];

    public static void MapCultureEndpoints(this IEndpointRouteBuilder app)
    {
        // A plain link works on every page, interactive or not; the circuit picks the culture up on reload.
        app.MapGet("/culture/set", (HttpContext http, string? culture, string? redirectUri) =>
        {
            if (culture is null || !Supported.Contains(culture))
            {
                culture = Default;
            }

            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
            return Results.LocalRedirect(AccountEndpoints.SafeReturnUrl(redirectUri));
        });

        app.MapGet("/theme/set", (HttpContext http, string? mode, string? redirectUri) =>
        {
            http.Response.Cookies.Append(ThemeCookie.Name, mode == "dark" ? "dark" : "light",
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
            return Results.LocalRedirect(AccountEndpoints.SafeReturnUrl(redirectUri));
        });
    }
}

/// <summary>The light/dark choice, kept in a cookie so the server renders the right theme from the first byte.</summary>
public static class ThemeCookie
{
    public const string Name = "starstudio.theme";

    public static bool IsDark(HttpContext? http) => http?.Request.Cookies[Name] == "dark";
}
