using StarStudio.Core.Configs;

namespace StarStudio.Tests.Unit.Configs;

public sealed class ConfigDefinitionTests
{
    private static ConfigDefinition Def(ConfigValueType type, string @default = "null", decimal? min = null, decimal? max = null, bool nullable = false,
        IReadOnlyList<string>? allowed = null, string? pattern = null, string? schema = null, bool secret = false) => new()
    {
        Key = "k", Type = type, DefaultJson = @default, DescriptionEn = "en", DescriptionZh = "中", Min = min, Max = max, Nullable = nullable,
        AllowedValues = allowed ?? [], Pattern = pattern, SchemaText = schema, IsSecret = secret,
    };

    private static void Refused(ConfigDefinition d, string? input, string code)
    {
        var r = d.Parse(input);
        Assert.False(r.Succeeded, input);
        var e = Assert.Single(r.Errors);
        Assert.Equal((ConfigDefinition.Field, code), (e.Field, e.Code));
    }

    [Theory]
    [InlineData("640", "640")]
    [InlineData(" 640 ", "640")]
    [InlineData("-3", "-3")]
    public void Int_WholeNumbers_AreStoredAsJsonNumbers(string input, string json) =>
        Assert.Equal(json, Def(ConfigValueType.Int).Parse(input).Value);

