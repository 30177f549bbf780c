using Microsoft.AspNetCore.Localization;
using StarStudio.Core.Account;
using StarStudio.Web.Identity;

namespace StarStudio.Web.Localization;

/// <summary>
/// The UI languages (Chinese first) and the endpoints that switch language and theme with cookies. For a signed-in user
/// the choice is also saved as their preference, and <c>/preferences/apply</c> (after sign-in, after saving the
/// preferences panel) sets both cookies from the stored preferences, so the choice follows the user to every device.
/// </summary>
public static class CultureSwitch
{
    public const string Default = PreferenceRules.DefaultLanguage;
    public static readonly IReadOnlyList<string> Supported = PreferenceRules.Languages;

    /// <summary>The path that applies a signed-in user's stored language and theme, then goes to <paramref name="returnUrl"/>.</summary>
    public static string ApplyPreferencesUrl(string returnUrl) => "/preferences/apply?redirectUri=" + Uri.EscapeDataString(returnUrl);

    public static void MapCultureEndpoints(this IEndpointRouteBuilder app)
    {
        // A plain link works on every page, interactive or not; the circuit picks the culture up on reload.
        app.MapGet("/culture/set", async (HttpContext http, IPreferencesService preferences, string? culture, string? redirectUri) =>
        {
            if (culture is null || !Supported.Contains(culture))
            {
                culture = Default;
            }

            SetCulture(http, culture);
            await RememberAsync(http, preferences, p => p with { LanguagePreference = culture });
            return Results.LocalRedirect(AccountEndpoints.SafeReturnUrl(redirectUri));
        });

        app.MapGet("/theme/set", async (HttpContext http, IPreferencesService preferences, string? mode, string? redirectUri) =>
        {
            var theme = mode == "dark" ? "dark" : "light";
            SetTheme(http, theme);
            await RememberAsync(http, preferences, p => p with { Theme = theme });
            return Results.LocalRedirect(AccountEndpoints.SafeReturnUrl(redirectUri));
        });

        app.MapGet("/preferences/apply", async (HttpContext http, IPreferencesService preferences, string? redirectUri) =>
        {
            // A user who never saved preferences keeps what this browser already chose.
            if (await preferences.GetAsync(http.RequestAborted) is { IsSaved: true } stored)
            {
                SetCulture(http, stored.LanguagePreference);
                SetTheme(http, stored.Theme);
            }

            return Results.LocalRedirect(AccountEndpoints.SafeReturnUrl(redirectUri));
        });
    }

    // Anonymous visitors keep only the cookie; a signed-in user's switch becomes their stored preference (the other
    // setting, when nothing was stored yet, is what this browser shows now).
    private static async Task RememberAsync(HttpContext http, IPreferencesService preferences, Func<PreferencesDraft, PreferencesDraft> change)
    {
        if (await preferences.GetAsync(http.RequestAborted) is not { } current)
        {
            return;
        }

        var draft = current.IsSaved
            ? PreferencesDraft.From(current)
            : new PreferencesDraft(System.Globalization.CultureInfo.CurrentUICulture.Name is var ui && Supported.Contains(ui) ? ui : Default,
                ThemeCookie.IsDark(http) ? "dark" : "light", current.ExcludeFromTraining, current.HideLikes);
        await preferences.SaveAsync(change(draft), http.RequestAborted);
    }

    private static void SetCulture(HttpContext http, string culture) =>
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

    private static void SetTheme(HttpContext http, string theme) =>
        http.Response.Cookies.Append(ThemeCookie.Name, theme == "dark" ? "dark" : "light",
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
}

/// <summary>The light/dark choice, kept in a cookie so the server renders the right theme from the first byte.</summary>
public static class ThemeCookie
{
    public const string Name = "starstudio.theme";

    public static bool IsDark(HttpContext? http) => http?.Request.Cookies[Name] == "dark";
}
