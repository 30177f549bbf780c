using AngleSharp.Dom;
using Bunit;
using StarStudio.Core.Admin;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;
using StarStudio.Web.Components.Admin;

namespace StarStudio.Tests.Components.Admin;

public class EmbeddingModelFormTests : ComponentTest
{
    private readonly List<EmbeddingModelDraft> submitted = [];
    private int cancelled;

    // The dimension select needs a popover provider, as the layout gives it in the app.
    public EmbeddingModelFormTests() => Context.Render<MudBlazor.MudPopoverProvider>();

    private IRenderedComponent<EmbeddingModelForm> RenderForm(
        EmbeddingModelDraft? model = null, bool isNew = true, bool hasStoredApiKey = false, IReadOnlyList<FieldError>? serverErrors = null) =>
        Render<EmbeddingModelForm>(p => p
            .Add(f => f.Model, model ?? new EmbeddingModelDraft())
            .Add(f => f.IsNew, isNew)
            .Add(f => f.HasStoredApiKey, hasStoredApiKey)
            .Add(f => f.ServerErrors, serverErrors)
            .Add(f => f.SubmitText, "保存")
            .Add(f => f.OnSubmit, d => submitted.Add(d))
            .Add(f => f.OnCancel, () => cancelled++));

    private static string FieldText(IRenderedComponent<EmbeddingModelForm> cut, string inputId) =>
        cut.Find("#" + inputId).Closest(".mud-input-control")!.TextContent;

    private static Task Fill(IRenderedComponent<EmbeddingModelForm> cut, string inputId, string value) => cut.Find("#" + inputId).InputAsync(value);

    private static Task Save(IRenderedComponent<EmbeddingModelForm> cut) => cut.Find("[data-testid=em-save]").ClickAsync();

    private static EmbeddingModelDraft Existing(string provider = EmbeddingProviders.OpenAi) => new()
    {
        Name = "text-embedding-3-small",
        Provider = provider,
        Dimension = 1536,
        MaxInputTokens = 8191,
        BaseUrl = provider == EmbeddingProviders.OpenAi ? "https://api.openai.com/v1" : null,
    };

    private static EmbeddingModelDraft Named(EmbeddingModelDraft draft, string name)
    {
        draft.Name = name;
        return draft;
    }

    [Fact]
    public async Task EmbeddingModelForm_BlankNewOpenAiModel_ShowsEveryRequiredFieldOnSubmit()
    {
        var cut = RenderForm();

        await Save(cut);

        Assert.Contains("请填写模型名称", FieldText(cut, "em-name"));
        Assert.Contains("OpenAI 兼容模型需要填写服务地址", FieldText(cut, "em-base-url"));
        Assert.Contains("请填写 API 密钥", FieldText(cut, "em-api-key"));
        Assert.Empty(submitted);
    }

    [Fact]
    public async Task EmbeddingModelForm_RequiredFieldsBeforeSubmit_AreNotShownWhileTyping()
    {
        var cut = RenderForm();

        await Fill(cut, "em-name", "m");

        Assert.DoesNotContain("请填写 API 密钥", FieldText(cut, "em-api-key"));
    }

    [Fact]
    public async Task EmbeddingModelForm_MaxInputOutOfRange_ShowsTheRangeAtTheField()
    {
        var cut = RenderForm(Existing(), isNew: false, hasStoredApiKey: true);

        await Fill(cut, "em-max-input", "40000");

        Assert.Contains("请输入 1 到 32768 之间的 token 数", FieldText(cut, "em-max-input"));
    }

    [Fact]
    public async Task EmbeddingModelForm_UrlWithAnotherScheme_ShowsTheSchemeError()
    {
        var cut = RenderForm();

        await Fill(cut, "em-base-url", "ftp://files.example.test");

        Assert.Contains("只允许 http 或 https 地址", FieldText(cut, "em-base-url"));
    }

