using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace StarStudio.Tests.Unit.Localization;

/// <summary>Every string the UI asks for exists in English and in Chinese.</summary>
public partial class ResourceTests
{
    private static readonly string WebRoot = Path.Combine(RepoRoot(), "StarStudio.Web");

    [Fact]
    public void Resources_EnglishAndChinese_HaveTheSameKeys()
    {
        var en = Keys("SharedResource.resx");
        var zh = Keys("SharedResource.zh-CN.resx");

        Assert.Empty(en.Except(zh));
        Assert.Empty(zh.Except(en));
    }

    [Fact]
    public void Resources_ChineseValues_AreNotEnglishCopies()
    {
        var en = Values("SharedResource.resx");
        var zh = Values("SharedResource.zh-CN.resx");
        var same = zh.Where(p => en[p.Key] == p.Value && p.Value.Any(char.IsAsciiLetterLower)).Select(p => p.Key)
            .Except(["App.Name", "Nav.OtherLanguage"]).ToList();

        Assert.Empty(same);
    }

    [Fact]
    public void Components_LiteralKeysTheyUse_ExistInTheResources()
    {
        var keys = Keys("SharedResource.resx");
        var used = Directory.EnumerateFiles(WebRoot, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.DoesNotContain(used, u => !keys.Contains(u.Key));
    }

    [Fact]
    public void Resources_CoreErrorCodes_AreAllTranslated()
    {
        var keys = Keys("SharedResource.resx");
        var coreCodes = new[] { "StarStudio.Core", "StarStudio.Data", "StarStudio.Parsing" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(RepoRoot(), p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/Migrations/", StringComparison.Ordinal))
            .SelectMany(f => CoreCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.NotEmpty(coreCodes);
        Assert.DoesNotContain(coreCodes, c => !keys.Contains(c));
    }

    private static HashSet<string> Keys(string file) => Values(file).Keys.ToHashSet();

    private static Dictionary<string, string> Values(string file) =>
        XDocument.Load(Path.Combine(WebRoot, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StarStudio.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""L\["([A-Za-z]+\.[A-Za-z.]+)"[\],]""")]
    private static partial Regex LiteralKey();

    // Error codes are literals: "Star.Avatar.NotImage" (three parts; two-part "Star.Name" is a prefix covered by
    // StarRulesTests) and "Knowledge.Duplicate" / "Knowledge.Parse.Encrypted" (two or more parts).
    [GeneratedRegex("\"(Star\\.[A-Za-z]+\\.[A-Za-z]+|Knowledge\\.[A-Za-z]+(?:\\.[A-Za-z]+)*)\"")]
    private static partial Regex CoreCode();
}
