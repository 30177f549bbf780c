using Microsoft.JSInterop;
using StarStudio.Web.Components.Shared;

namespace StarStudio.Tests.Unit.Chat;

/// <summary>Issue 17 measured ChatPanel importing js/chat.js twice in ~42% of circuits, leaking the first reference.</summary>
public sealed class JsModuleTests
{
    [Fact]
    public async Task RendersAskingBeforeTheImportReturns_ShareOneImport_AndDisposeReleasesIt()
    {
        var js = new SlowRuntime();
        var module = new JsModule(js, "./js/chat.js");

        var first = module.GetAsync();
        var second = module.GetAsync();
        js.Finish();

        Assert.Same(await first, await second);
        Assert.Equal(1, js.Imports);
        await module.DisposeAsync();
        Assert.Equal(1, js.Module.Disposals);
    }

    [Fact]
    public async Task AFailedImport_IsTriedAgain()
    {
        var js = new SlowRuntime { FailNext = true };
        var module = new JsModule(js, "./js/chat.js");

        var failed = module.GetAsync();
        js.Finish();
        await Assert.ThrowsAsync<JSException>(() => failed);
        var retried = module.GetAsync();
        js.Finish();

        Assert.Same(js.Module, await retried);
        Assert.Equal(2, js.Imports);
    }

    [Fact]
    public async Task DisposingWhileTheImportIsOnItsWay_ReleasesItWhenItLands()
    {
        var js = new SlowRuntime();
        var module = new JsModule(js, "./js/chat.js");
        _ = module.GetAsync();

        var disposing = module.DisposeAsync().AsTask();
        js.Finish();
        await disposing;

        Assert.Equal(1, js.Module.Disposals);
    }

    private sealed class SlowRuntime : IJSRuntime
    {
        private TaskCompletionSource<IJSObjectReference> pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FakeModule Module { get; } = new();
        public int Imports { get; private set; }
        public bool FailNext { get; set; }

        public void Finish()
        {
            if (FailNext)
            {
                FailNext = false;
                pending.SetException(new JSException("import failed"));
            }
            else
            {
                pending.SetResult(Module);
            }
        }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            Assert.Equal("import", identifier);
            Imports++;
            if (pending.Task.IsCompleted)
            {
                pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return new ValueTask<TValue>(CastAsync<TValue>(pending.Task));
        }
    }

    private static async Task<TValue> CastAsync<TValue>(Task<IJSObjectReference> import) => (TValue)await import;

    private sealed class FakeModule : IJSObjectReference
    {
        public int Disposals { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposals++;
            return ValueTask.CompletedTask;
        }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => default;

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => default;
    }
}
