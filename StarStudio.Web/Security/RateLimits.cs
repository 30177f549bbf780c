using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using StarStudio.Core.Knowledge.Webhooks;

namespace StarStudio.Web.Security;

/// <summary>
/// <c>StarStudio:RateLimits</c>: how many sign-in and registration form posts and webhook requests one client
/// address may make per window. Guessing passwords, mass registration and flooding a webhook are refused with 429.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "StarStudio:RateLimits";

    /// <summary>Sign-in form posts (<c>POST /account/login</c>) per client address. Lockout per account applies too.</summary>
    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Registration form posts (<c>POST /account/register</c>) per client address.</summary>
    public RateLimitRule Register { get; set; } = new() { PermitLimit = 5, WindowSeconds = 600 };

    /// <summary>Inbound webhook requests (<c>POST /hooks/knowledge/…</c>, <c>POST /payments/webhook/…</c>) per client address.</summary>
    public RateLimitRule Webhooks { get; set; } = new() { PermitLimit = 60, WindowSeconds = 60 };
}

/// <summary>At most <see cref="PermitLimit"/> requests in any <see cref="WindowSeconds"/>; 0 turns the limit off.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>ASP.NET Core's rate limiter, partitioned by client address, on the endpoints anyone can hit without an account.</summary>
public static class RateLimits
{
    private const string SignIn = "sign-in";
    private const string Register = "register";
    private const string Webhooks = "webhooks";

    /// <summary>Registers the limiter and binds <see cref="RateLimitOptions"/> (validated on start).</summary>
    public static IServiceCollection AddStarStudioRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .Validate(o => new[] { o.SignIn, o.Register, o.Webhooks }.All(r => r.PermitLimit >= 0 && r.WindowSeconds > 0),
                "StarStudio__RateLimits__*__PermitLimit must be 0 (off) or more and WindowSeconds more than 0.")
            .ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var (name, rule) = Classify(http, http.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitOptions>>().CurrentValue);
                if (name is null || rule is not { PermitLimit: > 0 })
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                // One window per client address and kind of request. Behind a proxy the address is the client's
                // only when forwarded headers are configured (StarStudio:ForwardedHeaders); otherwise all
                // clients share the proxy's address, and so its limit.
                var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetSlidingWindowLimiter($"{name}|{rule.PermitLimit}|{rule.WindowSeconds}|{client}", _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = rule.PermitLimit,
                    Window = TimeSpan.FromSeconds(rule.WindowSeconds),
                    SegmentsPerWindow = Math.Clamp(rule.WindowSeconds / 10, 1, 6),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = (context, ct) => RejectAsync(context.HttpContext, context.Lease, ct);
        });
        return services;
    }

    /// <summary>Which limit a request counts against; none for everything that needs no limit (pages, static files).</summary>
    internal static (string? Name, RateLimitRule? Rule) Classify(HttpContext http, RateLimitOptions options)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return (null, null);
        }

        var path = http.Request.Path;
        if (path.Equals("/account/login", StringComparison.OrdinalIgnoreCase))
        {
            return (SignIn, options.SignIn);
        }

        if (path.Equals("/account/register", StringComparison.OrdinalIgnoreCase))
        {
            return (Register, options.Register);
        }

        return IsWebhook(path) ? (Webhooks, options.Webhooks) : (null, null);
    }

    // The knowledge webhook and the payment webhook (a gateway's calls) share one limit per client address.
    private static bool IsWebhook(PathString path) =>
        path.StartsWithSegments("/hooks/knowledge", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Billing.PaymentWebhookEndpoints.RoutePrefix, StringComparison.OrdinalIgnoreCase);

    private static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease, CancellationToken ct)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
        retryAfter = Math.Max(retryAfter, 1);
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        if (IsWebhook(http.Request.Path))
        {
            // The webhook's own JSON shape, so senders branch on status as for every other refusal.
            await http.Response.WriteAsJsonAsync(new
            {
                status = "rate_limited",
                message = $"too many requests from this address; retry after {retryAfter} seconds",
                taskId = (Guid?)null,
                code = (string?)null,
            }, ct);
            return;
        }

        // The account forms post as plain HTML forms: the answer is a small page in the user's language.
        var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter / 60.0));
        var html = HtmlEncoder.Create(UnicodeRanges.All);
        var title = html.Encode(l["RateLimit.Title"]);
        var message = html.Encode(l["RateLimit.Message", minutes]);
        var back = html.Encode(l["RateLimit.Back"]);
        var target = html.Encode(http.Request.Path.Value ?? "/");
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{html.Encode(CultureInfo.CurrentUICulture.Name)}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · StarStudio</title></head>
            <body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
            <h1>{title}</h1>
            <p data-testid="rate-limited">{message}</p>
            <p><a href="{target}">{back}</a></p>
            </body>
            </html>
            """, ct);
    }
}
