using StarStudio.Core.Chat.Engine;
using StarStudio.Data.Chat.Engine;
using StarStudio.Tests.Unit.Chat.Engine;

namespace StarStudio.Tests.Unit.Market.Calls;

/// <summary>The offline answer with a skill's result: the result first, then the knowledge if any; a failure said plainly.</summary>
public sealed class OfflineSkillAnswerTests
{
    private static readonly StarPersona Star = ChatTestData.Star();

    [Fact]
    public void Compose_SkillAnswered_ShowsItsResultAndNoEmptyKnowledgeApology()
    {
        var answer = OfflineChatClient.Compose(Star, "上海今天天气怎么样", [], new OfflineSkillResult("天气速查", """{"city":"上海","temp_c":21.5}""", true, null));

        Assert.StartsWith("（离线引擎）我是墨香", answer);
        Assert.Contains("我调用了技能「天气速查」，它返回：\n{\"city\":\"上海\",\"temp_c\":21.5}", answer);
        Assert.DoesNotContain("没有找到", answer);
    }

    [Fact]
    public void Compose_SkillFailedWithKnowledge_SaysWhyAndStillQuotes()
    {
        var passage = new PromptPassage(1, ChatTestData.Passage(ChatTestData.PaperText));

        var answer = OfflineChatClient.Compose(Star, "上海今天天气怎么样", [passage], new OfflineSkillResult("天气速查", "Error: x", false, "The skill 天气速查 failed: timeout"));

        Assert.Contains("我尝试调用技能「天气速查」，但没有成功：The skill 天气速查 failed: timeout", answer);
        Assert.Contains("另外，以下内容直接摘自我的知识库", answer);
        Assert.Contains("[1]", answer);
    }

    [Fact]
    public void Compose_EnglishQuestion_AnswersInEnglish()
    {
        var answer = OfflineChatClient.Compose(Star with { Name = "Ink" }, "weather in Paris today", [], new OfflineSkillResult("Weather Now", "{\"temp_c\":9}", true, null));

        Assert.Contains("I called the skill \"Weather Now\", which returned:\n{\"temp_c\":9}", answer);
    }
}
