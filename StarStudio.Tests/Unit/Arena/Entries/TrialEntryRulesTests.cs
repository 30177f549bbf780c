using System.Reflection;
using System.Xml.Linq;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Entries;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Arena.Entries;

public sealed class TrialEntryRulesTests
{
    [Theory]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("  {\"a\":1}\n", "{\"a\":1}")]
    [InlineData("```json\n{\"a\":1}\n```", "{\"a\":1}")]
    [InlineData("```\n[1,2]\n```\n", "[1,2]")]
    [InlineData("```json\n{\"a\":1}", "{\"a\":1}")]
    [InlineData("Sure! {\"a\":1}", "Sure! {\"a\":1}")]
    public void ExtractJson_StripsOnlyAFence(string answer, string expected) => Assert.Equal(expected, TrialEntryRules.ExtractJson(answer));

    [Fact]
    public void Errors_RoundTripThroughTheStoredJson()
    {
        AnswerError[] errors = [new("/steps/0", "minLength", "Value is 0 characters long"), new("", "required", "Required properties [\"note\"] are not present")];

        var json = TrialEntryRules.ErrorsJson(errors);

        Assert.StartsWith("[{\"pointer\":\"/steps/0\",\"keyword\":\"minLength\"", json);
        Assert.Equal(errors, TrialEntryRules.ParseErrors(json));
        Assert.Empty(TrialEntryRules.ParseErrors("not json"));
        Assert.Equal("[]", TrialEntryRules.ErrorsJson([]));
    }

    [Fact]
    public void ResponseUri_ParsesBackIntoTheKey()
    {
        var trial = Guid.NewGuid();
        var draft = Guid.NewGuid();

        var uri = TrialResponseKeys.Uri(TrialResponseKeys.Draft(trial, draft));

        Assert.Equal($"trial-responses/trials/{trial}/drafts/{draft}.json", uri);
        Assert.Equal($"trials/{trial}/drafts/{draft}.json", TrialResponseKeys.Parse(uri));
        Assert.Null(TrialResponseKeys.Parse("nowhere/x.json"));
        Assert.Null(TrialResponseKeys.Parse("trial-responses/"));
    }

    [Fact]
    public void MaxDrafts_IsTheFirstAnswerPlusTheRegenerations() =>
        Assert.Equal((1, 4), (TrialEntryRules.MaxDrafts(new StarTrial { MaxRegenerations = 0 }), TrialEntryRules.MaxDrafts(new StarTrial { MaxRegenerations = 3 })));

    [Theory]
    [InlineData("SharedResource.resx")]
    [InlineData("SharedResource.zh-CN.resx")]
    public void EveryEntryRefusal_IsTranslated(string file)
    {
        var keys = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var codes = typeof(TrialEntryRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Code", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(10, codes.Count);
        Assert.DoesNotContain(codes, c => !keys.Contains(c));
    }
}
