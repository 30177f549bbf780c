using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>The pages under the Content-Security-Policy in Chromium: Blazor, MudBlazor and Hangfire's dashboard still work.</summary>
[Collection(E2ECollection.Name)]
public sealed class SecurityHeadersTests(AppServer app)
{
    [Fact]
    public async Task Pages_UnderTheCsp_WorkAndChromiumReportsNoViolation()
    {
        var page = await app.NewPageAsync();

        var home = await page.GotoAsync("/");
        Assert.Contains("script-src 'self' 'nonce-", await home!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/account/register");
        await Expect(page.Locator("#email")).ToBeVisibleAsync();
        await page.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await page.WaitForURLAsync("**/studio");
        await page.WaitForInteractiveAsync();
        await page.OpenInteractiveAsync("/studio/stars/new");
        await page.OpenInteractiveAsync("/admin");
        // Hangfire's dashboard polls and draws its charts with its own scripts.
        await page.GotoAsync("/admin/jobs");
        await Expect(page.Locator("body")).ToContainTextAsync("StarStudio jobs");
        await page.GotoAsync("/admin/jobs/recurring");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // Also covers every page the journeys before this one opened in the same app.
        Assert.Empty(app.CspViolations);
    }
}

/// <summary>
/// An app as it runs in production behind a TLS proxy: Production environment, forwarded headers believed from
/// loopback (the tests play the proxy and name the client in X-Forwarded-For), and small rate limits.
/// </summary>
public sealed class ProductionAppServer() : AppServer(new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["StarStudio__ForwardedHeaders__Enabled"] = "true",
    ["StarStudio__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
    ["StarStudio__RateLimits__SignIn__PermitLimit"] = "3",
    ["StarStudio__RateLimits__Register__PermitLimit"] = "2",
    ["StarStudio__RateLimits__Webhooks__PermitLimit"] = "2",
});

/// <summary>The defences a client sees over HTTP, against <see cref="ProductionAppServer"/>.</summary>
public sealed class ProductionDefaultsTests(ProductionAppServer app) : IClassFixture<ProductionAppServer>
{
    private static int nextClient;

    /// <summary>A client of its own (own address for the limiter), cookies handled by hand: Secure cookies over http are the point.</summary>
    private HttpClient Client(out string address)
    {
        address = $"203.0.113.{Interlocked.Increment(ref nextClient)}";
        var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        // Not localhost, which HSTS leaves out.
        http.DefaultRequestHeaders.Add("X-Forwarded-Host", "stars.example.test");
        return http;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content) : "";

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/healthz")]
    [InlineData("/no-such-file.js")]
    public async Task AnyResponse_CarriesTheSecurityHeaders(string path)
    {
        using var http = Client(out _);

        using var response = await http.GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data: blob:", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedProto_FromTheKnownProxy_IsBelieved()
    {
        using var proxied = Client(out _);
        using var direct = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        using var viaProxy = await proxied.GetAsync("/account/login");
        using var plain = await direct.GetAsync("/account/login");

        // HSTS is only ever sent over HTTPS: the proxy's X-Forwarded-Proto made this request one.
        Assert.Contains("max-age=", Header(viaProxy, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.Equal("", Header(plain, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Healthz_Anonymous_SaysOnlyHealthyOrUnhealthyPerCheck()
    {
        using var http = Client(out _);

        using var response = await http.GetAsync("/healthz");

        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        foreach (var check in json.GetProperty("checks").EnumerateObject())
        {
            Assert.Equal(["status"], check.Value.EnumerateObject().Select(p => p.Name));
        }

        Assert.DoesNotContain("pgvector", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OverTheLimit_Is429WithALocalizedPageForThatClientOnly()
    {
        using var http = Client(out _);
        using var other = Client(out _);
        var form = new FormUrlEncodedContent([new("Input.Email", "x@example.test"), new("Input.Password", "wrong")]);

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await http.PostAsync("/account/login", form);
            Assert.NotEqual(429, (int)allowed.StatusCode);
        }

        using var refused = await http.PostAsync("/account/login", form);
        using var english = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = form };
        english.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den-US%7Cuic%3Den-US");
        using var refusedInEnglish = await http.SendAsync(english);
        using var otherClient = await other.PostAsync("/account/login", form);

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.True(int.Parse(Header(refused, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("尝试次数过多", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Too many attempts", await refusedInEnglish.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(429, (int)otherClient.StatusCode);
    }

    [Fact]
    public async Task Register_OverTheLimit_Is429()
    {
        using var http = Client(out _);
        var form = new FormUrlEncodedContent([new("Input.Email", "x@example.test")]);

        for (var i = 0; i < 2; i++)
        {
            using var allowed = await http.PostAsync("/account/register", form);
            Assert.NotEqual(429, (int)allowed.StatusCode);
        }

        using var refused = await http.PostAsync("/account/register", form);

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Contains("data-testid=\"rate-limited\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_OverTheLimit_Is429WithTheWebhookJson()
    {
        using var http = Client(out _);
        var path = $"/hooks/knowledge/{Guid.NewGuid()}";

        for (var i = 0; i < 2; i++)
        {
            using var allowed = await http.PostAsync(path, new StringContent("{}"));
            Assert.Equal(404, (int)allowed.StatusCode);
        }

        using var refused = await http.PostAsync(path, new StringContent("{}"));

        Assert.Equal(429, (int)refused.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate_limited", json.GetProperty("status").GetString());
        Assert.Contains("retry after", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_InProduction_SetsSecureHttpOnlyCookies()
    {
        using var http = Client(out _);
        using var form = await http.GetAsync("/account/login");
        var html = await form.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgery = Header(form, "Set-Cookie");
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent([
                new("_handler", "login"), new("__RequestVerificationToken", token),
                new("Input.Email", AppServer.AdminEmail), new("Input.Password", AppServer.AdminPassword)]),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);

        using var signedIn = await http.SendAsync(post);

        Assert.Equal(302, (int)signedIn.StatusCode);
        var auth = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("starstudio.auth=", StringComparison.Ordinal));
        Assert.Contains("; secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", auth, StringComparison.OrdinalIgnoreCase);
    }
}
