using System.Diagnostics;
using Microsoft.Playwright;

namespace StarStudio.Bench.Stars;

/// <summary>Debian's Chromium through Playwright, as the E2E tests run it.</summary>
internal sealed class BrowserBench : IAsyncDisposable
{
    private const string Rows = "[data-testid=star-link]";
    // StarsPage's own pager (MudBlazor table markup since the list stopped being a MudDataGrid).
    private const string NextButton = "[data-testid=star-page-next]";
    // The pager's caption, e.g. "第 101–120 个，共 10000 个".
    private const string PagerCaption = "[data-testid=star-pager-info]";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly string baseUrl;

    private BrowserBench(IPlaywright playwright, IBrowser browser, string baseUrl)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.baseUrl = baseUrl;
    }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("STARSTUDIO_CHROMIUM") ?? "/usr/bin/chromium";

    public string Version => browser.Version;

    public static async Task<BrowserBench> LaunchAsync(string baseUrl)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return new BrowserBench(playwright, browser, baseUrl);
    }

    /// <summary>Registers an account through /account/register, so it has a real password hash.</summary>
    public async Task RegisterAsync(string email, string displayName, string password)
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/register");
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", displayName);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirmPassword", password);
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForURLAsync("**/studio");
    }

    /// <summary>
    /// Signs in through /account/login, then times (a) page.GotoAsync("/studio") until the 20th row is visible and
    /// (b) a click on the pager's next button until the first row shows another star.
    /// </summary>
    public async Task<(Timings Load, Timings Render, Timings Next, int Rows, string Pager)> MeasureAsync(string email, string password, int warmup, int iterations)
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/studio");

        var rows = page.Locator(Rows);
        var load = new Timings("/studio: load event");
        var render = new Timings("/studio: 20th row visible");
        for (var i = 0; i < warmup + iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync("/studio");
            var loaded = watch.Elapsed;
            await rows.Nth(19).WaitForAsync(new() { State = WaitForSelectorState.Visible });
            watch.Stop();
            if (i >= warmup)
            {
                load.Add(loaded);
                render.Add(watch.Elapsed);
            }
        }

        var count = await rows.CountAsync();
        await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        var next = new Timings("next page: first row changed");
        var button = page.Locator(NextButton);
        for (var i = 0; i < warmup + iterations; i++)
        {
            var first = await rows.First.TextContentAsync();
            var watch = Stopwatch.StartNew();
            await button.ClickAsync();
            await page.WaitForFunctionAsync(
                "([selector, previous]) => { const row = document.querySelector(selector); return row !== null && row.textContent !== previous; }",
                new object?[] { Rows, first });
            watch.Stop();
            if (i >= warmup)
            {
                next.Add(watch.Elapsed);
            }
        }

        return (load, render, next, count, (await page.Locator(PagerCaption).Last.TextContentAsync())?.Trim() ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    private async Task<IBrowserContext> NewContextAsync()
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new() { Width = 1280, Height = 900 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }
}
