using System.Reflection;
using System.Xml.Linq;
using StarStudio.Core.Arena;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Unit.Arena;

public sealed class ArenaResourceTests
{
    [Theory]
    [InlineData("SharedResource.resx")]
    [InlineData("SharedResource.zh-CN.resx")]
    public void EveryArenaErrorCode_IsTranslated(string file)
    {
        var keys = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var codes = typeof(AnswerSchemas).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Code", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(13, codes.Count);
        Assert.DoesNotContain(codes, c => !keys.Contains(c));
    }
}
