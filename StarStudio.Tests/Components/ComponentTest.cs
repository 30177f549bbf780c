using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace StarStudio.Tests.Components;

/// <summary>A fresh bUnit context per test with MudBlazor, the app's localization and the HTTP context accessor registered, in Chinese by default.</summary>
/// <remarks>
/// <para>MudBlazor's services dispose asynchronously only, so the context is disposed through xunit's IAsyncLifetime.</para>
/// <para>Acting and asserting: bUnit's <c>Click()</c>/<c>Input()</c>/<c>Change()</c> start the handler on the renderer's
/// dispatcher and return without waiting for it (they discard the task of <c>ClickAsync</c> and friends). The handler
/// runs inline only while nothing else holds the dispatcher and nothing in it yields; a handler that awaits real
/// asynchrony (MudBlazor's form validation, a poller's or another continuation's turn on the dispatcher) goes on on
/// the thread pool, so on a loaded machine the next line of the test ran before it: a field error "not shown yet", a
/// fake "not called yet", an element not found. Hence tests <c>await element.ClickAsync()</c> (and <c>InputAsync</c>,
/// <c>ChangeAsync</c>), which completes when the handler and its render are done, and use <c>WaitForAssertion</c>/
/// <c>WaitForElement</c> for what happens outside the handler (dialogs whose opener awaits their answer, work the page
/// does after a dialog closed, debounced input, timers).</para>
/// </remarks>
public abstract class ComponentTest : IAsyncLifetime
{
    static ComponentTest()
    {
        // bUnit's default of 1 s for WaitForAssertion/WaitForElement is too tight when the machine is busy (CI, parallel builds);
        // a wait that passes returns at the render that satisfies it, so this only lengthens a genuine failure. (Static in bUnit 2.)
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(5);
    }

    protected ComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Context.Services.AddHttpContextAccessor(); // as the app registers it; no request here, so HttpContext is null
        UseCulture("zh-CN");
    }

    protected BunitContext Context { get; } = new();

    protected IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>> parameters)
        where T : IComponent => Context.Render(parameters);

    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = new CultureInfo(name);
        CultureInfo.CurrentUICulture = new CultureInfo(name);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
