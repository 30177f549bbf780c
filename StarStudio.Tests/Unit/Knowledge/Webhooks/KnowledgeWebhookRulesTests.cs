using System.Text;
using StarStudio.Core.Knowledge.Webhooks;

namespace StarStudio.Tests.Unit.Knowledge.Webhooks;

public sealed class KnowledgeWebhookRulesTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ValidateName_Blank_IsRequired(string? name)
    {
        var error = Assert.Single(KnowledgeWebhookRules.ValidateName(name));

        Assert.Equal("Name", error.Field);
        Assert.Equal("Knowledge.Webhook.Name.Required", error.Code);
    }

    [Fact]
    public void ValidateName_81Characters_IsTooLongWithTheLimit()
    {
        var error = Assert.Single(KnowledgeWebhookRules.ValidateName(new string('星', 81)));

        Assert.Equal("Knowledge.Webhook.Name.TooLong", error.Code);
        Assert.Equal([80], error.Args);
    }

    [Fact]
    public void ValidateName_80CharactersWithSpaces_IsFine()
    {
        Assert.Empty(KnowledgeWebhookRules.ValidateName("  " + new string('a', 80) + "  "));
    }

    [Fact]
    public void UrlPath_SourceId_IsTheHookRoute()
    {
        var id = Guid.Parse("0b7c3e8e-7f61-4d0a-9a8e-2f0e5b6d1c11");

        Assert.Equal("/hooks/knowledge/0b7c3e8e-7f61-4d0a-9a8e-2f0e5b6d1c11", KnowledgeWebhookRules.UrlPath(id));
    }

    [Fact]
    public void ReadPayload_JsonText_IsATxtDocumentNamedByTheTitle()
    {
        var read = KnowledgeWebhookRules.ReadPayload("application/json; charset=utf-8", null, Utf8("""{"title":"会议纪要 11/23","text":"第一条"}"""));

        Assert.NotNull(read.Payload);
        Assert.Equal("会议纪要 11-23.txt", read.Payload.Name);
        Assert.Equal(Utf8("第一条"), read.Payload.Content);
    }

    [Fact]
    public void ReadPayload_JsonMarkdown_IsAnMdDocument()
    {
        var read = KnowledgeWebhookRules.ReadPayload("Application/JSON", "ignored.pdf", Utf8("""{"title":"Notes","text":"# Hi","format":"markdown"}"""));

        Assert.Equal("Notes.md", read.Payload?.Name);
    }

    [Fact]
    public void ReadPayload_TitleWithExtension_IsNotDoubled()
    {
        var read = KnowledgeWebhookRules.ReadPayload("application/json", null, Utf8("""{"title":"notes.md","text":"x","format":"markdown"}"""));

        Assert.Equal("notes.md", read.Payload?.Name);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"title":"t"}""")]
    [InlineData("""{"text":"t"}""")]
    [InlineData("""{"title":"  ","text":"t"}""")]
    [InlineData("""{"title":"t","text":42}""")]
    [InlineData("""{"title":"t","text":"x","format":"html"}""")]
    [InlineData("""{"title":"...","text":"x"}""")]
    public void ReadPayload_BadJsonEnvelope_Is400BadJson(string body)
    {
        var read = KnowledgeWebhookRules.ReadPayload("application/json", null, Utf8(body));

        Assert.Null(read.Payload);
        Assert.Equal(400, read.Refusal?.StatusCode);
        Assert.Equal(WebhookStatuses.BadJson, read.Refusal?.Status);
    }

    [Fact]
    public void ReadPayload_LongTitle_IsCutTo200CharactersPlusExtension()
    {
        var read = KnowledgeWebhookRules.ReadPayload("application/json", null, Utf8($$"""{"title":"{{new string('t', 300)}}","text":"x"}"""));

        Assert.Equal(new string('t', 200) + ".txt", read.Payload?.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/pdf")]
    [InlineData("application/octet-stream")]
    public void ReadPayload_FileWithoutFileName_Is400MissingFileName(string? contentType)
    {
        var read = KnowledgeWebhookRules.ReadPayload(contentType, null, [1, 2, 3]);

        Assert.Equal(400, read.Refusal?.StatusCode);
        Assert.Equal(WebhookStatuses.MissingFileName, read.Refusal?.Status);
        Assert.Contains("X-StarStudio-Filename", read.Refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPayload_FileWithFileName_IsTheFileAsSent()
    {
        byte[] body = [0x25, 0x50, 0x44, 0x46];

        var read = KnowledgeWebhookRules.ReadPayload("application/pdf", "report.pdf", body);

        Assert.Equal("report.pdf", read.Payload?.Name);
        Assert.Same(body, read.Payload?.Content);
    }

    [Fact]
    public void ReadPayload_EmptyFile_Is400()
    {
        var read = KnowledgeWebhookRules.ReadPayload("text/plain", "a.txt", []);

        Assert.Equal(WebhookStatuses.EmptyBody, read.Refusal?.Status);
    }

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("  report.pdf ", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\docs\\a.docx", "a.docx")]
    [InlineData("%E4%BC%9A%E8%AE%AE.md", "会议.md")]
    [InlineData("a%0Ab.txt", "ab.txt")]
    public void NormalizeFileName_Header_IsAPlainFileName(string header, string expected)
    {
        Assert.Equal(expected, KnowledgeWebhookRules.NormalizeFileName(header));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("dir/")]
    [InlineData("%00")]
    public void NormalizeFileName_NothingUsable_IsNull(string header)
    {
        Assert.Null(KnowledgeWebhookRules.NormalizeFileName(header));
    }

    [Fact]
    public void NormalizeFileName_Over255Characters_IsNull()
    {
        Assert.Null(KnowledgeWebhookRules.NormalizeFileName(new string('a', 252) + ".txt"));
        Assert.Equal(255, KnowledgeWebhookRules.NormalizeFileName(new string('a', 251) + ".txt")?.Length);
    }
}
