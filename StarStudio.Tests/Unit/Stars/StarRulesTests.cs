using StarStudio.Core.Stars;

namespace StarStudio.Tests.Unit.Stars;

public class StarRulesTests
{
    private static StarDraft Valid() => new() { Name = "墨痕", Domain = "古籍修复", Persona = "一位修复师", Tone = "温和", Tags = ["古籍"] };

    [Fact]
    public void Validate_ValidDraft_HasNoErrors() => Assert.Empty(StarRules.Validate(Valid()));

    [Fact]
    public void Validate_BlankRequiredFields_ReportsEachField()
    {
        var errors = StarRules.Validate(new StarDraft { Name = "  ", Domain = "", Persona = "\n" });

        Assert.Equal(["Star.Name.Required", "Star.Domain.Required", "Star.Persona.Required"], errors.Select(e => e.Code));
        Assert.Equal(["Name", "Domain", "Persona"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Validate_NameOf80ChineseCharacters_IsAccepted()
    {
        var draft = Valid();
        draft.Name = new string('星', 80);

        Assert.Empty(StarRules.Validate(draft));
    }

    [Fact]
    public void Validate_NameOf81Characters_IsTooLongWithTheLimit()
    {
        var draft = Valid();
        draft.Name = new string('星', 81);

        var error = Assert.Single(StarRules.Validate(draft));
        Assert.Equal("Star.Name.TooLong", error.Code);
        Assert.Equal(80, error.Args[0]);
    }

    [Fact]
    public void Validate_NameOf80Emoji_CountsCharactersNotUtf16Units()
    {
        // 80 emoji are 160 UTF-16 units but 80 characters, which is what varchar(80) counts.
        var draft = Valid();
        draft.Name = string.Concat(Enumerable.Repeat("🌟", 80));

        Assert.Empty(StarRules.Validate(draft));
    }

    [Fact]
    public void Validate_DomainOver120AndToneOver40_ReportsBoth()
    {
        var draft = Valid();
        draft.Domain = new string('域', 121);
        draft.Tone = new string('调', 41);

        Assert.Equal(["Star.Domain.TooLong", "Star.Tone.TooLong"], StarRules.Validate(draft).Select(e => e.Code));
    }

    [Fact]
    public void Validate_EmptyTone_IsAllowed()
    {
        var draft = Valid();
        draft.Tone = "";

        Assert.Empty(StarRules.Validate(draft));
    }

    [Fact]
    public void Validate_ElevenTags_IsTooMany()
    {
        var draft = Valid();
        draft.Tags = Enumerable.Range(0, 11).Select(i => "t" + i).ToList();

        Assert.Equal("Star.Tags.TooMany", Assert.Single(StarRules.Validate(draft)).Code);
    }

    [Fact]
    public void Validate_TagOver24Characters_NamesTheTag()
    {
        var draft = Valid();
        var longTag = new string('标', 25);
        draft.Tags = ["ok", longTag];

        var error = Assert.Single(StarRules.Validate(draft));
        Assert.Equal("Star.Tags.TooLong", error.Code);
        Assert.Equal(longTag, error.Args[1]);
    }

    [Fact]
    public void ParseTags_ChineseAndLatinSeparators_TrimsAndDeduplicates()
    {
        Assert.Equal(["古籍", "修复", "Books"], StarRules.ParseTags(" 古籍，修复、Books, books ,, "));
    }

    [Theory]
    [InlineData(StarStatus.Active, StarStatus.Paused, true)]
    [InlineData(StarStatus.Paused, StarStatus.Active, true)]
    [InlineData(StarStatus.Active, StarStatus.Archived, true)]
    [InlineData(StarStatus.Paused, StarStatus.Archived, true)]
    [InlineData(StarStatus.Archived, StarStatus.Paused, true)]
    [InlineData(StarStatus.Archived, StarStatus.Active, false)]
    [InlineData(StarStatus.Active, StarStatus.Active, false)]
    public void CanMove_StatusPairs_FollowTheLifecycle(StarStatus from, StarStatus to, bool allowed) =>
        Assert.Equal(allowed, StarRules.CanMove(from, to));

    [Fact]
    public void Validate_CardFieldsOverTheirLimits_ReportEachAtItsField()
    {
        var draft = Valid();
        draft.SystemPrompt = new string('a', StarRules.SystemPromptMax + 1);
        draft.Greeting = new string('问', StarRules.GreetingMax + 1);
        draft.ExampleDialogues = new string('b', StarRules.ExampleDialoguesMax);
        draft.AlternateGreetings = [.. Enumerable.Range(0, StarRules.AlternateGreetingsMax + 1).Select(i => $"你好 {i}")];

        var errors = StarRules.Validate(draft);

        Assert.Equal(["SystemPrompt", "Greeting", "AlternateGreetings"], errors.Select(e => e.Field));
        Assert.Equal(["Star.Field.TooLong", "Star.Field.TooLong", "Star.AlternateGreetings.TooMany"], errors.Select(e => e.Code));
    }

    [Fact]
    public void NormalizeGreetings_DropsBlankOnes_KeepsOrder() =>
        Assert.Equal(["嗨", "hello"], StarRules.NormalizeGreetings([" 嗨 ", "", "  ", "hello"]));
}
