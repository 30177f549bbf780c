using System.Reflection;
using System.Xml.Linq;
using StarStudio.Core.Arena.Battles;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Arena.Battles;

public sealed class BattleResourceTests
{
    [Theory]
    [InlineData("SharedResource.resx")]
    [InlineData("SharedResource.zh-CN.resx")]
    public void EveryBattleAndJudgingCode_IsTranslated(string file)
    {
        var keys = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var codes = new[] { typeof(BattleErrors), typeof(JudgingErrors) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && ((string)f.GetRawConstantValue()!).StartsWith("Arena.", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(13, codes.Count);
        Assert.DoesNotContain(codes, c => !keys.Contains(c));
    }
}
