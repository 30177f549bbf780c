using StarStudio.Core.Stars;

namespace StarStudio.Tests.Unit.Cards;

public class PersonaMacrosTests
{
    [Theory]
    [InlineData("Hi {{user}}, I am {{char}}.", "Hi 小明, I am Sera.")]
    [InlineData("{{USER}} and {{Char}}", "小明 and Sera")]
    [InlineData("{{ user }} / {{ char }}", "小明 / Sera")]
    [InlineData("<USER> meets <BOT>", "小明 meets Sera")]
    [InlineData("<user> meets <char>", "小明 meets Sera")]
    [InlineData("no macros here", "no macros here")]
    [InlineData("{{users}} {{charx}} <b>bold</b>", "{{users}} {{charx}} <b>bold</b>")]
    public void Render_ReplacesTheMacros(string text, string expected) =>
        Assert.Equal(expected, PersonaMacros.Render(text, "Sera", "小明"));

    [Fact]
    public void Render_DoesNotExpandMacrosInsideTheNames() =>
        Assert.Equal("{{char}} greets {{user}}", PersonaMacros.Render("{{user}} greets {{char}}", "{{user}}", "{{char}}"));

    [Fact]
    public void HasMacros_SeesEitherForm()
    {
        Assert.True(PersonaMacros.HasMacros("hello {{user}}"));
        Assert.True(PersonaMacros.HasMacros("<BOT>"));
        Assert.False(PersonaMacros.HasMacros("hello"));
        Assert.False(PersonaMacros.HasMacros(null));
    }
}
