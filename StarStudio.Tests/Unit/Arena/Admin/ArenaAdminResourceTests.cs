using System.Text.RegularExpressions;
using System.Xml.Linq;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Arena.Admin;

public sealed partial class ArenaAdminResourceTests
{
    [Theory]
    [InlineData("SharedResource.resx")]
    [InlineData("SharedResource.zh-CN.resx")]
    public void EveryAdminErrorCode_IsTranslated(string file)
    {
        var root = ResourceTests.RepoRoot();
        var keys = XDocument.Load(Path.Combine(root, "StarStudio.Web", "Resources", file)).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var codes = new[]
            {
                "StarStudio.Core/Arena/ArenaAdminRules.cs", "StarStudio.Data/Arena/Admin/ArenaAdminService.cs",
                "StarStudio.Web/Components/Admin/Arena/ArenaAdminPage.razor",
            }
            .SelectMany(f => Code().Matches(File.ReadAllText(Path.Combine(root, f))).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.True(codes.Count >= 25, $"only {codes.Count} codes found");
        Assert.DoesNotContain(codes, c => !keys.Contains(c));
    }

    [GeneratedRegex("\"(Arena\\.(?:Season|Trial|Judge)\\.[A-Za-z.]+)\"")]
    private static partial Regex Code();
}
