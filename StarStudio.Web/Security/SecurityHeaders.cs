using System.Security.Cryptography;

namespace StarStudio.Web.Security;

/// <summary>
/// The response headers every page and endpoint gets: a Content-Security-Policy for Blazor Server and MudBlazor,
/// no MIME sniffing, no framing, a strict referrer and no powerful browser features.
/// </summary>
/// <remarks>
/// The CSP is the second line behind the Markdown sanitizer: even if model output smuggled markup into a page,
/// the browser would load no script but the app's own (and the per-request nonce of the import map), no image
/// from another site, and connect nowhere but back to this site (the circuit's WebSocket).
/// </remarks>
public static class SecurityHeaders
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the request's CSP nonce.</summary>
    public const string NonceKey = "StarStudio.CspNonce";

    /// <summary>Hangfire's dashboard lives here and writes inline scripts and styles of its own.</summary>
    public const string JobsDashboardPath = "/admin/jobs";

    /// <summary>The request's CSP nonce, for the few inline scripts the app writes itself (the import map).</summary>
    public static string Nonce(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items[NonceKey] is not string nonce)
        {
            nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            http.Items[NonceKey] = nonce;
        }

        return nonce;
    }

    /// <summary>The policy for a request: the app's, or the jobs dashboard's (inline scripts allowed, admins only).</summary>
    public static string ContentSecurityPolicy(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var host = http.Request.Host.Value;
        // 'self' covers ws(s) of the same host in CSP 3; the explicit forms serve browsers that predate it.
        var connect = string.IsNullOrEmpty(host) ? "'self'" : $"'self' wss://{host} ws://{host}";
        var script = http.Request.Path.StartsWithSegments(JobsDashboardPath)
            ? "'self' 'unsafe-inline'"
            : $"'self' 'nonce-{Nonce(http)}'";
        return string.Join("; ",
            "default-src 'self'",
            $"script-src {script}",
            // MudBlazor sets style attributes and writes its theme as a <style> element; styles cannot run code.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            $"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }

    /// <summary>Adds the headers to every response, including static files, errors and the rate limiter's 429s.</summary>
    public static IApplicationBuilder UseStarStudioSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(http);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(http);
        });
}
