using System.Runtime.CompilerServices;
using System.Text.Json;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Entries;
using Xunit.Abstractions;

namespace StarStudio.Tests.Unit.Arena.Entries;

public sealed class SchemaInstanceWriterTests(ITestOutputHelper output)
{
    private const string Note = "(Offline engine) written from the star's knowledge; no language model is connected.";

    private static readonly string[] Passages =
    [
        "Song dynasty books were printed on bamboo paper. Repairs use thin mulberry paper of a matching tone.",
        "Wheat starch paste is cooked thin. It stays reversible for later conservators!",
    ];

    private static AcceptedSchema Accept(string schema)
    {
        var result = AnswerSchemas.Accept(schema);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Code + " " + string.Join(",", e.Args))));
        return result.Value!;
    }

    private static (SchemaInstance Instance, JsonElement Root) Write(string schema, IReadOnlyList<string>? texts = null)
    {
        var instance = SchemaInstanceWriter.Write(Accept(schema), texts ?? Passages, Note);
        return (instance, JsonDocument.Parse(instance.Json).RootElement.Clone());
    }

    private static void AssertValid(string schema, SchemaInstance instance)
    {
        var errors = AnswerSchemas.Validate(Accept(schema), instance.Json);
        Assert.True(errors.Succeeded && errors.Value!.Count == 0, instance.Json + "\n" + string.Join("\n", errors.Value?.Select(e => e.Pointer + " " + e.Message) ?? []));
        Assert.True(instance.Valid);
        Assert.Empty(instance.Problems);
    }

    [Fact]
    public void TypicalTrialSchema_ValidWithQuotedSentencesAndTheNoteInTheNoteField()
    {
        const string schema = """
            {
              "type": "object",
              "required": ["title", "steps", "confidence", "note"],
              "additionalProperties": false,
              "properties": {
                "title": { "type": "string", "minLength": 5, "maxLength": 40 },
                "steps": { "type": "array", "minItems": 3, "maxItems": 5, "uniqueItems": true,
                           "items": { "type": "object", "required": ["text"], "properties": { "text": { "type": "string", "minLength": 1 } } } },
                "confidence": { "type": "number", "minimum": 0.5, "maximum": 1, "multipleOf": 0.25 },
                "level": { "enum": ["easy", "hard"] },
                "date": { "type": "string", "format": "date" },
                "note": { "type": "string" }
              }
            }
            """;

        var (instance, root) = Write(schema);

        AssertValid(schema, instance);
        Assert.Equal(Note, root.GetProperty("note").GetString());
        Assert.Equal(3, root.GetProperty("steps").GetArrayLength());
        Assert.StartsWith("Song dynasty books", root.GetProperty("steps")[0].GetProperty("text").GetString());
        Assert.True(AnswerSchemas.CodePoints(root.GetProperty("title").GetString()!) <= 40);
        Assert.Equal(0.5m, root.GetProperty("confidence").GetDecimal());
        Assert.Equal("easy", root.GetProperty("level").GetString());
    }

    [Fact]
    public void NoNoteField_TheNoteOpensTheFirstFreeString()
    {
        const string schema = """{"type":"object","required":["code","answer"],"properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-\\d{2}$"},"answer":{"type":"string"}}}""";

        var (instance, root) = Write(schema);

        AssertValid(schema, instance);
        Assert.StartsWith(Note, root.GetProperty("answer").GetString());
        Assert.Matches("^[A-Z]{3}-\\d{2}$", root.GetProperty("code").GetString()!);
    }

    [Fact]
    public void Lengths_CountCodePoints_AndCutNeverSplitsAnEmoji()
    {
        const string schema = """{"type":"array","minItems":1,"items":{"type":"string","minLength":3,"maxLength":4}}""";

        var (instance, root) = Write(schema, ["😀😀😀😀😀😀 and more"]);

        AssertValid(schema, instance);
        var first = root[0].GetString()!;
        Assert.InRange(AnswerSchemas.CodePoints(first), 3, 4);
        Assert.DoesNotContain(first, c => char.IsSurrogate(c) && !first.Contains("😀", StringComparison.Ordinal));
    }

    [Fact]
    public void RefIntoDefs_OneOfAndIntegerBounds_AreSatisfied()
    {
        const string schema = """
            {
              "$defs": { "score": { "type": "integer", "exclusiveMinimum": 3, "maximum": 10, "multipleOf": 2 } },
              "type": "object",
              "required": ["score", "verdict"],
              "properties": {
                "score": { "$ref": "#/$defs/score" },
                "verdict": { "oneOf": [ { "type": "string", "maxLength": 2, "minLength": 2 }, { "type": "boolean" } ] }
              }
            }
            """;

        var (instance, root) = Write(schema);

        AssertValid(schema, instance);
        Assert.Equal(4, root.GetProperty("score").GetInt32());
    }

    [Fact]
    public void ImpossibleSchema_SaysWhyInsteadOfClaimingValidity()
    {
        const string schema = """{"type":"object","required":["a"],"properties":{"a":{"type":"string","pattern":"^(?:x|y)\\p{Lu}$"}}}""";

        var instance = SchemaInstanceWriter.Write(Accept(schema), Passages, Note);

        Assert.False(instance.Valid);
        Assert.NotEmpty(instance.Problems);
        Assert.Contains(instance.Problems, p => p.Contains("pattern", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("^[a-z]+@[a-z]+\\.com$")]
    [InlineData("^(ab|cd){2}-[0-9]{3,}$")]
    [InlineData("^\\d{4}-\\d{2}$")]
    [InlineData("colou?r")]
    public void PatternStrings_MakeAMatchingString(string pattern)
    {
        var made = PatternStrings.Make(pattern);

        Assert.NotNull(made);
        Assert.Matches(pattern, made);
    }

    [Theory]
    [InlineData("^[^a]$")]
    [InlineData("(?=a)a")]
    [InlineData("(a)\\1")]
    public void PatternStrings_BeyondTheGenerator_GiveNull(string pattern) => Assert.Null(PatternStrings.Make(pattern));

    private static string SuiteFolder([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "TestData", "JsonSchemaTestSuite", "draft2020-12");

    [Fact]
    public void Suite_AcceptedSchemasWithAValidInstance_GetAValidInstanceMostly()
    {
        int eligible = 0, valid = 0;
        var misses = new List<string>();
        foreach (var file in Directory.GetFiles(SuiteFolder(), "*.json").Concat(Directory.GetFiles(Path.Combine(SuiteFolder(), "optional", "format"), "*.json")).Order())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var group in doc.RootElement.EnumerateArray())
            {
                var accepted = AnswerSchemas.Accept(group.GetProperty("schema").GetRawText());
                if (!accepted.Succeeded || !group.GetProperty("tests").EnumerateArray().Any(t => t.GetProperty("valid").GetBoolean()))
                {
                    continue;
                }

                eligible++;
                var instance = SchemaInstanceWriter.Write(accepted.Value!, Passages, Note);
                var check = AnswerSchemas.Validate(accepted.Value!, instance.Json);
                var ok = check.Succeeded && check.Value!.Count == 0;
                Assert.Equal(ok, instance.Valid); // the writer never claims validity it does not have
                if (ok)
                {
                    valid++;
                }
                else
                {
                    Assert.NotEmpty(instance.Problems);
                    misses.Add($"{Path.GetFileName(file)} / {group.GetProperty("description").GetString()}: {string.Join("; ", instance.Problems)}");
                }
            }
        }

        output.WriteLine($"valid instances: {valid} of {eligible} ({100.0 * valid / eligible:0.0}%)");
        misses.ForEach(output.WriteLine);
        Assert.True(eligible > 250, $"only {eligible} suite schemas were eligible");
        Assert.True(valid >= eligible * 0.97, $"{valid} of {eligible}");
    }
}
