using StarStudio.Core.Account;

namespace StarStudio.Tests.Unit.Account;

/// <summary>The player's own system prompt: normalised, length-limited, no control characters.</summary>
public sealed class PreferenceRulesSystemPromptTests
{
    private static PreferencesDraft Draft(string? prompt) => new("zh-CN", "light", false) { SystemPrompt = prompt };

    [Theory]
    [InlineData(null, null)]
    [InlineData("   \n ", null)]
    [InlineData("  回答简短一些\r\n用中文  ", "回答简短一些\n用中文")]
    public void NormalizeSystemPrompt_TrimsAndBlankIsNone(string? raw, string? expected)
    {
        Assert.Equal(expected, PreferenceRules.NormalizeSystemPrompt(raw));
    }

    [Fact]
    public void Validate_AtTheLimit_IsFine_AndOneMoreIsRefusedWithTheCounts()
    {
        Assert.Empty(PreferenceRules.Validate(Draft(new string('好', PreferenceRules.SystemPromptMax))));

        var error = Assert.Single(PreferenceRules.Validate(Draft(new string('好', PreferenceRules.SystemPromptMax + 1))));
        Assert.Equal(("SystemPrompt", "Preferences.SystemPrompt.TooLong"), (error.Field, error.Code));
        Assert.Equal([PreferenceRules.SystemPromptMax, PreferenceRules.SystemPromptMax + 1], error.Args);
    }

    [Fact]
    public void Validate_ControlCharacters_AreRefused_TabsAndNewlinesAreNot()
    {
        Assert.Empty(PreferenceRules.Validate(Draft("a\tb\nc")));
        Assert.Equal("Preferences.SystemPrompt.Control", Assert.Single(PreferenceRules.Validate(Draft("a\u0007b"))).Code);
    }
}
