using System.Reflection;
using System.Xml.Linq;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Integration.Admin.Chat;

/// <summary>The rules that need neither the database nor the network: URLs, default parameters, the model list, the selection JSON.</summary>
public class ChatModelAdminRulesTests
{
    [Theory]
    [InlineData("http://vllm:8000/v1", "http://vllm:8000")]
    [InlineData("  http://vllm:8000/v1/  ", "http://vllm:8000")]
    [InlineData("https://api.deepseek.com", "https://api.deepseek.com")]
    [InlineData("https://api.deepseek.com/", "https://api.deepseek.com")]
    [InlineData("https://dashscope.aliyuncs.com/compatible-mode/V1", "https://dashscope.aliyuncs.com/compatible-mode")]
    [InlineData("http://host/v10", "http://host/v10")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void NormalizeBaseUrl_Variants_StripTrailingV1AndSlashes(string? input, string expected) =>
        Assert.Equal(expected, ChatModelAdminRules.NormalizeBaseUrl(input));

    [Theory]
    [InlineData("{}", "{}")]
    [InlineData("", "{}")]
    [InlineData("   ", "{}")]
    [InlineData(null, "{}")]
    [InlineData(" {\"temperature\": 0.7} ", "{\"temperature\": 0.7}")]
    public void NormalizeDefaultParams_JsonObjectOrBlank_IsAccepted(string? input, string expected) =>
        Assert.Equal(expected, ChatModelAdminRules.NormalizeDefaultParams(input));

    [Theory]
    [InlineData("[]")]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("\"{}\"")]
    [InlineData("{")]
    [InlineData("{} {}")]
    [InlineData("{\"a\": \"\\u0000\"}")]
    public void NormalizeDefaultParams_NotAJsonObject_IsNull(string input) =>
        Assert.Null(ChatModelAdminRules.NormalizeDefaultParams(input));

    [Fact]
    public void ValidateProvider_GoodDraftWithoutKey_HasNoErrors() =>
        Assert.Empty(ChatModelAdminRules.ValidateProvider(new LlmProviderDraft { Name = "Ollama", BaseUrl = "http://ollama:11434/v1" }));

    [Fact]
    public void ValidateProvider_NameOf80Chinese_IsAcceptedAnd81IsNot()
    {
        Assert.Empty(ChatModelAdminRules.ValidateProvider(new LlmProviderDraft { Name = new string('星', 80), BaseUrl = "http://h" }));
        Assert.Contains(ChatModelAdminRules.ValidateProvider(new LlmProviderDraft { Name = new string('星', 81), BaseUrl = "http://h" }),
            e => e is { Field: "Name", Code: ChatModelAdminRules.NameTooLong });
    }

    [Theory]
    [InlineData("http://h/?a=1", ChatModelAdminRules.BaseUrlQuery)]
    [InlineData("http://h/#x", ChatModelAdminRules.BaseUrlQuery)]
    [InlineData("file:///etc/passwd", UrlSafety.SchemeCode)]
    [InlineData("vllm:8000", UrlSafety.SchemeCode)]
    [InlineData("http://u:p@h", UrlSafety.InvalidCode)]
    public void ValidateProvider_BadBaseUrl_ReturnsItsCode(string url, string code) =>
        Assert.Contains(ChatModelAdminRules.ValidateProvider(new LlmProviderDraft { Name = "n", BaseUrl = url }), e => e.Field == "BaseUrl" && e.Code == code);

    [Fact]
    public void ValidateModel_EverythingWrong_ReportsEveryField()
    {
        var errors = ChatModelAdminRules.ValidateModel(new ChatModelDraft
        {
            DisplayName = "",
            Description = new string('d', 1001),
            MaxContextTokens = 100,
            DefaultParams = "[]",
            ServiceUrl = "ftp://x",
        });

        Assert.Equal(
            new[] { "DisplayName", "Description", "MaxContextTokens", "DefaultParams", "ServiceUrl" },
            errors.Select(e => e.Field).ToArray());
        Assert.Equal(new object[] { 256, 2_000_000 }, errors.Single(e => e.Field == "MaxContextTokens").Args);
    }

