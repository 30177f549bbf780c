using Microsoft.JSInterop;

namespace StarStudio.Web.Components.Shared;

/// <summary>
/// A component's JavaScript module: imported once, however many renders ask for it before the first import has
/// returned, and released with the component. (<c>module ??= await import(…)</c> imports again on every render that
/// runs while the first import is still on its way, and the first reference is never disposed.)
/// </summary>
/// <remarks>A circuit runs a component on one logical thread, so the awaits, not threads, are what interleave here.</remarks>
public sealed class JsModule(IJSRuntime js, string path) : IAsyncDisposable
{
    private Task<IJSObjectReference>? import;

    /// <summary>The module, importing it on the first call; a failed import is tried again on the next call.</summary>
    public async Task<IJSObjectReference> GetAsync()
    {
        var task = import ??= js.InvokeAsync<IJSObjectReference>("import", path).AsTask();
        try
        {
            return await task;
        }
        catch
        {
            if (ReferenceEquals(import, task))
            {
                import = null;
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var task = import;
        import = null;
        if (task is null)
        {
            return;
        }

        try
        {
            // An import still on its way is released when it lands.
            await (await task).DisposeAsync();
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // The import failed or the circuit is gone: nothing to release in the browser.
        }
    }
}
