using System.Diagnostics;
using System.Text;
using StarStudio.Core.Arena;

namespace StarStudio.Tests.Unit.Arena;

public sealed class AnswerSchemasTests
{
    private const string Review = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "title": { "type": "string", "minLength": 1, "maxLength": 4 },
            "stars": { "type": "integer", "minimum": 1, "maximum": 5 },
            "tags": { "type": "array", "items": { "$ref": "#/$defs/tag" }, "maxItems": 3 }
          },
          "required": ["title", "stars"],
          "additionalProperties": false,
          "$defs": { "tag": { "type": "string", "pattern": "^[a-z]+$" } }
        }
        """;

    private static AcceptedSchema Accepted(string schema)
    {
        var r = AnswerSchemas.Accept(schema);
        Assert.True(r.Succeeded, string.Join("; ", r.Errors.Select(e => $"{e.Code} {string.Join(",", e.Args)}")));
        return r.Value!;
    }

    private static string Refused(string schema)
    {
        var r = AnswerSchemas.Accept(schema);
        Assert.False(r.Succeeded);
        return r.Errors[0].Code;
    }

    [Fact]
    public void Accept_TypicalSchema_AndValidAnswerHasNoErrors()
    {
        var result = AnswerSchemas.Validate(Accepted(Review), """{"title":"好书","stars":5,"tags":["novel"]}""");
        Assert.True(result.Succeeded);
        Assert.Empty(result.Value!);
    }

    [Fact]
    public void Validate_ListsEveryErrorWithItsPointer()
    {
        var result = AnswerSchemas.Validate(Accepted(Review), """{"title":"","stars":9,"tags":["ok","BAD"],"extra":1}""");
        Assert.True(result.Succeeded);
        var pointers = result.Value!.Select(e => (e.Pointer, e.Keyword)).ToList();
        Assert.Contains(("/title", "minLength"), pointers);
        Assert.Contains(("/stars", "maximum"), pointers);
        Assert.Contains(("/tags/1", "pattern"), pointers);
        Assert.Contains(("/extra", "additionalProperties"), pointers);
        Assert.All(result.Value!, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void Validate_MissingRequiredIsReportedAtTheObject()
    {
        var errors = AnswerSchemas.Validate(Accepted(Review), """{"title":"a"}""").Value!;
        var e = Assert.Single(errors);
        Assert.Equal(("", "required"), (e.Pointer, e.Keyword));
        Assert.Contains("stars", e.Message);
    }

    [Theory]
    [InlineData("\"😀😀😀😀\"", true)] // four emoji: four code points, eight UTF-16 units
    [InlineData("\"😀😀😀😀😀\"", false)]
    [InlineData("\"👨‍👩‍👧\"", false)] // one grapheme, five code points (man ZWJ woman ZWJ girl)
    [InlineData("\"éé\"", true)]
    public void Lengths_CountCodePoints(string answer, bool valid)
    {
        var schema = Accepted("""{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"string","maxLength":4}""");
        Assert.Equal(valid, AnswerSchemas.Validate(schema, answer).Value!.Count == 0);
    }

    [Fact]
    public void MinLength_CountsCodePoints()
    {
        var schema = Accepted("""{"minLength":2}""");
        Assert.Empty(AnswerSchemas.Validate(schema, "\"😀😀\"").Value!);
        Assert.NotEmpty(AnswerSchemas.Validate(schema, "\"😀\"").Value!);
    }

    [Theory]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""", AnswerSchemas.RefCode)]
    [InlineData("""{"$ref":"http://127.0.0.1/x#/a"}""", AnswerSchemas.RefCode)]
    [InlineData("""{"$ref":"file:///etc/passwd"}""", AnswerSchemas.RefCode)]
    [InlineData("""{"$ref":"other.json"}""", AnswerSchemas.RefCode)]
    [InlineData("""{"$ref":"#/$defs/missing"}""", AnswerSchemas.RefCode)]
    [InlineData("""{"$ref":"#anchor"}""", AnswerSchemas.RefCode)]
    [InlineData("""{"$id":"https://example.com/a","type":"string"}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"$dynamicRef":"#x"}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"contentMediaType":"application/json"}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"properties":{"a":{"typo":"string"}}}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"items":{"$schema":"https://json-schema.org/draft/2020-12/schema"}}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}""", AnswerSchemas.DraftCode)]
    [InlineData("""{"format":"credit-card"}""", AnswerSchemas.FormatCode)]
    [InlineData("""{"pattern":"(?<=a)b"}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"pattern":"(a)\\1"}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"type":5}""", AnswerSchemas.InvalidCode)]
    [InlineData("""{"minLength":-1}""", AnswerSchemas.InvalidCode)]
    [InlineData("""{"pattern":"(("}""", AnswerSchemas.KeywordCode)]
    [InlineData("""{"allOf":{}}""", AnswerSchemas.InvalidCode)]
    [InlineData("[1]", AnswerSchemas.InvalidCode)]
    [InlineData("""{"type":"string",}""", AnswerSchemas.NotJsonCode)]
    [InlineData("   ", AnswerSchemas.NotJsonCode)]
    [InlineData("""{"type":"string","type":"integer"}""", AnswerSchemas.DuplicateKeyCode)]
    [InlineData("""{"properties":{"a":{},"a":{}}}""", AnswerSchemas.DuplicateKeyCode)]
    public void Accept_RefusesWhatCannotBeHonoured(string schema, string code) => Assert.Equal(code, Refused(schema));

    [Fact]
    public void Accept_RefusesTenMegabytesBeforeParsing()
    {
        var huge = "{\"description\":\"" + new string('x', 10 * 1024 * 1024) + "\"}";
        var watch = Stopwatch.StartNew();
        Assert.Equal(AnswerSchemas.TooLargeCode, Refused(huge));
        Assert.True(watch.ElapsedMilliseconds < 500, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Accept_CountsBytesNotCharacters()
    {
        // 100,000 CJK characters are 300,000 UTF-8 bytes: over the 256 KB limit although under it in chars.
        Assert.Equal(AnswerSchemas.TooLargeCode, Refused("{\"description\":\"" + new string('星', 100_000) + "\"}"));
    }

    [Fact]
    public void Accept_RefusesTenThousandLevelsWithoutRecursing()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"not\":", 10_000)) + "{}" + new string('}', 10_000);
        Assert.Equal(AnswerSchemas.TooDeepCode, Refused(deep));
        var deepArrays = new string('[', 10_000) + new string(']', 10_000);
        Assert.Equal(AnswerSchemas.TooDeepCode, Refused(deepArrays));
    }

    [Fact]
    public void Accept_LocalRefsAndRecursionWork()
    {
        var tree = Accepted("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}},"additionalProperties":false}""");
        Assert.Empty(AnswerSchemas.Validate(tree, """{"kids":[{"kids":[]}]}""").Value!);
        Assert.Equal("/kids/0/x", AnswerSchemas.Validate(tree, """{"kids":[{"x":1}]}""").Value!.Single().Pointer);
    }

    [Fact]
    public void Accept_KnownFormatIsAsserted()
    {
        var schema = Accepted("""{"format":"date"}""");
        Assert.Empty(AnswerSchemas.Validate(schema, "\"2026-12-05\"").Value!);
        Assert.Equal("format", AnswerSchemas.Validate(schema, "\"2026-13-45\"").Value!.Single().Keyword);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", AnswerSchemas.AnswerDuplicateKeyCode)]
    [InlineData("""{"a":1""", AnswerSchemas.AnswerNotJsonCode)]
    [InlineData("", AnswerSchemas.AnswerNotJsonCode)]
    [InlineData("NaN", AnswerSchemas.AnswerNotJsonCode)]
    public void Validate_RefusesBrokenAnswers(string answer, string code)
    {
        var r = AnswerSchemas.Validate(Accepted("{}"), answer);
        Assert.False(r.Succeeded);
        Assert.Equal(code, r.Errors[0].Code);
    }

    [Fact]
    public void Validate_RefusesDeepAndHugeAnswers()
    {
        var schema = Accepted("{}");
        Assert.Equal(AnswerSchemas.AnswerTooDeepCode, AnswerSchemas.Validate(schema, new string('[', 10_000) + new string(']', 10_000)).Errors[0].Code);
        Assert.Equal(AnswerSchemas.AnswerTooLargeCode, AnswerSchemas.Validate(schema, "\"" + new string('x', 10 * 1024 * 1024) + "\"").Errors[0].Code);
    }

    [Fact]
    public void Pattern_RunsInLinearTime_OnAHostileAnswer()
    {
        // ^(a+)+$ backtracks exponentially on "aaaa…!"; the non-backtracking engine answers at once.
        var schema = Accepted("""{"type":"string","pattern":"^(a+)+$"}""");
        var answer = "\"" + new string('a', 50_000) + "!\"";
        var watch = Stopwatch.StartNew();
        Assert.Equal("pattern", AnswerSchemas.Validate(schema, answer).Value!.Single().Keyword);
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void PatternProperties_AlsoRunsLinear()
    {
        var schema = Accepted("""{"patternProperties":{"^(a+)+$":{"type":"integer"}}}""");
        Assert.Empty(AnswerSchemas.Validate(schema, """{"aaa":1}""").Value!);
        Assert.Equal("/aaa", AnswerSchemas.Validate(schema, """{"aaa":"x"}""").Value!.Single().Pointer);
        var hostileKey = "{\"" + new string('a', 20_000) + "!\":1}";
        var watch = Stopwatch.StartNew();
        Assert.Empty(AnswerSchemas.Validate(schema, hostileKey).Value!);
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Validate_CapsTheErrorList()
    {
        var schema = Accepted("""{"type":"array","items":{"type":"integer"}}""");
        var answer = "[" + string.Join(",", Enumerable.Repeat("\"x\"", 500)) + "]";
        Assert.Equal(AnswerSchemas.MaxReportedErrors, AnswerSchemas.Validate(schema, answer).Value!.Count);
    }

    [Theory]
    [InlineData("""{"maxLength":1e30}""")]
    [InlineData("""{"minLength":2.0}""")]
    [InlineData("""{"maxLength":9223372036854775808}""")]
    [InlineData("""{"minimum":1e400}""")]
    [InlineData("""{"multipleOf":1e-400}""")]
    [InlineData("""{"maxItems":-0}""")]
    [InlineData("""{"enum":[]}""")]
    public void HostileNumbers_AreRefusedOrJudged_NeverThrow(string schema)
    {
        var accepted = AnswerSchemas.Accept(schema);
        if (accepted.Succeeded)
        {
            foreach (var answer in new[] { "\"abc\"", "12", "1e308", "[1,2]", "{}" })
            {
                Assert.True(AnswerSchemas.Validate(accepted.Value!, answer).Succeeded);
            }
        }
        else
        {
            Assert.NotEmpty(accepted.Errors);
        }
    }

    [Fact]
    public void CodePoints_CountsRunes() =>
        Assert.Equal([1, 5, 2, 0], new[] { "😀", "👨‍👩‍👧", "ab", "" }.Select(AnswerSchemas.CodePoints));

    [Fact]
    public void Schemas_DoNotShareARegistry()
    {
        // Two trials may both name a $defs entry the same; each schema resolves its own.
        var a = Accepted("""{"$ref":"#/$defs/x","$defs":{"x":{"type":"string"}}}""");
        var b = Accepted("""{"$ref":"#/$defs/x","$defs":{"x":{"type":"integer"}}}""");
        Assert.Empty(AnswerSchemas.Validate(a, "\"s\"").Value!);
        Assert.Empty(AnswerSchemas.Validate(b, "1").Value!);
        Assert.NotEmpty(AnswerSchemas.Validate(b, "\"s\"").Value!);
    }

    [Fact]
    public void Validate_LargeAnswerIsFast()
    {
        var schema = Accepted(Review.Replace("\"maxLength\": 4", "\"maxLength\": 200000"));
        var answer = "{\"title\":\"" + new StringBuilder().Insert(0, "星", 30_000) + "\",\"stars\":3}";
        Assert.Empty(AnswerSchemas.Validate(schema, answer).Value!);
    }
}