    [Fact]
    public void ValidateModel_BlankServiceUrl_IsAllowed() =>
        Assert.Empty(ChatModelAdminRules.ValidateModel(new ChatModelDraft { DisplayName = "x", ServiceUrl = "  " }));

    [Fact]
    public void OpenAiModelList_VllmAnswer_ReadsIdsAndMaxModelLen()
    {
        var (models, skipped) = OpenAiModelList.Parse("""
            {"object":"list","data":[
              {"id":"Qwen/Qwen2.5-7B-Instruct","object":"model","max_model_len":32768,"context_length":1},
              {"id":"Qwen/Qwen2.5-7B-Instruct","max_model_len":1},
              {"id":"llama3","context_window":"8192"},
              {"id":"tiny","max_model_len":100},
              {"id":"none"},
              {"id":42}, "x", {"id":"   "}
            ]}
            """);

        Assert.Equal(3, skipped);
        Assert.Equal(
            new[] { new ListedModel("Qwen/Qwen2.5-7B-Instruct", 32768), new ListedModel("llama3", 8192), new ListedModel("tiny", 256), new ListedModel("none", null) },
            models);
    }

    [Fact]
    public void OpenAiModelList_BareArray_IsAccepted() =>
        Assert.Equal("m", Assert.Single(OpenAiModelList.Parse("""[{"id":"m"}]""").Models).Id);

    [Theory]
    [InlineData("<html></html>")]
    [InlineData("{\"object\":\"list\"}")]
    [InlineData("{\"data\":{}}")]
    [InlineData("42")]
    public void OpenAiModelList_NotAList_ThrowsFormatException(string json) =>
        Assert.Throws<FormatException>(() => OpenAiModelList.Parse(json));

    [Fact]
    public void ChatModelConfigKeys_RoundTrip_IsAJsonStringOrNull()
    {
        var id = Guid.NewGuid();

        Assert.Equal($"\"{id}\"", ChatModelConfigKeys.ToJson(id));
        Assert.Equal("null", ChatModelConfigKeys.ToJson(null));
        Assert.Equal(id, ChatModelConfigKeys.ParseJson(ChatModelConfigKeys.ToJson(id)));
        Assert.Null(ChatModelConfigKeys.ParseJson("null"));
        Assert.Null(ChatModelConfigKeys.ParseJson(null));
        Assert.Null(ChatModelConfigKeys.ParseJson("42"));
        Assert.Null(ChatModelConfigKeys.ParseJson("\"not a guid\""));
        Assert.Null(ChatModelConfigKeys.ParseJson("{"));
    }

    public static TheoryData<string> Codes() => new(
        typeof(ChatModelAdminRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.StartsWith("Admin.", StringComparison.Ordinal))
            .Concat(UrlSafety.Codes));

    [Theory]
    [MemberData(nameof(Codes))]
    public void Resources_ChatModelAdminCode_IsTranslatedInBothLanguages(string code)
    {
        foreach (var file in new[] { "SharedResource.resx", "SharedResource.zh-CN.resx" })
        {
            var keys = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
                .Elements("data").Select(d => (string)d.Attribute("name")!);
            Assert.Contains(code, keys);
        }
    }

    [Fact]
    public void FieldErrors_FormatWithTheirArgs_InBothLanguages()
    {
        // Every message formats with string.Format, so a stray brace would throw at run time.
        foreach (var file in new[] { "SharedResource.resx", "SharedResource.zh-CN.resx" })
        {
            var values = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
                .Elements("data")
                .Where(d => ((string)d.Attribute("name")!).StartsWith("Admin.Provider.", StringComparison.Ordinal)
                    || ((string)d.Attribute("name")!).StartsWith("Admin.ChatModel", StringComparison.Ordinal))
                .Select(d => (string)d.Element("value")!);
            Assert.All(values, v => _ = string.Format(System.Globalization.CultureInfo.InvariantCulture, v, "a", "b", "c", "d"));
        }
    }
}
