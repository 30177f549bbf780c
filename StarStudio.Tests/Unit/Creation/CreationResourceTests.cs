using System.Text.RegularExpressions;
using System.Xml.Linq;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Creation;

/// <summary>Every <c>Creation.*</c> key the assistant's Core and Data code returns is translated in both languages.</summary>
public partial class CreationResourceTests
{
    [Fact]
    public void CreationKeys_InCoreAndData_ExistInBothLanguages()
    {
        var root = ResourceTests.RepoRoot();
        var used = new[] { "StarStudio.Core/Creation", "StarStudio.Data/Creation" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs"))
            .SelectMany(f => Key().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => !k.EndsWith('.'))
            .Distinct()
            .ToList();
        var anchorFields = new[] { "Name", "Domain", "Persona", "Tone", "Audience", "Boundaries" }.Select(f => $"Creation.Anchors.{f}.TooLong");

        foreach (var file in new[] { "SharedResource.resx", "SharedResource.zh-CN.resx" })
        {
            var keys = XDocument.Load(Path.Combine(root, "StarStudio.Web", "Resources", file)).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
            Assert.True(used.Count > 20, "the scan found the keys");
            Assert.DoesNotContain(used.Concat(anchorFields), k => !keys.Contains(k));
        }
    }

    [GeneratedRegex("\"(Creation\\.[A-Za-z.]+)\"")]
    private static partial Regex Key();
}
