using StarStudio.Core.Extensions;

namespace StarStudio.Tests.Unit.Extensions;

public sealed class ExtensionManifestParserTests
{
    private const string Template = """
        {
          "id": "warm-chat",
          "name": "温暖对话",
          "version": "1.2.0-beta.1",
          "kind": "chat-template",
          "description": "A SillyTavern-style layout.",
          "permissions": ["ui"],
          "sandbox": "basic",
          "payload": {
            "context": { "story_string": "{{#if description}}{{description}}\n{{/if}}{{trim}}", "example_separator": "***", "chat_start": "***", "use_stop_strings": false, "unknown_field": 1 },
            "instruct": { "input_sequence": "### Instruction:", "output_sequence": "### Response:", "system_sequence": "", "stop_sequence": "</s>", "wrap": true }
          }
        }
        """;

    [Fact]
    public void Parse_ValidChatTemplate_ReadsEveryField()
    {
        var result = ExtensionManifestParser.Parse(Template);

        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => $"{e.Field}:{e.Code}")));
        var m = result.Value!;
        Assert.Equal(("warm-chat", "温暖对话", "1.2.0-beta.1", "chat-template", "basic"), (m.Id, m.Name, m.Version.Text, m.Kind, m.SandboxLevel));
        Assert.Equal(["ui"], m.Permissions);
        Assert.Equal("***", m.ChatTemplate!.Context.ExampleSeparator);
        Assert.Equal("</s>", m.ChatTemplate.Instruct!.StopSequence);
        Assert.Null(m.Theme);
    }

    [Fact]
    public void Parse_BadIdVersionAndUnknownPermission_EveryErrorAtItsField()
    {
        var json = Template.Replace("\"warm-chat\"", "\"Warm_Chat!\"").Replace("\"1.2.0-beta.1\"", "\"1.02\"")
            .Replace("[\"ui\"]", "[\"ui\", \"camera\", \"ui\"]").Replace("\"basic\"", "\"paranoid\"");

        var result = ExtensionManifestParser.Parse(json);

        Assert.False(result.Succeeded);
        Assert.Equal(
            [("id", "Extensions.Id.Pattern"), ("version", "Extensions.Version.BadCore"), ("permissions[1]", "Extensions.Permissions.Unknown"),
             ("permissions[2]", "Extensions.Permissions.Duplicate"), ("sandbox", "Extensions.Sandbox.Unknown")],
            result.Errors.Select(e => (e.Field, e.Code)));
        Assert.Equal("camera", result.Errors[2].Args[0]);
    }

    [Theory]
    [InlineData("ab", "Extensions.Id.Length")]
    [InlineData("a-", "Extensions.Id.Length")]
    [InlineData("-abc", "Extensions.Id.Pattern")]
    [InlineData("abc--def", "Extensions.Id.Pattern")]
    [InlineData("abc.", "Extensions.Id.Pattern")]
    [InlineData("ABC", "Extensions.Id.Pattern")]
    [InlineData("扩展名称", "Extensions.Id.Pattern")]
    [InlineData("a' OR 1=1 --", "Extensions.Id.Pattern")]
    public void Parse_BadIds_AreRefused(string id, string code)
    {
        var result = ExtensionManifestParser.Parse(Template.Replace("\"warm-chat\"", System.Text.Json.JsonSerializer.Serialize(id)));

        Assert.Contains(result.Errors, e => e.Field == "id" && e.Code == code);
    }

    [Fact]
    public void Parse_IdOfFiftyOneCharacters_IsTooLong_FiftyIsFine()
    {
        Assert.Contains(ExtensionManifestParser.Parse(Template.Replace("warm-chat", new string('a', 51))).Errors, e => e.Code == "Extensions.Id.Length");
        Assert.True(ExtensionManifestParser.Parse(Template.Replace("warm-chat", "a." + new string('b', 48))).Succeeded);
    }

    [Theory]
    [InlineData("", "manifest", "Extensions.Manifest.Required")]
    [InlineData("{ not json", "manifest", "Extensions.Manifest.NotJson")]
    [InlineData("[1, 2]", "manifest", "Extensions.Manifest.NotObject")]
    [InlineData("{}", "id", "Extensions.Field.Required")]
    [InlineData("""{"id": 5}""", "id", "Extensions.Field.NotString")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"widget"}""", "kind", "Extensions.Kind.Unknown")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"ui","permissions":"ui"}""", "permissions", "Extensions.Permissions.NotArray")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"chat-template"}""", "payload", "Extensions.Field.Required")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"chat-template","payload":{}}""", "payload.context", "Extensions.Template.ContextRequired")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"chat-template","payload":{"context":{"story_string":"{{#if system}}x"}}}""", "payload.context.story_string", "Extensions.Template.Unbalanced")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"chat-template","payload":{"context":{"story_string":"x"},"instruct":{"wrap":"yes"}}}""", "payload.instruct.wrap", "Extensions.Field.NotBoolean")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"theme","payload":{}}""", "payload", "Extensions.Theme.Empty")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"theme","payload":{"light":{"primary":"red"}}}""", "payload.light.primary", "Extensions.Theme.BadColour")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"theme","payload":{"dark":{"glow":"#fff"}}}""", "payload.dark.glow", "Extensions.Theme.UnknownKey")]
    [InlineData("""{"id":"abc","name":"n","version":"1.0.0","kind":"theme","payload":{"sepia":{}}}""", "payload.sepia", "Extensions.Theme.UnknownMode")]
    public void Parse_Problems_AreReportedAtTheirField(string json, string field, string code)
    {
        var result = ExtensionManifestParser.Parse(json);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }

    [Fact]
    public void Parse_Theme_NormalisesColours()
    {
        var result = ExtensionManifestParser.Parse("""
            {"id":"night.sky","name":"Night","version":"2.0.0","kind":"theme","permissions":["ui"],
             "payload":{"light":{"primary":"#ABC","appbarBackground":"rgb(10, 20, 30)"},"dark":{"secondary":"hsl(0, 100%, 50%)"}}}
            """);

        Assert.True(result.Succeeded);
        Assert.Equal("#aabbcc", result.Value!.Theme!.Light["primary"]);
        Assert.Equal("#0a141e", result.Value.Theme.Light["appbarBackground"]);
        Assert.Equal("#ff0000", result.Value.Theme.Dark["secondary"]);
        Assert.Equal("strict", result.Value.SandboxLevel); // the default
    }

    [Fact]
    public void Parse_OtherKinds_NeedNoPayload()
    {
        Assert.True(ExtensionManifestParser.Parse("""{"id":"clock","name":"Clock","version":"0.1.0","kind":"ui","permissions":["ui","storage"]}""").Succeeded);
    }

    [Fact]
    public void Parse_HugeManifest_IsRefusedBeforeParsing()
    {
        var result = ExtensionManifestParser.Parse("{\"description\": \"" + new string('x', 70_000) + "\"}");

        Assert.Equal("Extensions.Manifest.TooLarge", Assert.Single(result.Errors).Code);
    }
}
