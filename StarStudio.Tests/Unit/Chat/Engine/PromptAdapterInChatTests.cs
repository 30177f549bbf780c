using StarStudio.Core.Training;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>A model version's prompt adapter in the prompt and in the offline engine (docs/training.md).</summary>
public sealed class PromptAdapterInChatTests
{
    private static readonly Cl100kTokenCounter Tokens = Cl100kTokenCounter.Instance;

    private static readonly PromptAdapter Adapter = new(
        "Answer in two or three sentences and cite a passage.",
        [
            new PromptExemplar("宣纸发黄怎么处理？", "先用温水淋洗去除酸性物质，再平放阴干。"),
            new PromptExemplar("补纸怎么选？", "比对原书的厚薄、帘纹和颜色，宋元旧籍多用皮纸。"),
        ]);

    [Fact]
    public void Build_WithAnAdapter_SystemPromptCarriesItsGuidanceAndExemplars()
    {
        var prompt = PromptBuilder.Build(
            new PromptInput(ChatTestData.Star(), ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText)), [], "补纸怎么选？", 8192) { Adapter = Adapter },
            Tokens);

        var system = prompt.Messages[0].Text;
        Assert.Contains("Guidance learned from this star's rated answers:\nAnswer in two or three sentences", system);
        Assert.Contains("Example 1. Q: 宣纸发黄怎么处理？\nA: 先用温水淋洗", system);
        Assert.Contains("Example 2. Q: 补纸怎么选？", system);
        Assert.Contains(ChatTestData.PaperText, system);
        Assert.True(prompt.PromptTokens + prompt.ReservedAnswerTokens <= 8192);
    }

    [Fact]
    public void Build_SmallWindow_KeepsPassagesAndDropsExemplarsThatDoNotFit()
    {
        var long1 = new PromptExemplar("q1", string.Join(' ', Enumerable.Repeat("long answer words", 200)));
        var adapter = new PromptAdapter("Be brief.", [long1, new PromptExemplar("q2", "short")]);

        var prompt = PromptBuilder.Build(
            new PromptInput(ChatTestData.Star(), ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText)), [], "补纸怎么选？", 1024) { Adapter = adapter },
            Tokens);

        var system = prompt.Messages[0].Text;
        Assert.Single(prompt.Passages);
        Assert.DoesNotContain("long answer words", system);
        Assert.Contains("Be brief.", system);
        Assert.True(prompt.PromptTokens + prompt.ReservedAnswerTokens <= 1024);
    }

    [Fact]
    public void Build_WithoutAnAdapter_SaysNothingAboutLearnedGuidance()
    {
        var prompt = PromptBuilder.Build(new PromptInput(ChatTestData.Star(), [], [], "hi", 4096), Tokens);
        Assert.DoesNotContain("Guidance learned", prompt.Messages[0].Text);
        Assert.DoesNotContain("Example 1.", prompt.Messages[0].Text);
    }

    [Theory]
    [InlineData("宣纸发黄应该怎么处理？", "宣纸发黄怎么处理？")]
    [InlineData("补纸应该怎么选？", "补纸怎么选？")]
    public void MatchExemplar_AReworded_QuestionFindsItsExemplar(string question, string expected) =>
        Assert.Equal(expected, OfflineChatClient.MatchExemplar(Adapter, question)?.Question);

    [Theory]
    [InlineData("浆糊怎么调？")]
    [InlineData("")]
    public void MatchExemplar_AnotherTopic_FindsNone(string question) =>
        Assert.Null(OfflineChatClient.MatchExemplar(Adapter, question));

    [Fact]
    public void Compose_WithALearnedExemplar_AnswersWithItFirst_ThenQuotesTheKnowledge()
    {
        var star = ChatTestData.Star();
        var learned = Adapter.Exemplars[0];

        var answer = OfflineChatClient.Compose(star, "宣纸发黄应该怎么处理？", ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText)), learned: learned);
        var bare = OfflineChatClient.Compose(star, "宣纸发黄应该怎么处理？", []);
        var learnedOnly = OfflineChatClient.Compose(star, "宣纸发黄应该怎么处理？", [], learned: learned);

        Assert.StartsWith("（离线引擎）", answer);
        Assert.Contains("我的训练版本（v3）学过一个相近的问题“宣纸发黄怎么处理？”，被评为好的回答是：\n先用温水淋洗去除酸性物质", answer);
        Assert.Contains("[1]", answer);
        Assert.Contains("没有找到", bare);
        Assert.DoesNotContain("没有找到", learnedOnly);
        Assert.Contains("先用温水淋洗", learnedOnly);
    }
}
