using StarStudio.Core.Creation;

namespace StarStudio.Tests.Unit.Creation;

public class CreationDraftJsonTests
{
    private const string Persona = "一位幽默风趣的历史讲解员，面向小学生，用故事讲三国和唐宋的人物与事件，不讨论现实政治。";

    private static string Answer(string persona = Persona, string greeting = "你好，{{user}}！", string examples = "<START>\n{{user}}: 嗨\n{{char}}: 你好") =>
        System.Text.Json.JsonSerializer.Serialize(new { persona, greeting, example_dialogues = examples, knowledge_plan = "- [ ] 年表" });

    [Fact]
    public void TryParse_ValidAnswer_ReadsTheFourCards()
    {
        Assert.True(CreationDraftJson.TryParse(Answer(), out var d, out var reason));
        Assert.Equal("", reason);
        Assert.Equal(Persona, d.Persona);
        Assert.Equal("- [ ] 年表", d.KnowledgePlan);
    }

    [Fact]
    public void TryParse_FencedAnswer_IsUnwrapped() =>
        Assert.True(CreationDraftJson.TryParse("```json\n" + Answer() + "\n```", out _, out _));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("我是一个模型，我不会输出 JSON", "not JSON")]
    [InlineData("[1,2,3]", "not a JSON object")]
    [InlineData("{\"persona\":\"x\"}", "'greeting' is missing")]
    [InlineData("{\"persona\":1,\"greeting\":\"g\",\"example_dialogues\":\"\",\"knowledge_plan\":\"\"}", "'persona' is not a string")]
    [InlineData("{\"persona\":\"太短\",\"greeting\":\"g\",\"example_dialogues\":\"\",\"knowledge_plan\":\"\"}", "shorter than")]
    public void TryParse_Garbage_IsRefusedWithAReason(string answer, string expected)
    {
        Assert.False(CreationDraftJson.TryParse(answer, out var d, out var reason));
        Assert.Contains(expected, reason);
        Assert.True(d.IsEmpty);
    }

    [Fact]
    public void TryParse_ExamplesWithoutStart_AreRefused()
    {
        Assert.False(CreationDraftJson.TryParse(Answer(examples: "{{user}}: 嗨"), out _, out var reason));
        Assert.Contains("<START>", reason);
    }

    [Fact]
    public void TryParse_DeeplyNestedJson_IsRefusedNotThrown()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.False(CreationDraftJson.TryParse(deep, out _, out var reason));
        Assert.Contains("not JSON", reason);
    }

    [Fact]
    public void TryParse_EmptyGreeting_IsRefused()
    {
        Assert.False(CreationDraftJson.TryParse(Answer(greeting: " "), out _, out var reason));
        Assert.Equal("the greeting is empty", reason);
    }

    [Fact]
    public void Instructions_CarryTheAnchorsAsJson()
    {
        var text = CreationDraftJson.Instructions(new CreationAnchors { Name = "墨痕", Domain = "古籍修复" });
        Assert.Contains("\"name\":\"墨痕\"", text);
        Assert.Contains("<START>", text);
    }
}
