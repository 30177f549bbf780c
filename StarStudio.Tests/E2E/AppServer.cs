using Microsoft.Playwright;
using Npgsql;
using StarStudio.TestSupport;
using StarStudio.Tests.Integration;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.E2E;

/// <summary>
/// The real app, started as a process on a free loopback port over its own cloned database, and one
/// Chromium (Debian's, through Playwright) for all browser tests of the run.
/// </summary>
public class AppServer : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> settings;
    private readonly PostgresDatabase database = new();
    private readonly string dataRoot = Directory.CreateTempSubdirectory("starstudio-e2e-").FullName;
    private AppProcess? app;
    private IPlaywright? playwright;

    public const string AdminEmail = "admin@e2e.test";
    public const string AdminPassword = "Adm1n!e2e-pass";

    /// <summary>The app as every browser test sees it: the settings of a default installation.</summary>
    public AppServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A separate app with <paramref name="settings"/> (environment variables) on top of the defaults.</summary>
    protected AppServer(IReadOnlyDictionary<string, string> settings) => this.settings = settings;

    public string BaseUrl => App.BaseUrl;

    private AppProcess App => app ?? throw new InvalidOperationException("The app has not been started.");

    /// <summary>Every Content-Security-Policy violation Chromium reported on any page of this app, with the page's URL.</summary>
    public IReadOnlyList<string> CspViolations
    {
        get
        {
            lock (cspViolations)
            {
                return [.. cspViolations];
            }
        }
    }

    private readonly List<string> cspViolations = [];
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: test.sh keeps them under TestResults/e2e.</summary>
    public static string Artifacts { get; } = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_ARTIFACTS")
        ?? Path.Combine(ResourceTests.RepoRoot(), "TestResults", "e2e");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        // The web project's own build output (same configuration as the tests), with its static web assets manifest.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        app = new AppProcess(ResourceTests.RepoRoot(), AppProcess.WebDll(ResourceTests.RepoRoot(), configuration));
        await StartProcessAsync(new Dictionary<string, string>());

        Directory.CreateDirectory(Artifacts);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("STARSTUDIO_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        if (playwright is not null)
        {
            await Browser.DisposeAsync();
            playwright.Dispose();
        }

        if (app is not null)
        {
            await app.DisposeAsync();
        }

        await database.DisposeAsync();
        Directory.Delete(dataRoot, recursive: true);
    }

    /// <summary>A new browser context (its own cookies) with a page, in a phone- or desktop-sized window.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new() { Width = width, Height = height }, Locale = "zh-CN" });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // A page that the CSP breaks says so only in the console: collect what Chromium reports, for
        // SecurityHeadersTests to assert none after the other journeys have run.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (cspViolations)
                {
                    cspViolations.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        return page;
    }

    /// <summary>
    /// Stops the app (SIGKILL, if it still runs) and starts it again on the same port, database and files, with
    /// <paramref name="overrides"/> on top of this server's settings: a restart after a crash, or with a crash point armed.
    /// </summary>
    /// <param name="waitUntilHealthy">False for a start that may die before it answers (a crash point it reaches at once).</param>
    /// <param name="warmUp">False to skip rendering the public pages once after the start (the crash journeys' restarts).</param>
    public Task RestartAsync(IReadOnlyDictionary<string, string>? overrides = null, bool waitUntilHealthy = true, bool warmUp = true) =>
        StartProcessAsync(overrides ?? new Dictionary<string, string>(), waitUntilHealthy, warmUp);

    /// <summary>Waits until the app started with <c>waitUntilHealthy: false</c> answers (it throws if the app died meanwhile).</summary>
    public Task WaitUntilReadyAsync() => App.WaitUntilReadyAsync();

    /// <summary>Waits for the app process to end by itself (e.g. at an armed crash point); false if it still runs after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForExitAsync(TimeSpan timeout) => App.WaitForExitAsync(timeout);

    private Task StartProcessAsync(IReadOnlyDictionary<string, string> overrides, bool waitUntilHealthy = true, bool warmUp = true)
    {
        var environment = AppProcess.BaseSettings(database.AppConnectionString, database.OwnerConnectionString, database.JobsConnectionString, dataRoot);
        environment["StarStudio__Admin__Email"] = AdminEmail;
        environment["StarStudio__Admin__Password"] = AdminPassword;
        foreach (var (name, value) in settings.Concat(overrides))
        {
            environment[name] = value;
        }

        return App.StartAsync(environment, waitUntilHealthy, warmUp: warmUp);
    }

    public string Output() => App.Output();

    /// <summary>Runs SQL as the tests' maintenance role (past every policy), for checks that must not go through the app.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(database.MaintConnectionString);
        await conn.OpenAsync();
        return await new NpgsqlCommand(sql, conn).ExecuteScalarAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<AppServer>
{
    public const string Name = "e2e";
}

/// <summary>Helpers that make the browser tests read like the steps a person takes.</summary>
public static class PageSteps
{
    /// <summary>Opens a page and waits until the Blazor circuit is live, so clicks are handled.</summary>
    public static async Task OpenInteractiveAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
    }

    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static Task ShotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(AppServer.Artifacts, name + ".png"), FullPage = true });

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=login-submit]");
    }

    /// <summary>A new owner registers, creates a star with the three required fields, and lands on the star's page.</summary>
    public static async Task RegisterWithAStarAsync(this IPage page, string emailPrefix, string displayName, string name, string domain, string persona)
    {
        await page.RegisterAsync($"{emailPrefix}-{Guid.NewGuid():N}@example.test", displayName, "Passw0rd!k");
        await page.WaitForURLAsync("**/studio");
        await page.OpenInteractiveAsync("/studio/stars/new");
        await page.FillAsync("#star-name", name);
        await page.FillAsync("#star-domain", domain);
        await page.FillAsync("#star-persona", persona);
        await page.ClickAsync("[data-testid=star-save]");
        await page.WaitForURLAsync(url => url.Contains("/studio/stars/", StringComparison.Ordinal) && !url.EndsWith("/new", StringComparison.Ordinal));
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Opens the star's 知识 tab and waits until its (empty) task list has loaded, so the upload input is wired to the circuit.</summary>
    public static async Task OpenKnowledgeTabAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "知识" }).ClickAsync();
        // The page's own timeout (15 s, longer where a test set one), not the assertion default of 5 s: a star page
        // just reloaded on a busy machine takes longer than that to load its task list.
        await page.GetByTestId("no-tasks").WaitForAsync();
    }

    public static async Task RegisterAsync(this IPage page, string email, string displayName, string password)
    {
        await page.GotoAsync("/account/register");
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", displayName);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirmPassword", password);
        await page.ClickAsync("[data-testid=register-submit]");
    }
}
