using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Admin;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;
using StarStudio.Web.Components.Admin;

namespace StarStudio.Tests.Components.Admin;

public class EmbeddingModelsPageTests : ComponentTest
{
    private static readonly EmbeddingModelView Local = new(Guid.NewGuid(), "local-hash-384", EmbeddingProviders.Local, 384, 8192, null, false, true, true, DateTimeOffset.UtcNow);
    private static readonly EmbeddingModelView Remote = new(Guid.NewGuid(), "text-embedding-3-small", EmbeddingProviders.OpenAi, 1536, 8191, "https://api.openai.com/v1", true, true, false, DateTimeOffset.UtcNow);
    private static readonly EmbeddingModelView Off = new(Guid.NewGuid(), "bge-m3", EmbeddingProviders.OpenAi, 1024, 8192, "https://bge.example.test", true, false, false, DateTimeOffset.UtcNow);

    private readonly FakeService service = new();

    public EmbeddingModelsPageTests()
    {
        Context.Services.AddSingleton<IEmbeddingModelAdminService>(service);
    }

    private IRenderedComponent<EmbeddingModelsPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
        return Context.Render<EmbeddingModelsPage>();
    }

    private static IElement Row(IRenderedComponent<EmbeddingModelsPage> cut, string name) =>
        cut.FindAll("tr").Single(r => r.QuerySelector("[data-testid=em-name-cell]")?.TextContent == name);

    [Fact]
    public void EmbeddingModelsPage_Models_AreListedWithKeyStateAndDefault()
    {
        var cut = RenderPage();

        Assert.Equal(3, cut.FindAll("[data-testid=em-name-cell]").Count);
        var remote = Row(cut, "text-embedding-3-small");
        Assert.Contains("https://api.openai.com/v1", remote.TextContent);
        Assert.Contains("OpenAI 兼容服务", remote.TextContent);
        Assert.NotNull(Row(cut, "local-hash-384").QuerySelector("[data-testid=em-default]"));
        Assert.Null(remote.QuerySelector("[data-testid=em-default]"));
        Assert.Contains("已停用", Row(cut, "bge-m3").TextContent);
        Assert.DoesNotContain("sk-", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddingModelsPage_Actions_FollowTheRules()
    {
        var cut = RenderPage();

        var local = Row(cut, "local-hash-384");
        Assert.Null(local.QuerySelector("[data-testid=em-set-default]"));
        Assert.True(local.QuerySelector("[data-testid=em-deactivate]")!.HasAttribute("disabled"));
        var off = Row(cut, "bge-m3");
        Assert.Null(off.QuerySelector("[data-testid=em-set-default]"));
        Assert.NotNull(off.QuerySelector("[data-testid=em-activate]"));
        Assert.NotNull(Row(cut, "text-embedding-3-small").QuerySelector("[data-testid=em-set-default]"));
    }

    [Fact]
    public async Task EmbeddingModelsPage_SetDefault_CallsTheServiceAndReloads()
    {
        var cut = RenderPage();

        await Row(cut, "text-embedding-3-small").QuerySelector("[data-testid=em-set-default]")!.ClickAsync();

        Assert.Equal([("default", Remote.Id)], service.Calls);
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, "text-embedding-3-small").QuerySelector("[data-testid=em-default]")));
    }

    [Fact]
    public async Task EmbeddingModelsPage_TestSucceeds_ShowsDimensionAndLatencyInline()
    {
        service.Test = new EmbeddingModelTestResult(true, 384, TimeSpan.FromMilliseconds(12));
        var cut = RenderPage();

        await Row(cut, "local-hash-384").QuerySelector("[data-testid=em-test]")!.ClickAsync();

        var result = cut.Find("[data-testid=em-test-result]").TextContent;
        Assert.Contains("local-hash-384 可用", result);
        Assert.Contains("384 维", result);
        Assert.Contains("12 毫秒", result);
    }

    [Fact]
    public async Task EmbeddingModelsPage_TestFails_ShowsTheReasonAndTheDetail()
    {
        service.Test = new EmbeddingModelTestResult(false, null, TimeSpan.FromMilliseconds(3), UrlSafety.PrivateNetworkCode, "http://10.0.0.5");
        var cut = RenderPage();

        await Row(cut, "text-embedding-3-small").QuerySelector("[data-testid=em-test]")!.ClickAsync();

        var result = cut.Find("[data-testid=em-test-result]").TextContent;
        Assert.Contains("text-embedding-3-small 测试失败", result);
        Assert.Contains("内网、本机或保留网段", result);
        Assert.Equal("http://10.0.0.5", cut.Find("[data-testid=em-test-detail]").TextContent);
    }

    [Fact]
    public async Task EmbeddingModelsPage_EditAndServerRefusesTheUrl_ShowsTheErrorAtTheField()
    {
        service.UpdateResult = Result<EmbeddingModelView>.Invalid(nameof(EmbeddingModelDraft.BaseUrl), UrlSafety.PrivateNetworkCode);
        var cut = RenderPage();

        await Row(cut, "text-embedding-3-small").QuerySelector("[data-testid=em-edit]")!.ClickAsync();
        Assert.Contains("编辑 text-embedding-3-small", cut.Find("[data-testid=em-editor]").TextContent);
        await cut.Find("#em-base-url").InputAsync("http://10.0.0.5/v1");
        await cut.Find("[data-testid=em-save]").ClickAsync();

        Assert.Equal([("update", Remote.Id)], service.Calls);
        Assert.Equal("http://10.0.0.5/v1", service.LastDraft!.BaseUrl);
        Assert.True(string.IsNullOrEmpty(service.LastDraft.ApiKey));
        Assert.Contains("内网、本机或保留网段", cut.Find("#em-base-url").Closest(".mud-input-control")!.TextContent);
    }

    [Fact]
    public async Task EmbeddingModelsPage_AddValidModel_CreatesAndClosesTheEditor()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=em-add]").ClickAsync();
        await cut.Find("#em-name").InputAsync("text-embedding-3-large");
        await cut.Find("#em-base-url").InputAsync("https://api.openai.com/v1");
        await cut.Find("#em-api-key").InputAsync("sk-new");
        await cut.Find("[data-testid=em-save]").ClickAsync();

        Assert.Equal("create", Assert.Single(service.Calls).Op);
        Assert.Equal("sk-new", service.LastDraft!.ApiKey);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=em-editor]")));
    }

    [Fact]
    public void EmbeddingModelsPage_NotAnAdmin_ShowsForbidden()
    {
        service.ListResult = Result<IReadOnlyList<EmbeddingModelView>>.Forbidden();

        var cut = RenderPage();

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
        Assert.Empty(cut.FindAll("[data-testid=em-grid]"));
    }

    private sealed class FakeService : IEmbeddingModelAdminService
    {
        private readonly List<EmbeddingModelView> models = [Local, Remote, Off];

        public List<(string Op, Guid Id)> Calls { get; } = [];

        public EmbeddingModelDraft? LastDraft { get; private set; }

        public Result<IReadOnlyList<EmbeddingModelView>>? ListResult { get; set; }

        public Result<EmbeddingModelView>? UpdateResult { get; set; }

        public EmbeddingModelTestResult Test { get; set; } = new(true, 384, TimeSpan.FromMilliseconds(1));

        public Task<Result<IReadOnlyList<EmbeddingModelView>>> ListAsync(CancellationToken ct = default) =>
            Task.FromResult(ListResult ?? Result<IReadOnlyList<EmbeddingModelView>>.Ok(models.ToList()));

        public Task<Result<EmbeddingModelView>> CreateAsync(EmbeddingModelDraft draft, CancellationToken ct = default)
        {
            Calls.Add(("create", Guid.Empty));
            LastDraft = draft;
            var view = new EmbeddingModelView(Guid.NewGuid(), draft.Name, draft.Provider, draft.Dimension, draft.MaxInputTokens, draft.BaseUrl, true, true, false, DateTimeOffset.UtcNow);
            models.Add(view);
            return Task.FromResult(Result<EmbeddingModelView>.Ok(view));
        }

        public Task<Result<EmbeddingModelView>> UpdateAsync(Guid id, EmbeddingModelDraft draft, CancellationToken ct = default)
        {
            Calls.Add(("update", id));
            LastDraft = draft;
            return Task.FromResult(UpdateResult ?? Result<EmbeddingModelView>.Ok(models.Single(m => m.Id == id)));
        }

        public Task<Result<EmbeddingModelView>> SetDefaultAsync(Guid id, CancellationToken ct = default)
        {
            Calls.Add(("default", id));
            for (var i = 0; i < models.Count; i++)
            {
                models[i] = models[i] with { IsDefault = models[i].Id == id };
            }

            return Task.FromResult(Result<EmbeddingModelView>.Ok(models.Single(m => m.Id == id)));
        }

        public Task<Result<EmbeddingModelView>> SetActiveAsync(Guid id, bool active, CancellationToken ct = default)
        {
            Calls.Add((active ? "activate" : "deactivate", id));
            return Task.FromResult(Result<EmbeddingModelView>.Ok(models.Single(m => m.Id == id)));
        }

        public Task<Result<EmbeddingModelTestResult>> TestAsync(Guid id, CancellationToken ct = default)
        {
            Calls.Add(("test", id));
            return Task.FromResult(Result<EmbeddingModelTestResult>.Ok(Test));
        }
    }
}
