using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace StarStudio.Tests.Components;

/// <summary>A fresh bUnit context per test with MudBlazor, the app's localization and the HTTP context accessor registered, in Chinese by default.</summary>
/// <remarks>MudBlazor's services dispose asynchronously only, so the context is disposed through xunit's IAsyncLifetime.</remarks>
public abstract class ComponentTest : IAsyncLifetime
{
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
