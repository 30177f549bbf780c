using System.Text.Json;
using Microsoft.Extensions.AI;
using StarStudio.Core.Chat.Engine;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>The prompt: persona, tone, passages with sources, history trimmed to the window by cl100k count, newest kept.</summary>
public sealed class PromptBuilderTests
{
    private static readonly Cl100kTokenCounter Tokens = Cl100kTokenCounter.Instance;

    private static List<ChatTurn> History(int turns, int wordsPerTurn = 60) =>
        Enumerable.Range(1, turns)
            .Select(i => new ChatTurn(i % 2 == 1 ? ChatTurn.User : ChatTurn.Assistant,
                $"turn {i}: " + string.Join(' ', Enumerable.Repeat($"word{i}", wordsPerTurn))))
            .ToList();

    [Fact]
    public void Build_StarWithPassages_SystemPromptHasPersonaToneDomainVersionAndNumberedSources()
    {
        var star = ChatTestData.Star();
        var passages = ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText), ChatTestData.Passage(ChatTestData.PasteText, "浆糊.md", null));

        var prompt = PromptBuilder.Build(new PromptInput(star, passages, [], "修补宋元古籍用什么纸？", 8192), Tokens);

        var system = prompt.Messages[0];
        Assert.Equal(ChatRole.System, system.Role);
        Assert.Contains("墨香", system.Text);
        Assert.Contains("Domain: 古籍修复", system.Text);
        Assert.Contains("Persona: 一位从事古籍修复三十年的老师傅", system.Text);
        Assert.Contains("Tone: 亲切、耐心", system.Text);
        Assert.Contains("Model version: v3", system.Text);
        Assert.Contains("[1] (source: 古籍修复手册.pdf, page 12, section: 第一章 > 补纸)", system.Text);
        Assert.Contains("[2] (source: 浆糊.md, section: 第一章 > 补纸)", system.Text);
        Assert.Contains(ChatTestData.PaperText, system.Text);
        Assert.Contains("square brackets", system.Text);
        Assert.Equal(2, prompt.Passages.Count);
        Assert.Equal(ChatRole.User, prompt.Messages[^1].Role);
        Assert.Equal("修补宋元古籍用什么纸？", prompt.Messages[^1].Text);
    }

    [Fact]
    public void Build_NoPassages_SaysNoneWereFound()
    {
        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], [], "hello", 4096), Tokens);

        Assert.Contains("none were found", prompt.Messages[0].Text);
        Assert.DoesNotContain("search_knowledge", prompt.Messages[0].Text);
    }

    [Fact]
    public void Build_ToolsAvailable_MentionsSearchKnowledge()
    {
        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], [], "hello", 4096) { ToolsAvailable = true }, Tokens);

        Assert.Contains("search_knowledge", prompt.Messages[0].Text);
    }

    [Fact]
    public void Build_LongHistory_TrimsOldestSoThatPromptPlusReserveFitsTheWindow()
    {
        var history = History(40);
        const int window = 2048;

        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], history, "What next?", window), Tokens);

        Assert.Equal(512, prompt.ReservedAnswerTokens);
        Assert.True(prompt.HistoryTurnsDropped > 0);
        Assert.Equal(40, prompt.HistoryTurnsKept + prompt.HistoryTurnsDropped);
        var counted = PromptBuilder.CountTokens(prompt.Messages, Tokens);
        Assert.Equal(counted, prompt.PromptTokens);
        Assert.True(counted + prompt.ReservedAnswerTokens <= window, $"{counted} + {prompt.ReservedAnswerTokens} > {window}");
    }

    [Fact]
    public void Build_LongHistory_KeepsTheNewestTurnsInOrder()
    {
        var history = History(40);

        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], history, "What next?", 2048), Tokens);

        var kept = prompt.Messages.Skip(1).SkipLast(1).Select(m => m.Text).ToList();
        Assert.Equal(history.TakeLast(prompt.HistoryTurnsKept).Select(t => t.Content), kept);
        Assert.StartsWith("turn 40:", kept[^1]);
        Assert.DoesNotContain(kept, k => k.StartsWith("turn 1:", StringComparison.Ordinal));
        Assert.Equal(ChatRole.Assistant, prompt.Messages[^2].Role);
    }

    [Fact]
    public void Build_ShortHistory_KeepsEverything()
    {
        var history = History(4, 5);

        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], history, "And?", 8192), Tokens);

        Assert.Equal(4, prompt.HistoryTurnsKept);
        Assert.Equal(0, prompt.HistoryTurnsDropped);
        Assert.Equal(6, prompt.Messages.Count);
    }

    [Fact]
    public void Build_HugeWindow_ReservesAtMost1024Tokens()
    {
        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], [], "hi", 128_000), Tokens);

        Assert.Equal(1024, prompt.ReservedAnswerTokens);
    }

    [Fact]
    public void Build_PassagesLargerThanTheWindow_DropsTheLowestRankedPassages()
    {
        var big = string.Join(' ', Enumerable.Repeat("conservation of paper and bindings", 60));
        var passages = ChatTestData.Numbered(Enumerable.Range(0, 8).Select(i => ChatTestData.Passage($"{i} {big}")).ToArray());

        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), passages, [], "How?", 2048), Tokens);

        Assert.InRange(prompt.Passages.Count, 1, 7);
        Assert.Equal(Enumerable.Range(1, prompt.Passages.Count), prompt.Passages.Select(p => p.Number));
        Assert.True(prompt.PromptTokens + prompt.ReservedAnswerTokens <= 2048);
    }

    [Fact]
    public void Build_Always_PromptJsonIsTheMessagesWithRoles()
    {
        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], History(2, 3), "最后一个问题", 4096), Tokens);

        using var doc = JsonDocument.Parse(prompt.PromptJson);
        var roles = doc.RootElement.EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["system", "user", "assistant", "user"], roles);
        Assert.Equal("最后一个问题", doc.RootElement[3].GetProperty("content").GetString());
        Assert.Contains("最后一个问题", prompt.PromptJson); // readable, not \u-escaped
    }

    [Fact]
    public void ToJson_ToolCallAndResult_KeepsIdsNamesAndArguments()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "q"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "search_knowledge", null) { RawRepresentation = """{"query":"纸"}""" }]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "[3] (source: x)\ntext")]),
        ];

        using var doc = JsonDocument.Parse(PromptBuilder.ToJson(messages));

        var call = doc.RootElement[1].GetProperty("tool_calls")[0];
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("search_knowledge", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"query":"纸"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement[1].GetProperty("content").ValueKind);
        Assert.Equal("tool", doc.RootElement[2].GetProperty("role").GetString());
        Assert.Equal("call_1", doc.RootElement[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public void ToJson_IsExactlyTheMessagesTheRequestSends()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "你是修复师。"),
            new(ChatRole.User, "糨糊怎么调？ \"quoted\" <b>"),
            new(ChatRole.Assistant, [new TextContent("先查一下。"), new FunctionCallContent("call_9", "search_knowledge", new Dictionary<string, object?> { ["query"] = "糨糊" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_9", new { passages = 2 })]),
        ];
        using var http = new HttpClient();
        var client = new OpenAiCompatibleChatClient(http, new Uri("http://127.0.0.1:9"), "m", null);

        using var body = JsonDocument.Parse(client.BuildRequestBody(messages, null));

        Assert.Equal(body.RootElement.GetProperty("messages").GetRawText(), PromptBuilder.ToJson(messages));
    }
}
