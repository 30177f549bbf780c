using System.Runtime.CompilerServices;
using System.Text.Json;
using StarStudio.Core.Arena;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Arena;

/// <summary>
/// The official JSON-Schema-Test-Suite (draft 2020-12, TestData/JsonSchemaTestSuite) run through the trial rules:
/// every case whose schema <see cref="AnswerSchemas.Accept"/> lets in must be judged exactly as the suite says, so no
/// keyword we accept is honoured only in part.
/// </summary>
public sealed class JsonSchemaSuiteTests(ITestOutputHelper output)
{
    private static string SuiteFolder([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "TestData", "JsonSchemaTestSuite", "draft2020-12");

    private sealed record Outcome(int Groups, int AcceptedGroups, int Tests, List<string> Failures, HashSet<string> KeywordsSeen);

    private static Outcome Run(IEnumerable<string> files)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>();
        int groups = 0, accepted = 0, tests = 0;
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var group in doc.RootElement.EnumerateArray())
            {
                groups++;
                var schema = AnswerSchemas.Accept(group.GetProperty("schema").GetRawText());
                if (!schema.Succeeded)
                {
                    continue;
                }

                accepted++;
                Collect(group.GetProperty("schema"), seen);
                foreach (var test in group.GetProperty("tests").EnumerateArray())
                {
                    tests++;
                    var expected = test.GetProperty("valid").GetBoolean();
                    var result = AnswerSchemas.Validate(schema.Value!, test.GetProperty("data").GetRawText());
                    var actual = result.Succeeded && result.Value!.Count == 0;
                    if (actual != expected)
                    {
                        failures.Add($"{Path.GetFileName(file)} / {group.GetProperty("description").GetString()} / {test.GetProperty("description").GetString()}: expected {expected}");
                    }
                }
            }
        }

        return new Outcome(groups, accepted, tests, failures, seen);
    }

    private static void Collect(JsonElement schema, HashSet<string> seen)
    {
        if (schema.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in schema.EnumerateObject())
            {
                seen.Add(p.Name);
                if (p.Name is "enum" or "const" or "default" or "examples")
                {
                    continue;
                }

                Collect(p.Value, seen);
            }
        }
        else if (schema.ValueKind == JsonValueKind.Array)
        {
            foreach (var x in schema.EnumerateArray())
            {
                Collect(x, seen);
            }
        }
    }

    [Fact]
    public void RequiredSuite_EveryAcceptedCaseIsJudgedRight()
    {
        // format.json expects format as an annotation (anything passes); we assert the formats we accept instead, and
        // the optional format files check those below.
        var outcome = Run(Directory.GetFiles(SuiteFolder(), "*.json").Where(f => Path.GetFileName(f) != "format.json").Order());
        output.WriteLine($"groups {outcome.Groups}, accepted {outcome.AcceptedGroups}, tests run {outcome.Tests}, failures {outcome.Failures.Count}");
        outcome.Failures.ForEach(output.WriteLine);
        Assert.Empty(outcome.Failures);

        // The suite must exercise what we accept: every assertion keyword appears in at least one accepted case.
        string[] annotations = ["$schema", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "format"];
        var untested = AnswerSchemas.Keywords.Except(annotations).Where(k => !outcome.KeywordsSeen.Contains(k)).ToList();
        Assert.Empty(untested);
        Assert.True(outcome.Tests > 800, $"only {outcome.Tests} suite tests ran");
    }

    [Fact]
    public void FormatSuite_AcceptedFormatsPassInFull_OthersAreRefused()
    {
        var folder = Path.Combine(SuiteFolder(), "optional", "format");
        var wrong = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order())
        {
            var format = Path.GetFileNameWithoutExtension(file);
            var outcome = Run([file]);
            output.WriteLine($"{format}: accepted {outcome.AcceptedGroups}/{outcome.Groups}, tests {outcome.Tests}, failures {outcome.Failures.Count}");
            outcome.Failures.ForEach(output.WriteLine);
            if (AnswerSchemas.Formats.Contains(format))
            {
                wrong.AddRange(outcome.Failures);
                Assert.True(outcome.Tests > 0);
            }
            else if (outcome.AcceptedGroups > 0)
            {
                wrong.Add($"{format} is not an accepted format but a schema using it was accepted");
            }
        }

        Assert.Empty(wrong);
    }
}
