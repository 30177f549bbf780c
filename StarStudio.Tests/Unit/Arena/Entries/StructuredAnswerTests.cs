using System.Text.Json;
using Microsoft.Extensions.AI;
using StarStudio.Core.Arena;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Tests.Unit.Chat.Engine;

namespace StarStudio.Tests.Unit.Arena.Entries;

/// <summary>The chat engine's structured answers: the prompt, the request body and the offline engine's JSON.</summary>
public sealed class StructuredAnswerTests
{
    private const string Schema = """{"type":"object","required":["answer","note"],"properties":{"answer":{"type":"string","maxLength":80},"note":{"type":"string"}}}""";

    [Fact]
    public void Prompt_WithASchema_AsksForJsonOnlyAndShowsTheSchema_WithoutIsUnchanged()
    {
        var star = ChatTestData.Star();
        var passages = ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText));

        var plain = PromptBuilder.SystemPrompt(star, passages, false);
        var structured = PromptBuilder.SystemPrompt(star, passages, false, Schema);
        var built = PromptBuilder.Build(new PromptInput(star, passages, [], "题目", 8192) { ResponseSchema = Schema }, Cl100kTokenCounter.Instance);

        Assert.DoesNotContain("JSON", plain);
        Assert.Contains("exactly one JSON value", structured);
        Assert.Contains(Schema, structured);
        Assert.Equal(structured, built.Messages[0].Text);
    }

    [Fact]
    public void RequestBody_SendsResponseFormat_JsonSchemaOrJsonObject_AndNothingForFreeText()
    {
        using var http = new HttpClient();
        var client = new OpenAiCompatibleChatClient(http, new Uri("http://127.0.0.1:9"), "m", null, new OpenAiCompatibleChatClientOptions { DefaultParams = """{"response_format":{"type":"text"}}""" });
        ChatMessage[] messages = [new(ChatRole.User, "q")];
        using var schema = JsonDocument.Parse(Schema);

        using var structured = JsonDocument.Parse(client.BuildRequestBody(messages, new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "answer") }));
        using var json = JsonDocument.Parse(client.BuildRequestBody(messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }));
        using var free = JsonDocument.Parse(client.BuildRequestBody(messages, null));

        var format = structured.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("answer", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal(Schema, format.GetProperty("json_schema").GetProperty("schema").GetRawText());
        Assert.Single(structured.RootElement.EnumerateObject(), p => p.Name == "response_format"); // the option wins over the default
        Assert.Equal("json_object", json.RootElement.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("text", free.RootElement.GetProperty("response_format").GetProperty("type").GetString()); // the model's default param as before
    }

    [Fact]
    public void OfflineEngine_WithASchema_AnswersValidJsonQuotingKnowledgeAndSayingItIsOffline()
    {
        var passages = ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText));
        using var schema = JsonDocument.Parse(Schema);

        var answer = OfflineChatClient.ComposeJson(ChatTestData.Star(), "修补宋元古籍选什么补纸？", passages, schema.RootElement);

        var check = AnswerSchemas.Validate(AnswerSchemas.Accept(Schema).Value!, answer);
        Assert.True(check.Succeeded && check.Value!.Count == 0, answer);
        using var doc = JsonDocument.Parse(answer);
        Assert.StartsWith("（离线引擎）", doc.RootElement.GetProperty("note").GetString());
        // Trial answers are judged blind: the answer never names the star that wrote it.
        Assert.DoesNotContain(ChatTestData.Star().Name, answer, StringComparison.Ordinal);
        Assert.Contains("皮纸", doc.RootElement.GetProperty("answer").GetString()); // the sentence that matches the question comes first
        Assert.True(AnswerSchemas.CodePoints(doc.RootElement.GetProperty("answer").GetString()!) <= 80);
    }

    [Fact]
    public void OfflineEngine_WithNoKnowledge_SaysSoInsideTheJson()
    {
        using var schema = JsonDocument.Parse(Schema);

        var answer = OfflineChatClient.ComposeJson(ChatTestData.Star(), "How is paper mended?", [], schema.RootElement);

        using var doc = JsonDocument.Parse(answer);
        Assert.Equal("My knowledge has nothing on this question.", doc.RootElement.GetProperty("answer").GetString());
        Assert.StartsWith("(Offline engine)", doc.RootElement.GetProperty("note").GetString());
    }

    [Fact]
    public async Task OfflineClient_StreamsTheJsonWhenAskedForASchema_AndTheOldAnswerOtherwise()
    {
        var passages = ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText));
        using var schema = JsonDocument.Parse(Schema);
        using var client = new OfflineChatClient(ChatTestData.Star(), passages);
        ChatMessage[] messages = [new(ChatRole.User, "补纸？")];

        var structured = await client.GetResponseAsync(messages, new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement) });
        var free = await client.GetResponseAsync(messages);

        using var _ = JsonDocument.Parse(structured.Text);
        Assert.Equal(OfflineChatClient.Compose(ChatTestData.Star(), "补纸？", passages), free.Text);
    }
}
