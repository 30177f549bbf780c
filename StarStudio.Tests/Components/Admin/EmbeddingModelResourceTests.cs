using System.Reflection;
using System.Xml.Linq;
using StarStudio.Core.Admin;
using StarStudio.Core.Security;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Components.Admin;

/// <summary>Every code the embedding model rules, the URL checks and the model test can return has a message in both languages.</summary>
public class EmbeddingModelResourceTests
{
    public static TheoryData<string> Codes()
    {
        var codes = new[] { typeof(EmbeddingModelRules), typeof(EmbeddingModelTestResult) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.StartsWith("Admin.", StringComparison.Ordinal))
            .Concat(UrlSafety.Codes)
            .Concat(EmbeddingModelRules.Providers.Select(p => "Admin.EmbeddingModel.Provider." + p));
        return new TheoryData<string>(codes);
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Resources_EmbeddingModelCode_IsTranslated(string code)
    {
        foreach (var file in new[] { "SharedResource.resx", "SharedResource.zh-CN.resx" })
        {
            var keys = XDocument.Load(Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file)).Root!
                .Elements("data").Select(d => (string)d.Attribute("name")!);
            Assert.Contains(code, keys);
        }
    }
}
