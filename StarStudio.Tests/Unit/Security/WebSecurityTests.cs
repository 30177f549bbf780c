using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using StarStudio.Web.Health;
using StarStudio.Web.Security;

namespace StarStudio.Tests.Unit.Security;

/// <summary>The pure parts of the web layer's defences: the CSP, the rate limit classes, the cookie policy and the health body.</summary>
public sealed class WebSecurityTests
{
    private static DefaultHttpContext Request(string method, string path, string host = "stars.example.org")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        http.Request.Host = new HostString(host);
        return http;
    }

    private static Dictionary<string, string> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Contains(' ', StringComparison.Ordinal) ? d[(d.IndexOf(' ', StringComparison.Ordinal) + 1)..] : "");

    [Fact]
    public void ContentSecurityPolicy_AppPage_AllowsOnlyOwnScriptsImagesAndConnections()
    {
        var http = Request("GET", "/stars/x/chat");

        var csp = Directives(SecurityHeaders.ContentSecurityPolicy(http));

        Assert.Equal($"'self' 'nonce-{SecurityHeaders.Nonce(http)}'", csp["script-src"]);
        Assert.DoesNotContain("unsafe", csp["script-src"], StringComparison.Ordinal);
        Assert.Equal("'self' data: blob:", csp["img-src"]);
        Assert.Equal("'self' wss://stars.example.org ws://stars.example.org", csp["connect-src"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.Equal("'none'", csp["object-src"]);
        Assert.Equal("'self'", csp["base-uri"]);
        Assert.Equal("'self'", csp["form-action"]);
        Assert.Equal("'self'", csp["default-src"]);
    }

    [Fact]
    public void Nonce_IsStablePerRequestAndFreshPerRequest()
    {
        var one = Request("GET", "/");
        var other = Request("GET", "/");

        Assert.Equal(SecurityHeaders.Nonce(one), SecurityHeaders.Nonce(one));
        Assert.NotEqual(SecurityHeaders.Nonce(one), SecurityHeaders.Nonce(other));
        Assert.True(Convert.FromBase64String(SecurityHeaders.Nonce(one)).Length >= 16);
    }

    [Fact]
    public void ContentSecurityPolicy_JobsDashboard_AllowsInlineScriptsThereOnly()
    {
        var csp = Directives(SecurityHeaders.ContentSecurityPolicy(Request("GET", "/admin/jobs/recurring")));

        Assert.Equal("'self' 'unsafe-inline'", csp["script-src"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.DoesNotContain("unsafe-inline", Directives(SecurityHeaders.ContentSecurityPolicy(Request("GET", "/admin/jobsx")))["script-src"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/account/login", "sign-in")]
    [InlineData("POST", "/Account/Login", "sign-in")]
    [InlineData("POST", "/account/register", "register")]
    [InlineData("POST", "/hooks/knowledge/0b5c4a9e-0000-4000-8000-000000000000", "webhooks")]
    [InlineData("GET", "/account/login", null)]
    [InlineData("GET", "/hooks/knowledge/x", null)]
    [InlineData("POST", "/account/logout", null)]
    [InlineData("POST", "/account/loginx", null)]
    [InlineData("POST", "/_blazor/negotiate", null)]
    public void Classify_OnlyAnonymousFormPostsAndWebhooks_AreLimited(string method, string path, string? expected)
    {
        var options = new RateLimitOptions();

        var (name, rule) = RateLimits.Classify(Request(method, path), options);

        Assert.Equal(expected, name);
        Assert.Equal(expected is null, rule is null);
    }

    [Theory]
    [InlineData("Development", null, CookieSecurePolicy.SameAsRequest)]
    [InlineData("Production", null, CookieSecurePolicy.Always)]
    [InlineData("Staging", "", CookieSecurePolicy.Always)]
    [InlineData("Production", "SameAsRequest", CookieSecurePolicy.SameAsRequest)]
    [InlineData("Development", "always", CookieSecurePolicy.Always)]
    public void CookiePolicy_DefaultsToAlwaysOutsideDevelopment(string environment, string? configured, CookieSecurePolicy expected)
    {
        Assert.Equal(expected, CookieSecurity.Policy(new Environment(environment), configured));
    }

    [Theory]
    [InlineData("None")]
    [InlineData("sometimes")]
    public void CookiePolicy_NoneOrNonsense_IsRefused(string configured)
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => CookieSecurity.Policy(new Environment("Production"), configured));

        Assert.Contains("CookieSecurePolicy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthBody_UnhealthyCheck_SaysSoWithoutItsMessageOrException()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["postgres"] = new(HealthStatus.Unhealthy, "Failed to connect to 10.1.2.3:5432 as starstudio_app", TimeSpan.FromMilliseconds(5),
                    new InvalidOperationException("password authentication failed for user starstudio_app"), null),
                ["objectStore"] = new(HealthStatus.Healthy, "pgvector 0.8.0", TimeSpan.FromMilliseconds(1), null, null),
            },
            TimeSpan.FromMilliseconds(6));

        await HealthEndpoint.WriteAsync(http, report);

        var text = System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", json.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", json.GetProperty("checks").GetProperty("objectStore").GetProperty("status").GetString());
        Assert.DoesNotContain("10.1.2.3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("starstudio_app", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pgvector", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "StarStudio.Web";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
