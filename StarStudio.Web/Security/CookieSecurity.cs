using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace StarStudio.Web.Security;

/// <summary>
/// Whether the sign-in and antiforgery cookies carry <c>Secure</c>. <c>StarStudio:Security:CookieSecurePolicy</c>:
/// <c>Always</c> (the default outside Development: the browser sends the cookies over HTTPS only, and over
/// http://localhost, which browsers treat as secure) or <c>SameAsRequest</c> (the default in Development: Secure
/// when the request came over HTTPS, which behind a TLS proxy needs StarStudio:ForwardedHeaders).
/// </summary>
public static class CookieSecurity
{
    public const string PolicyKey = "StarStudio:Security:CookieSecurePolicy";

    /// <summary>The policy for an environment and the configured value (which wins when it is set).</summary>
    public static CookieSecurePolicy Policy(IHostEnvironment environment, string? configured)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Enum.TryParse<CookieSecurePolicy>(configured.Trim(), ignoreCase: true, out var policy) && policy != CookieSecurePolicy.None
                ? policy
                : throw new OptionsValidationException(PolicyKey, typeof(CookieSecurePolicy),
                    [$"StarStudio__Security__CookieSecurePolicy must be Always or SameAsRequest, not '{configured}'."]);
        }

        return environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
    }

    /// <summary>Applies the policy to Identity's cookies and the antiforgery cookie.</summary>
    public static IServiceCollection AddStarStudioCookieSecurity(this IServiceCollection services)
    {
        foreach (var scheme in new[] { IdentityConstants.ApplicationScheme, IdentityConstants.ExternalScheme, IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.TwoFactorUserIdScheme })
        {
            services.AddOptions<CookieAuthenticationOptions>(scheme)
                .Configure<IHostEnvironment, IConfiguration>((o, env, config) => o.Cookie.SecurePolicy = Policy(env, config[PolicyKey]));
        }

        services.AddOptions<AntiforgeryOptions>()
            .Configure<IHostEnvironment, IConfiguration>((o, env, config) => o.Cookie.SecurePolicy = Policy(env, config[PolicyKey]));
        return services;
    }
}
