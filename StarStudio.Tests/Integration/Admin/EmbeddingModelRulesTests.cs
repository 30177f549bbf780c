using StarStudio.Core.Admin;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;

namespace StarStudio.Tests.Integration.Admin;

/// <summary>The embedding model rules the form and the service share (no database needed).</summary>
public sealed class EmbeddingModelRulesTests
{
    private static EmbeddingModelDraft Valid() => new()
    {
        Name = "text-embedding-3-small",
        Provider = EmbeddingProviders.OpenAi,
        Dimension = 1536,
        MaxInputTokens = 8191,
        BaseUrl = "https://api.openai.com/v1",
        ApiKey = "sk-x",
    };

    private static IEnumerable<string> Codes(EmbeddingModelDraft draft, bool hasStoredApiKey = false) =>
        EmbeddingModelRules.Validate(draft, hasStoredApiKey).Select(e => e.Code);

    [Fact]
    public void Validate_CompleteOpenAiDraft_HasNoErrors()
    {
        Assert.Empty(EmbeddingModelRules.Validate(Valid(), hasStoredApiKey: false));
    }

    [Theory]
    [InlineData(384)]
    [InlineData(768)]
    [InlineData(1024)]
    [InlineData(1536)]
    public void Validate_SupportedDimension_IsAccepted(int dimension)
    {
        var draft = Valid();
        draft.Dimension = dimension;

        Assert.Empty(Codes(draft));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(512)]
    [InlineData(3072)]
    public void Validate_UnsupportedDimension_IsRefused(int dimension)
    {
        var draft = Valid();
        draft.Dimension = dimension;

        Assert.Equal([EmbeddingModelRules.DimensionUnsupported], Codes(draft));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(32768, true)]
    [InlineData(32769, false)]
    [InlineData(-5, false)]
    public void Validate_MaxInputTokens_MustBeBetween1And32768(int tokens, bool ok)
    {
        var draft = Valid();
        draft.MaxInputTokens = tokens;

        Assert.Equal(ok, !Codes(draft).Contains(EmbeddingModelRules.MaxInputTokensOutOfRange));
    }

    [Fact]
    public void Validate_NameOf100Characters_IsAcceptedAnd101IsNot()
    {
        var draft = Valid();
        draft.Name = new string('模', 100);
        Assert.Empty(Codes(draft));

        draft.Name = new string('模', 101);
        Assert.Equal([EmbeddingModelRules.NameTooLong], Codes(draft));
    }

    [Fact]
    public void Validate_BlankName_IsRequired()
    {
        var draft = Valid();
        draft.Name = "   ";

        Assert.Equal([EmbeddingModelRules.NameRequired], Codes(draft));
    }

    [Theory]
    [InlineData("OpenAI")]
    [InlineData(" local ")]
    public void Validate_ProviderInAnyCase_IsAccepted(string provider)
    {
        var draft = Valid();
        draft.Provider = provider;

        Assert.DoesNotContain(EmbeddingModelRules.ProviderInvalid, Codes(draft));
    }

    [Theory]
    [InlineData("cohere")]
    [InlineData("")]
    public void Validate_UnknownProvider_IsRefused(string provider)
    {
        var draft = Valid();
        draft.Provider = provider;

        Assert.Contains(EmbeddingModelRules.ProviderInvalid, Codes(draft));
    }

    [Fact]
    public void Validate_OpenAiWithoutUrlOrKey_NeedsBoth()
    {
        var draft = Valid();
        draft.BaseUrl = " ";
        draft.ApiKey = null;

        Assert.Equal([EmbeddingModelRules.BaseUrlRequired, EmbeddingModelRules.ApiKeyRequired], Codes(draft));
    }

    [Fact]
    public void Validate_OpenAiUpdateWithStoredKey_MayLeaveTheKeyBlank()
    {
        var draft = Valid();
        draft.ApiKey = "";

        Assert.Empty(Codes(draft, hasStoredApiKey: true));
    }

    [Theory]
    [InlineData("ftp://api.example.test", UrlSafety.SchemeCode)]
    [InlineData("api.example.test/v1", UrlSafety.InvalidCode)]
    [InlineData("https://u:p@api.example.test", UrlSafety.InvalidCode)]
    public void Validate_OpenAiUrlSyntax_IsCheckedWithoutTheNetwork(string url, string code)
    {
        var draft = Valid();
        draft.BaseUrl = url;

        Assert.Equal([code], Codes(draft));
    }

    [Fact]
    public void Validate_LocalModel_NeedsNeitherUrlNorKey()
    {
        var draft = new EmbeddingModelDraft { Name = "local-hash-768", Provider = EmbeddingProviders.Local, Dimension = 768, MaxInputTokens = 8192 };

        Assert.Empty(Codes(draft));
    }

    [Fact]
    public void From_View_CopiesEverythingButTheKey()
    {
        var view = new EmbeddingModelView(Guid.NewGuid(), "m", EmbeddingProviders.OpenAi, 1024, 512, "https://x.example.test", true, true, false, DateTimeOffset.UtcNow);

        var draft = EmbeddingModelDraft.From(view);

        Assert.Equal(("m", "openai", 1024, 512, "https://x.example.test"), (draft.Name, draft.Provider, draft.Dimension, draft.MaxInputTokens, draft.BaseUrl));
        Assert.Null(draft.ApiKey);
    }
}
