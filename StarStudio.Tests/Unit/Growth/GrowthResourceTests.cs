using System.Text.RegularExpressions;
using System.Xml.Linq;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Growth;

/// <summary>Every <c>Growth.*</c> error code that Core or Data can return is translated.</summary>
public partial class GrowthResourceTests
{
    [Fact]
    public void Resources_GrowthErrorCodes_AreAllTranslated()
    {
        var root = ResourceTests.RepoRoot();
        var keys = XDocument.Load(Path.Combine(root, "StarStudio.Web", "Resources", "SharedResource.resx")).Root!.Elements("data")
            .Select(d => (string)d.Attribute("name")!).ToHashSet();
        var codes = new[] { "StarStudio.Core/Growth", "StarStudio.Data/Growth" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(root, p), "*.cs"))
            .SelectMany(f => GrowthCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.True(codes.Count > 30, $"only {codes.Count} codes found");
        Assert.DoesNotContain(codes, c => !keys.Contains(c));
    }

    [GeneratedRegex("\"(Growth\\.[A-Za-z]+\\.[A-Za-z.]+)\"")]
    private static partial Regex GrowthCode();
}
