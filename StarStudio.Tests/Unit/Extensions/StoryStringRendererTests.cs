using StarStudio.Core.Extensions;

namespace StarStudio.Tests.Unit.Extensions;

public sealed class StoryStringRendererTests
{
    /// <summary>SillyTavern's default context template's story string.</summary>
    private const string SillyTavernDefault =
        "{{#if system}}{{system}}\n{{/if}}{{#if wiBefore}}{{wiBefore}}\n{{/if}}{{#if description}}{{description}}\n{{/if}}" +
        "{{#if personality}}{{char}}'s personality: {{personality}}\n{{/if}}{{#if scenario}}Scenario: {{scenario}}\n{{/if}}" +
        "{{#if wiAfter}}{{wiAfter}}\n{{/if}}{{#if persona}}{{persona}}\n{{/if}}{{trim}}";

    private static readonly StoryValues Star = new(
        Char: "星语", User: "小明", System: "不要提供医疗诊断。", Description: "一位温柔的天文学家。", Personality: "耐心",
        Scenario: "", Persona: "", Examples: "", Domain: "天文");

    [Fact]
    public void Render_SillyTavernDefault_LaysOutTheCard_AndSkipsEmptyBlocks()
    {
        var text = StoryStringRenderer.Render(SillyTavernDefault, Star);

        Assert.Equal("不要提供医疗诊断。\n一位温柔的天文学家。\n星语's personality: 耐心", text);
    }

    [Fact]
    public void Render_IfElse_Unless_Nested()
    {
        var template = "{{#if scenario}}S{{else}}no scenario{{/if}}|{{#unless persona}}no persona{{/unless}}|{{#if char}}{{#if domain}}{{char}}@{{domain}}{{/if}}{{/if}}";

        Assert.Equal("no scenario|no persona|星语@天文", StoryStringRenderer.Render(template, Star));
    }

    [Fact]
    public void Render_UnknownMacrosStay_ValuesAreNotRenderedAgain()
    {
        var values = Star with { Description = "I say {{user}} and {{#if x}}" };

        var text = StoryStringRenderer.Render("{{description}} {{random}} {{user}}", values);

        Assert.Equal("I say {{user}} and {{#if x}} {{random}} 小明", text);
    }

    [Fact]
    public void Render_Trim_RemovesTheNewlinesAroundIt()
    {
        Assert.Equal("abc", StoryStringRenderer.Render("a\n\n{{trim}}\nb\r\n{{trim}}\n\nc", Star));
        Assert.Equal("ab", StoryStringRenderer.Render("a\n{{trim}}\nb", Star));
    }

    [Fact]
    public void RenderForStar_TemplateThatUsesTheCard_RestoresNothing()
    {
        var pack = new ChatTemplatePack("Default", new ContextTemplate(SillyTavernDefault), null);

        var story = StoryStringRenderer.RenderForStar(pack, Star);

        Assert.Empty(story.Restored);
        Assert.StartsWith("不要提供医疗诊断。", story.Text);
    }

    [Fact]
    public void RenderForStar_TemplateThatDropsPersonaAndRules_GetsThemBack()
    {
        var pack = new ChatTemplatePack("Terse", new ContextTemplate("You are {{char}}. Be brief with {{user}}."), null);

        var story = StoryStringRenderer.RenderForStar(pack, Star);

        Assert.Equal(["description", "system"], story.Restored);
        Assert.StartsWith("You are 星语. Be brief with 小明.", story.Text);
        Assert.Contains("一位温柔的天文学家。", story.Text);
        Assert.Contains("不要提供医疗诊断。", story.Text);
    }

    [Fact]
    public void RenderForStar_ExampleSeparator_PrecedesTheExamples()
    {
        var pack = new ChatTemplatePack("Ex", new ContextTemplate("{{description}}\n{{system}}\n{{mesExamples}}", ExampleSeparator: "***"), null);

        var story = StoryStringRenderer.RenderForStar(pack, Star with { Examples = "Q: hi\nA: hello" });

        Assert.EndsWith("***\nQ: hi\nA: hello", story.Text);
    }
}
