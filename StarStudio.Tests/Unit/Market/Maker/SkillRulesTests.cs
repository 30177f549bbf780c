using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;

namespace StarStudio.Tests.Unit.Market.Maker;

public class SkillRulesTests
{
    private const string WeatherSchema = """
        {"type":"object","properties":{"city":{"type":"string","minLength":1},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city"],"additionalProperties":false}
        """;

    internal static SkillDraft Valid() => new()
    {
        Name = "天气查询",
        Description = "查询城市天气",
        DescriptionEn = "City weather",
        Category = "weather",
        Icon = "🌦️",
        ApiEndpoint = "https://skills.example.test/weather",
        InputSchema = WeatherSchema,
        OutputSchema = """{"type":"object"}""",
        PricingType = SkillPricingType.Usage,
        Price = 0.05m,
        Examples = [new SkillExample("北京明天天气怎么样？", """{"city":"北京","days":1}""")],
    };

    private static IReadOnlyList<FieldError> Errors(Action<SkillDraft> change, bool allowHttp = false)
    {
        var d = Valid();
        change(d);
        return SkillRules.Validate(d, allowHttp);
    }

    private static void AssertOnly(IReadOnlyList<FieldError> errors, string field, string code)
    {
        Assert.True(errors.Count > 0, "expected an error");
        Assert.All(errors, e => Assert.Equal(field, e.Field));
        Assert.Contains(errors, e => e.Code == code);
    }

    [Fact]
    public void AValidDraft_HasNoErrors() => Assert.Empty(SkillRules.Validate(Valid(), allowHttp: false));

    [Fact]
    public void Name_Is1To80Characters()
    {
        AssertOnly(Errors(d => d.Name = "   "), "Name", "Market.Skill.Name.Required");
        AssertOnly(Errors(d => d.Name = new string('名', 81)), "Name", "Market.Skill.Name.TooLong");
        Assert.Empty(Errors(d => d.Name = new string('名', 80)));
    }

    [Fact]
    public void Descriptions_AreAtMost4000Characters_Each()
    {
        Assert.Empty(Errors(d => { d.Description = new string('述', 4000); d.DescriptionEn = null; }));
        AssertOnly(Errors(d => d.Description = new string('述', 4001)), "Description", "Market.Skill.Description.TooLong");
        AssertOnly(Errors(d => d.DescriptionEn = new string('d', 4001)), "DescriptionEn", "Market.Skill.Description.TooLong");
    }

    [Fact]
    public void Category_MustBeOneOfTheCatalogs()
    {
        AssertOnly(Errors(d => d.Category = "weapons"), "Category", "Market.Skill.Category.Unknown");
        Assert.All(SkillCategories.All, c => Assert.Empty(Errors(d => d.Category = c)));
    }

    [Theory]
    [InlineData("🧩", true)]
    [InlineData("🌦️", true)]
    [InlineData("👨‍👩‍👧", true)] // ZWJ family: one grapheme
    [InlineData("👍🏽", true)] // skin tone
    [InlineData("🇨🇳", true)] // flag
    [InlineData("1️⃣", true)] // keycap
    [InlineData("☀", true)]
    [InlineData("🧩🧩", false)]
    [InlineData("a", false)]
    [InlineData("1", false)]
    [InlineData("天", false)]
    [InlineData("", false)]
    [InlineData(" 🧩", false)]
    public void Icon_IsExactlyOneEmojiGrapheme(string icon, bool ok)
    {
        Assert.Equal(ok, SkillRules.IsOneEmoji(icon));
        if (!ok)
        {
            AssertOnly(Errors(d => d.Icon = icon), "Icon", "Market.Skill.Icon.Emoji");
        }
    }

    [Theory]
    [InlineData("", "Market.Skill.Endpoint.Required")]
    [InlineData("not a url", "Url.Invalid")]
    [InlineData("ftp://skills.example.test/x", "Url.Scheme")]
    [InlineData("https://user:pw@skills.example.test/x", "Url.Invalid")]
    [InlineData("http://skills.example.test/x", "Market.Skill.Endpoint.Https")]
    public void Endpoint_SyntaxIsChecked_HttpsRequired(string url, string code) =>
        AssertOnly(Errors(d => d.ApiEndpoint = url), "ApiEndpoint", code);

    [Fact]
    public void Endpoint_PlainHttp_IsAcceptedOnlyWhenAllowed() =>
        Assert.Empty(Errors(d => d.ApiEndpoint = "http://127.0.0.1:5000/x", allowHttp: true));

    [Fact]
    public void InputSchema_MustBeAccepted_AndAnObject_ErrorsCarryTheirPointer()
    {
        AssertOnly(Errors(d => { d.InputSchema = """{"type":"string"}"""; d.Examples = []; }), "InputSchema", "Market.Skill.InputSchema.NotObject");
        AssertOnly(Errors(d => { d.InputSchema = """{"properties":{}}"""; d.Examples = []; }), "InputSchema", "Market.Skill.InputSchema.NotObject");
        AssertOnly(Errors(d => { d.InputSchema = "nope"; d.Examples = []; }), "InputSchema", "Market.Schema.NotJson");
        var keyword = Errors(d => { d.InputSchema = """{"type":"object","properties":{"a":{"typo":1}}}"""; d.Examples = []; });
        var e = Assert.Single(keyword);
        Assert.Equal(("InputSchema", "Market.Schema.Keyword"), (e.Field, e.Code));
        Assert.Contains("/properties/a/typo", e.Args.Select(a => a.ToString()));
        AssertOnly(Errors(d => { d.InputSchema = """{"type":"object","properties":{"a":{"$ref":"https://evil.test/s.json"}}}"""; d.Examples = []; }), "InputSchema", "Market.Schema.Ref");
    }