    [Fact]
    public async Task EmbeddingModelForm_ValidNewModel_SubmitsTheDraftWithTheKey()
    {
        var cut = RenderForm();
        await Fill(cut, "em-name", "text-embedding-3-small");
        await Fill(cut, "em-base-url", "https://api.openai.com/v1");
        await Fill(cut, "em-api-key", "sk-new");

        await Save(cut);

        var draft = Assert.Single(submitted);
        Assert.Equal(("text-embedding-3-small", EmbeddingProviders.OpenAi, 1536, 8192), (draft.Name, draft.Provider, draft.Dimension, draft.MaxInputTokens));
        Assert.Equal("https://api.openai.com/v1", draft.BaseUrl);
        Assert.Equal("sk-new", draft.ApiKey);
    }

    [Fact]
    public async Task EmbeddingModelForm_ExistingModelWithStoredKey_MayKeepTheKeyBlank()
    {
        var cut = RenderForm(Existing(), isNew: false, hasStoredApiKey: true);

        Assert.Equal("", cut.Find("#em-api-key").GetAttribute("value") ?? "");
        Assert.Equal("password", cut.Find("#em-api-key").GetAttribute("type"));
        Assert.Contains("已保存密钥", FieldText(cut, "em-api-key"));
        await Save(cut);

        var draft = Assert.Single(submitted);
        Assert.True(string.IsNullOrEmpty(draft.ApiKey));
        Assert.Equal("https://api.openai.com/v1", cut.Find("#em-base-url").GetAttribute("value"));
    }

    [Fact]
    public async Task EmbeddingModelForm_LocalModel_HidesUrlAndKeyAndSubmitsWithoutThem()
    {
        var cut = RenderForm(Named(Existing(EmbeddingProviders.Local), "local-hash-1536"), isNew: true);

        Assert.Empty(cut.FindAll("#em-base-url"));
        Assert.Empty(cut.FindAll("#em-api-key"));
        Assert.NotNull(cut.Find("[data-testid=em-local-note]"));
        await Save(cut);

        var draft = Assert.Single(submitted);
        Assert.Equal(EmbeddingProviders.Local, draft.Provider);
        Assert.Null(draft.BaseUrl);
        Assert.Null(draft.ApiKey);
    }

    [Fact]
    public async Task EmbeddingModelForm_SwitchingToTheBuiltInProvider_DropsUrlAndKey()
    {
        var cut = RenderForm();
        await Fill(cut, "em-name", "local-hash-1536");
        await Fill(cut, "em-base-url", "https://api.openai.com/v1");

        await cut.Find("[data-testid=em-provider-local]").ClickAsync();
        await Save(cut);

        Assert.Empty(cut.FindAll("#em-base-url"));
        var draft = Assert.Single(submitted);
        Assert.Equal(EmbeddingProviders.Local, draft.Provider);
        Assert.Null(draft.BaseUrl);
    }

    [Fact]
    public void EmbeddingModelForm_ServerErrors_AreShownAtTheirFields()
    {
        var cut = RenderForm(Existing(), isNew: false, hasStoredApiKey: true, serverErrors:
        [
            new FieldError(nameof(EmbeddingModelDraft.BaseUrl), UrlSafety.PrivateNetworkCode),
            new FieldError(nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameTaken),
        ]);

        Assert.Contains("内网、本机或保留网段", FieldText(cut, "em-base-url"));
        Assert.Contains("已有同名的模型", FieldText(cut, "em-name"));
    }

    [Fact]
    public async Task EmbeddingModelForm_Cancel_CallsOnCancelWithoutSubmitting()
    {
        var cut = RenderForm(Existing(), isNew: false, hasStoredApiKey: true);

        await cut.Find("[data-testid=em-cancel]").ClickAsync();

        Assert.Equal(1, cancelled);
        Assert.Empty(submitted);
    }

    [Fact]
    public async Task EmbeddingModelForm_InEnglish_ShowsEnglishMessages()
    {
        UseCulture("en-US");
        var cut = RenderForm();

        await Save(cut);

        Assert.Contains("Give the model a name.", FieldText(cut, "em-name"));
        Assert.Contains("Enter the API key.", FieldText(cut, "em-api-key"));
    }
}
