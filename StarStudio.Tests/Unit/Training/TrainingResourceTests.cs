using System.Text.RegularExpressions;
using System.Xml.Linq;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Training;

public sealed partial class TrainingResourceTests
{
    /// <summary>Every Training.* key the services and the run store (field errors, job errors) is translated in both languages.</summary>
    [Theory]
    [InlineData("SharedResource.resx")]
    [InlineData("SharedResource.zh-CN.resx")]
    public void EveryTrainingCode_IsTranslated(string file)
    {
        var keys = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var codes = new[] { "StarStudio.Core/Training", "StarStudio.Data/Training" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(ResourceTests.RepoRoot(), p), "*.cs"))
            .SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.True(codes.Count >= 25, $"only {codes.Count} codes found");
        Assert.DoesNotContain(codes, c => !keys.Contains(c));
    }

    [GeneratedRegex("\"(Training\\.(?:Job|Trainer|Version)\\.[A-Za-z]+(?:\\.[A-Za-z]+)*)")]
    private static partial Regex Code();
}