    [Fact]
    public void OutputSchema_MustBeAccepted_AnyType()
    {
        Assert.Empty(Errors(d => d.OutputSchema = """{"type":"array"}"""));
        Assert.Empty(Errors(d => d.OutputSchema = "{}"));
        AssertOnly(Errors(d => d.OutputSchema = "nope"), "OutputSchema", "Market.Schema.NotJson");
    }

    [Fact]
    public void Pricing_FreeIsZero_PaidIsAbove0_AtMost10000_With4Decimals()
    {
        Assert.Empty(Errors(d => { d.PricingType = SkillPricingType.Free; d.Price = 0; }));
        AssertOnly(Errors(d => { d.PricingType = SkillPricingType.Free; d.Price = 1; }), "Price", "Market.Skill.Price.FreeNotZero");
        foreach (var paid in new[] { SkillPricingType.Subscription, SkillPricingType.Usage })
        {
            AssertOnly(Errors(d => { d.PricingType = paid; d.Price = 0; }), "Price", "Market.Skill.Price.Positive");
            AssertOnly(Errors(d => { d.PricingType = paid; d.Price = -1; }), "Price", "Market.Skill.Price.Positive");
            AssertOnly(Errors(d => { d.PricingType = paid; d.Price = 10_000.0001m; }), "Price", "Market.Skill.Price.TooHigh");
            AssertOnly(Errors(d => { d.PricingType = paid; d.Price = 0.00001m; }), "Price", "Market.Skill.Price.Decimals");
            Assert.Empty(Errors(d => { d.PricingType = paid; d.Price = 10_000m; }));
            Assert.Empty(Errors(d => { d.PricingType = paid; d.Price = 0.0001m; }));
        }
    }

    [Fact]
    public void Examples_AtMost10_QuestionsOf1To200_ArgumentsValidAgainstTheInputSchema()
    {
        AssertOnly(Errors(d => d.Examples = Enumerable.Range(0, 11).Select(i => new SkillExample($"q{i}", """{"city":"x"}""")).ToList()), "Examples", "Market.Skill.Examples.TooMany");
        Assert.Empty(Errors(d => d.Examples = Enumerable.Range(0, 10).Select(i => new SkillExample($"q{i}", """{"city":"x"}""")).ToList()));
        AssertOnly(Errors(d => d.Examples = [new SkillExample(" ", """{"city":"x"}""")]), "Examples[0].Question", "Market.Skill.Example.Question.Length");
        AssertOnly(Errors(d => d.Examples = [new SkillExample(new string('问', 201), """{"city":"x"}""")]), "Examples[0].Question", "Market.Skill.Example.Question.Length");
        AssertOnly(Errors(d => d.Examples = [new SkillExample("ok", """{"city":"x"}"""), new SkillExample("bad", "{oops")]), "Examples[1].Arguments", "Market.Skill.Example.Arguments.NotJson");

        var invalid = Errors(d => d.Examples = [new SkillExample("q", """{"days":9}""")]);
        AssertOnly(invalid, "Examples[0].Arguments", "Market.Skill.Example.Arguments.Invalid");
        Assert.Contains(invalid, e => (string)e.Args[0] == "/days"); // maximum 7
        Assert.Contains(invalid, e => (string)e.Args[0] == "/"); // city required
    }

    [Fact]
    public void HeaderSecret_NeedsATokenHeaderThatIsNotReserved_AndASecret()
    {
        Assert.Empty(SkillRules.ValidateHeaderSecret("X-Api-Key", "s3cret"));
        Assert.Empty(SkillRules.ValidateHeaderSecret("Authorization", "Bearer abc"));
        Assert.Contains(SkillRules.ValidateHeaderSecret("X Api", "s"), e => e.Field == "AuthHeader" && e.Code == "Market.Skill.AuthHeader.Invalid");
        Assert.Contains(SkillRules.ValidateHeaderSecret("X-Key:", "s"), e => e.Field == "AuthHeader" && e.Code == "Market.Skill.AuthHeader.Invalid");
        Assert.Contains(SkillRules.ValidateHeaderSecret("", "s"), e => e.Field == "AuthHeader" && e.Code == "Market.Skill.AuthHeader.Invalid");
        Assert.Contains(SkillRules.ValidateHeaderSecret("StarStudio-Signature", "s"), e => e.Field == "AuthHeader" && e.Code == "Market.Skill.AuthHeader.Reserved");
        Assert.Contains(SkillRules.ValidateHeaderSecret("X-Key", ""), e => e.Field == "AuthSecret" && e.Code == "Market.Skill.AuthSecret.Required");
        Assert.Contains(SkillRules.ValidateHeaderSecret("X-Key", "a\r\nInjected: 1"), e => e.Field == "AuthSecret" && e.Code == "Market.Skill.AuthSecret.Invalid");
        Assert.Contains(SkillRules.ValidateHeaderSecret("X-Key", new string('s', 1001)), e => e.Field == "AuthSecret" && e.Code == "Market.Skill.AuthSecret.TooLong");
    }

    [Fact]
    public void Examples_RoundTripThroughTheirJsonColumn()
    {
        var json = SkillExample.ToJson([new SkillExample(" 北京天气 ", """{ "city": "北京" }""", "note")]);
        var back = Assert.Single(SkillExample.ParseList(json));
        Assert.Equal("北京天气", back.Question);
        Assert.Equal("""{"city":"北京"}""", back.Arguments.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("note", back.Note);
    }
}
