using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Common;
using StarStudio.Tests.Components;
using StarStudio.Web.Components.Admin.Chat;

namespace StarStudio.Tests.Integration.Admin.Chat;

/// <summary>The admin page and its forms, in Chinese, over a fake service.</summary>
public class ChatModelsPageTests : ComponentTest
{
    private static readonly LlmProviderView Vllm = new(Guid.NewGuid(), "内网 vLLM", "http://vllm:8000", false, true, 2, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
    private static readonly LlmProviderView DeepSeek = new(Guid.NewGuid(), "DeepSeek", "https://api.deepseek.com", true, true, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private readonly FakeService service = new();

    public ChatModelsPageTests()
    {
        Context.Services.AddSingleton<IChatModelAdminService>(service);
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
    }

    private static ChatModelAdminView Model(LlmProviderView provider, string modelId, bool active = true, bool isDefault = false, bool isFallback = false, bool thinking = false) =>
        new(Guid.NewGuid(), provider.Id, provider.Name, provider.IsActive, modelId, modelId, null, 32768, thinking, "{\"temperature\":0.7}", null, active, isDefault, isFallback, DateTimeOffset.UtcNow);

    private static IElement ModelRow(IRenderedComponent<ChatModelsPage> cut, string name) =>
        cut.FindAll("tr").Single(r => r.QuerySelector("[data-testid=cm-model-name-cell]")?.TextContent == name);

    private static IElement ProviderRow(IRenderedComponent<ChatModelsPage> cut, string name) =>
        cut.FindAll("tr").Single(r => r.QuerySelector("[data-testid=cm-provider-name-cell]")?.TextContent == name);

    [Fact]
    public void ChatModelsPage_ProvidersAndModels_ShowKeyStateContextAndBadges()
    {
        var qwen = Model(Vllm, "Qwen/Qwen2.5-7B-Instruct", isDefault: true);
        var r1 = Model(DeepSeek, "deepseek-reasoner", isFallback: true, thinking: true);
        service.Arrange([Vllm, DeepSeek], [qwen, r1, Model(Vllm, "off", active: false)]);

        var cut = Context.Render<ChatModelsPage>();

        Assert.Contains("未设置", ProviderRow(cut, "内网 vLLM").QuerySelector("[data-testid=cm-provider-key]")!.TextContent);
        Assert.Contains("已设置", ProviderRow(cut, "DeepSeek").QuerySelector("[data-testid=cm-provider-key]")!.TextContent);
        var qwenRow = ModelRow(cut, "Qwen/Qwen2.5-7B-Instruct");
        Assert.NotNull(qwenRow.QuerySelector("[data-testid=cm-model-default]"));
        Assert.Null(qwenRow.QuerySelector("[data-testid=cm-model-make-default]"));
        Assert.True(qwenRow.QuerySelector("[data-testid=cm-model-make-fallback]")!.HasAttribute("disabled"));
        Assert.Contains("32,768", qwenRow.QuerySelector("[data-testid=cm-model-context-cell]")!.TextContent);
        var r1Row = ModelRow(cut, "deepseek-reasoner");
        Assert.NotNull(r1Row.QuerySelector("[data-testid=cm-model-fallback]"));
        Assert.NotNull(r1Row.QuerySelector("[data-testid=cm-model-thinking-cell]"));
        Assert.True(ModelRow(cut, "off").QuerySelector("[data-testid=cm-model-make-default]")!.HasAttribute("disabled"));
        Assert.Contains("Qwen/Qwen2.5-7B-Instruct", cut.Find("[data-testid=cm-selection-default-name]").TextContent);
        Assert.Contains("deepseek-reasoner", cut.Find("[data-testid=cm-selection-fallback-name]").TextContent);
    }

    [Fact]
    public void ChatModelsPage_NoDefault_SaysTheOfflineEngineAnswers()
    {
        service.Arrange([Vllm], [Model(Vllm, "m")]);

        var cut = Context.Render<ChatModelsPage>();

        Assert.Contains("离线引擎", cut.Find("[data-testid=cm-selection-default-name]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=cm-clear-default]"));
    }

    [Fact]
    public void ChatModelsPage_MakeDefaultAndClear_CallTheService()
    {
        var m = Model(Vllm, "m");
        service.Arrange([Vllm], [m]);
        var cut = Context.Render<ChatModelsPage>();

        ModelRow(cut, "m").QuerySelector("[data-testid=cm-model-make-default]")!.Click();
        cut.WaitForAssertion(() => Assert.NotNull(ModelRow(cut, "m").QuerySelector("[data-testid=cm-model-default]")));
        cut.Find("[data-testid=cm-clear-default]").Click();

        Assert.Equal(new (string, Guid?)[] { ("default", m.Id), ("default", null) }, service.Calls);
    }

    [Fact]
    public void ChatModelsPage_SelectionRefused_ShowsTheLocalizedReason()
    {
        var m = Model(Vllm, "m");
        service.Arrange([Vllm], [m]);
        service.SelectionError = new FieldError(ChatModelAdminRules.FallbackModelField, ChatModelAdminRules.SelectionSame);
        var cut = Context.Render<ChatModelsPage>();

        ModelRow(cut, "m").QuerySelector("[data-testid=cm-model-make-fallback]")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("默认模型和备用模型不能是同一个模型", cut.Find("[data-testid=cm-selection-error]").TextContent));
    }

    [Fact]
    public void ChatModelsPage_Import_ShowsTheCountsAndTheAddedModels()
    {
        service.Arrange([Vllm], []);
        service.Import = Result<ModelImportResult>.Ok(new ModelImportResult(2, 2, 0, 0, ["Qwen/Qwen2.5-7B-Instruct", "tiny"]));
        var cut = Context.Render<ChatModelsPage>();

        ProviderRow(cut, "内网 vLLM").QuerySelector("[data-testid=cm-provider-import]")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("新增 2 个", cut.Find("[data-testid=cm-import-result]").TextContent));
        Assert.Contains("Qwen/Qwen2.5-7B-Instruct, tiny", cut.Find("[data-testid=cm-import-added]").TextContent);
    }