    [Theory]
    [InlineData("6.5")]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("\"640\"")]
    [InlineData("99999999999999999999")]
    public void Int_AnythingElse_IsRefusedAsNotAnInteger(string input) => Refused(Def(ConfigValueType.Int), input, ConfigDefinition.NotNumberCode);

    [Fact]
    public void Int_OutsideBounds_SaysWhichBound()
    {
        var d = Def(ConfigValueType.Int, min: 100, max: 2000);
        Refused(d, "99", ConfigDefinition.BelowMinCode);
        Refused(d, "2001", ConfigDefinition.AboveMaxCode);
        Assert.Equal(100m, d.Parse("99").Errors[0].Args[0]);
        Assert.True(d.Parse("100").Succeeded);
        Assert.True(d.Parse("2000").Succeeded);
    }

    [Fact]
    public void Int_Empty_IsRequiredUnlessNullable()
    {
        Refused(Def(ConfigValueType.Int), "  ", ConfigDefinition.RequiredCode);
        Assert.Equal("null", Def(ConfigValueType.Int, nullable: true).Parse("").Value);
    }

    [Fact]
    public void Decimal_ParsesInvariantAndChecksBounds()
    {
        var d = Def(ConfigValueType.Decimal, min: 0, max: 1);
        Assert.Equal("0.25", d.Parse("0.25").Value);
        Refused(d, "0,25", ConfigDefinition.NotDecimalCode);
        Refused(d, "1.5", ConfigDefinition.AboveMaxCode);
        Refused(d, "-0.1", ConfigDefinition.BelowMinCode);
    }

    [Fact]
    public void Bool_OnlyTrueOrFalse()
    {
        var d = Def(ConfigValueType.Bool);
        Assert.Equal("true", d.Parse("TRUE").Value);
        Assert.Equal("false", d.Parse("false").Value);
        Refused(d, "yes", ConfigDefinition.NotBoolCode);
        Refused(d, "1", ConfigDefinition.NotBoolCode);
    }

    [Fact]
    public void String_IsQuotedAndChecked()
    {
        Assert.Equal("\"a \\\"b\\\" 中\"", Def(ConfigValueType.String).Parse("a \"b\" 中").Value);
        Refused(Def(ConfigValueType.String, allowed: ["x", "y"]), "z", ConfigDefinition.NotAllowedCode);
        Refused(Def(ConfigValueType.String, pattern: "^[0-9]+$"), "12a", ConfigDefinition.PatternCode);
        Refused(Def(ConfigValueType.String), "", ConfigDefinition.RequiredCode);
        Assert.Equal("null", Def(ConfigValueType.String, nullable: true).Parse("").Value);
        Refused(Def(ConfigValueType.String) with { MaxLength = 3 }, "abcd", ConfigDefinition.TooLongCode);
    }

    private const string Schema = """
        {"type":"object","properties":{"limit":{"type":"integer","minimum":1},"names":{"type":"array","items":{"type":"string"}}},
         "required":["limit"],"additionalProperties":false}
        """;

    [Fact]
    public void Json_ValidAgainstItsSchema_IsStoredCompact()
    {
        var r = Def(ConfigValueType.Json, schema: Schema).Parse("{ \"limit\": 3,\n \"names\": [\"a\"] }");
        Assert.Equal("{\"limit\":3,\"names\":[\"a\"]}", r.Value);
    }

    [Theory]
    [InlineData("{\"limit\":0}", "/limit")]
    [InlineData("{\"limit\":2,\"names\":[1]}", "/names/0")]
    public void Json_BreakingItsSchema_SaysWhereAndWhy(string input, string where)
    {
        var r = Def(ConfigValueType.Json, schema: Schema).Parse(input);
        var e = Assert.Single(r.Errors);
        Assert.Equal(ConfigDefinition.SchemaCode, e.Code);
        Assert.Equal(where, e.Args[0]);
        Assert.False(string.IsNullOrWhiteSpace((string)e.Args[1]));
    }

    [Fact]
    public void Json_AnUnknownProperty_IsRefused() =>
        Assert.Equal(ConfigDefinition.SchemaCode, Def(ConfigValueType.Json, schema: Schema).Parse("{\"limit\":2,\"extra\":true}").Errors.Single().Code);

    [Fact]
    public void Json_Missing_RequiredProperty_IsRefused() =>
        Assert.Equal(ConfigDefinition.SchemaCode, Def(ConfigValueType.Json, schema: Schema).Parse("{}").Errors.Single().Code);

    [Fact]
    public void Json_NotJson_SaysLineAndPosition()
    {
        var e = Def(ConfigValueType.Json).Parse("{\n  \"a\": }").Errors.Single();
        Assert.Equal(ConfigDefinition.NotJsonCode, e.Code);
        Assert.Equal(2L, e.Args[0]);
    }

    [Fact]
    public void Json_TooDeepOrTooLarge_IsRefusedBeforeTheSchema()
    {
        Refused(Def(ConfigValueType.Json), new string('[', 40) + new string(']', 40), ConfigDefinition.NotJsonCode);
        Refused(Def(ConfigValueType.Json), "\"" + new string('x', ConfigDefinition.MaxJsonBytes) + "\"", ConfigDefinition.TooLongCode);
    }

    [Theory]
    [InlineData(ConfigValueType.Int, "640", true)]
    [InlineData(ConfigValueType.Int, "\"640\"", false)]
    [InlineData(ConfigValueType.Int, "6.5", false)]
    [InlineData(ConfigValueType.Bool, "true", true)]
    [InlineData(ConfigValueType.Bool, "\"true\"", false)]
    [InlineData(ConfigValueType.String, "\"x\"", true)]
    [InlineData(ConfigValueType.String, "3", false)]
    [InlineData(ConfigValueType.Int, "null", false)]
    [InlineData(ConfigValueType.Int, "not json", false)]
    public void Accepts_StoredJson_OnlyOfItsType(ConfigValueType type, string json, bool expected) =>
        Assert.Equal(expected, Def(type).Accepts(json));

    [Fact]
    public void ToInput_ShowsStringsWithoutQuotesAndNullEmpty()
    {
        Assert.Equal("abc", ConfigDefinition.ToInput("\"abc\""));
        Assert.Equal("", ConfigDefinition.ToInput("null"));
        Assert.Equal("640", ConfigDefinition.ToInput("640"));
    }

    [Fact]
    public void Secret_IsMaskedOnDisplay()
    {
        var entry = new SystemConfigEntry("k", Def(ConfigValueType.String, secret: true), "\"s3cret\"", "\"s3cret\"", true, false, null, null, null);
        Assert.Equal(SystemConfigEntry.Mask, entry.Display(entry.EffectiveJson));
        Assert.Equal("", entry.Display("null"));
    }
}
