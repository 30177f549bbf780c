using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Extensions;
using StarStudio.Web.Components.Extensions;

namespace StarStudio.Tests.Components.Extensions;

public sealed class ManifestFormTests : ComponentTest
{
    private readonly FakeExtensionService extensions = new();

    public ManifestFormTests() => Context.Services.AddSingleton<IExtensionService>(extensions);

    [Fact]
    public void Publish_Refused_ShowsEveryErrorAtItsField_InChinese()
    {
        // The real parser's verdict on a manifest with a bad id, version and permission.
        extensions.PublishResult = Result<MakerVersionView>.Invalid(
            ExtensionManifestParser.Parse("""{"id":"Bad Id","name":"n","version":"1.0","kind":"ui","permissions":["ui","camera"]}""").Errors);
        var cut = Render<ManifestForm>(_ => { });

        cut.Find("[data-testid=manifest-publish]").Click();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=manifest-error]").Count));
        var byField = cut.FindAll("[data-testid=manifest-error]").ToDictionary(e => e.GetAttribute("data-field")!, e => e.TextContent);
        Assert.Contains("小写字母和数字", byField["id"]);
        Assert.Contains("“1.0” 不是 MAJOR.MINOR.PATCH 格式", byField["version"]);
        Assert.Contains("未知权限 “camera”", byField["permissions[1]"]);
        Assert.Empty(cut.FindAll("[data-testid=manifest-published]"));
    }

    [Fact]
    public void Publish_NotJson_IsShownUnderTheBox()
    {
        extensions.PublishResult = Result<MakerVersionView>.Invalid(ExtensionManifestParser.Parse("{ nope").Errors);
        var cut = Render<ManifestForm>(_ => { });

        cut.Find("[data-testid=manifest-publish]").Click();

        cut.WaitForAssertion(() => Assert.Contains("这不是有效的 JSON", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=manifest-error]"));
    }

    [Fact]
    public void Publish_Accepted_SaysItWaitsForReview_AndRaisesOnPublished()
    {
        MakerVersionView? raised = null;
        var cut = Render<ManifestForm>(p => p.Add(c => c.OnPublished, v => raised = v));

        cut.Find("[data-testid=manifest-sample-template]").Click();
        cut.Find("[data-testid=manifest-publish]").Click();

        cut.WaitForAssertion(() => Assert.Contains("等待管理员审核", cut.Find("[data-testid=manifest-published]").TextContent));
        Assert.NotNull(raised);
        Assert.Equal(["publish"], extensions.Calls);
    }

    [Fact]
    public void Samples_AreValidManifests()
    {
        Assert.True(ExtensionManifestParser.Parse(ExtensionSamples.ChatTemplate).Succeeded);
        Assert.True(ExtensionManifestParser.Parse(ExtensionSamples.Theme).Succeeded);
    }
}