    [Fact]
    public void ChatModelsPage_ImportFails_ShowsTheServersMessage()
    {
        service.Arrange([Vllm], []);
        service.Import = Result<ModelImportResult>.Invalid(ChatModelAdminRules.ImportField, ChatModelAdminRules.ImportFailed, "HTTP 500 Internal Server Error: CUDA out of memory");
        var cut = Context.Render<ChatModelsPage>();

        ProviderRow(cut, "内网 vLLM").QuerySelector("[data-testid=cm-provider-import]")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("导入模型失败：HTTP 500 Internal Server Error: CUDA out of memory", cut.Find("[data-testid=cm-import-error]").TextContent));
    }

    [Fact]
    public void ChatModelsPage_Forbidden_ShowsTheNotice()
    {
        service.Forbidden = true;

        var cut = Context.Render<ChatModelsPage>();

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
        Assert.Empty(cut.FindAll("[data-testid=cm-provider-grid]"));
    }

    [Fact]
    public void LlmProviderForm_ExistingProviderWithKey_ShowsAPasswordFieldThatStartsBlank()
    {
        var cut = Render<LlmProviderForm>(p => p
            .Add(f => f.Model, LlmProviderDraft.From(DeepSeek))
            .Add(f => f.IsNew, false)
            .Add(f => f.HasStoredApiKey, true)
            .Add(f => f.SubmitText, "保存"));

        var key = cut.Find("#cm-provider-api-key");
        Assert.Equal("password", key.GetAttribute("type"));
        Assert.True(string.IsNullOrEmpty(key.GetAttribute("value")));
        Assert.Contains("留空则保留", key.Closest(".mud-input-control")!.TextContent);
        Assert.NotNull(cut.Find("[data-testid=cm-provider-clear-key]"));
    }

    [Fact]
    public void LlmProviderForm_UrlWithQuery_ShowsTheFieldErrorAndDoesNotSubmit()
    {
        var submitted = new List<LlmProviderDraft>();
        var cut = Render<LlmProviderForm>(p => p
            .Add(f => f.Model, new LlmProviderDraft())
            .Add(f => f.SubmitText, "添加")
            .Add(f => f.OnSubmit, d => submitted.Add(d)));

        cut.Find("#cm-provider-name").Input("Ollama");
        cut.Find("#cm-provider-base-url").Input("http://ollama:11434/v1?x=1");
        cut.Find("[data-testid=cm-provider-save]").Click();

        Assert.Empty(submitted);
        Assert.Contains("不能包含查询参数", cut.Find("#cm-provider-base-url").Closest(".mud-input-control")!.TextContent);

        cut.Find("#cm-provider-base-url").Input("http://ollama:11434/v1");
        cut.Find("[data-testid=cm-provider-save]").Click();
        var draft = Assert.Single(submitted);
        Assert.Equal("Ollama", draft.Name);
        Assert.True(string.IsNullOrEmpty(draft.ApiKey));
    }

    [Fact]
    public void ChatModelForm_DefaultParamsNotAnObject_ShowsTheFieldErrorAndDoesNotSubmit()
    {
        var submitted = new List<ChatModelDraft>();
        var cut = Render<ChatModelForm>(p => p
            .Add(f => f.Model, Model(Vllm, "Qwen/Qwen2.5-7B-Instruct"))
            .Add(f => f.OnSubmit, d => submitted.Add(d)));

        Assert.Contains("\"temperature\": 0.7", cut.Find("#cm-model-default-params").TextContent + cut.Find("#cm-model-default-params").GetAttribute("value"));
        cut.Find("#cm-model-default-params").Input("[1, 2]");
        cut.Find("[data-testid=cm-model-save]").Click();

        Assert.Empty(submitted);
        Assert.Contains("默认参数必须是一个 JSON 对象", cut.Find("#cm-model-default-params").Closest(".mud-input-control")!.TextContent);

        cut.Find("#cm-model-default-params").Input("{\"temperature\": 0.2}");
        cut.Find("#cm-model-context").Input("65536");
        cut.Find("[data-testid=cm-model-save]").Click();
        var draft = Assert.Single(submitted);
        Assert.Equal("{\"temperature\": 0.2}", draft.DefaultParams);
        Assert.Equal(65536, draft.MaxContextTokens);
    }

    private sealed class FakeService : IChatModelAdminService
    {
        private List<LlmProviderView> providers = [];
        private List<ChatModelAdminView> models = [];
        private ChatModelSelection selection = new(null, null);

        public bool Forbidden { get; set; }

        public FieldError? SelectionError { get; set; }

        public Result<ModelImportResult> Import { get; set; } = Result<ModelImportResult>.Ok(new ModelImportResult(0, 0, 0, 0, []));

        public List<(string Kind, Guid? Id)> Calls { get; } = [];

        public void Arrange(List<LlmProviderView> providerList, List<ChatModelAdminView> modelList)
        {
            providers = providerList;
            models = modelList;
            selection = new(modelList.FirstOrDefault(m => m.IsDefault)?.Id, modelList.FirstOrDefault(m => m.IsFallback)?.Id);
        }

        public Task<Result<IReadOnlyList<LlmProviderView>>> ListProvidersAsync(CancellationToken ct = default) =>
            Task.FromResult(Forbidden ? Result<IReadOnlyList<LlmProviderView>>.Forbidden() : Result<IReadOnlyList<LlmProviderView>>.Ok(providers));

        public Task<Result<ChatModelCatalog>> ListModelsAsync(CancellationToken ct = default) =>
            Task.FromResult(Forbidden
                ? Result<ChatModelCatalog>.Forbidden()
                : Result<ChatModelCatalog>.Ok(new ChatModelCatalog(
                    models.Select(m => m with { IsDefault = m.Id == selection.DefaultModelId, IsFallback = m.Id == selection.FallbackModelId }).ToList(), selection)));

        public Task<Result<LlmProviderView>> CreateProviderAsync(LlmProviderDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<LlmProviderView>> UpdateProviderAsync(Guid id, LlmProviderDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<LlmProviderView>> SetProviderActiveAsync(Guid id, bool active, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> DeleteProviderAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<ModelImportResult>> ImportModelsAsync(Guid providerId, CancellationToken ct = default) => Task.FromResult(Import);

        public Task<Result<ChatModelAdminView>> UpdateModelAsync(Guid id, ChatModelDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<ChatModelSelection>> SetDefaultModelAsync(Guid? modelId, CancellationToken ct = default) => Select("default", modelId);

        public Task<Result<ChatModelSelection>> SetFallbackModelAsync(Guid? modelId, CancellationToken ct = default) => Select("fallback", modelId);

        private Task<Result<ChatModelSelection>> Select(string kind, Guid? id)
        {
            Calls.Add((kind, id));
            if (SelectionError is { } error)
            {
                return Task.FromResult(Result<ChatModelSelection>.Invalid([error]));
            }

            selection = kind == "default" ? selection with { DefaultModelId = id } : selection with { FallbackModelId = id };
            return Task.FromResult(Result<ChatModelSelection>.Ok(selection));
        }
    }
}
