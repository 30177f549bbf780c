using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Extensions;
using StarStudio.Web.Components.Extensions;

namespace StarStudio.Tests.Components.Extensions;

public sealed class ExtensionInstallButtonsTests : ComponentTest
{
    private readonly FakeExtensionService extensions = new();

    public ExtensionInstallButtonsTests()
    {
        Context.Services.AddSingleton<IExtensionService>(extensions);
        Context.Render<MudBlazor.MudSnackbarProvider>();
    }

    private static ExtensionSummary Summary(string kind = ExtensionKinds.ChatTemplate, InstallationView? install = null) =>
        new("warm-chat", "温暖", kind, "", "1.1.0", "作者", null, 0, 0, ["ui"], "strict", install);

    [Fact]
    public void NotInstalled_Install_ShowsItEnabled()
    {
        InstallationView? changed = null;
        var cut = Render<ExtensionInstallButtons>(p => p.Add(c => c.Summary, Summary()).Add(c => c.SignedIn, true).Add(c => c.OnChanged, v => changed = v));

        cut.Find("[data-testid=extension-install]").Click();

        cut.WaitForAssertion(() => Assert.Contains("已启用", cut.Find("[data-testid=extension-state]").TextContent));
        Assert.Equal(["install:warm-chat"], extensions.Calls);
        Assert.NotNull(changed);
        Assert.Empty(cut.FindAll("[data-testid=extension-cannot-run]"));
    }

    [Fact]
    public void Installed_Disable_ThenEnable_AndPinnedShowsTheUpdate()
    {
        extensions.Installation = new InstallationView(Guid.NewGuid(), "1.0.0", true, false, "1.1.0", DateTimeOffset.UtcNow);
        var cut = Render<ExtensionInstallButtons>(p => p.Add(c => c.Summary, Summary(install: extensions.Installation)).Add(c => c.SignedIn, true));

        Assert.Contains("更新到 v1.1.0", cut.Find("[data-testid=extension-update]").TextContent);
        cut.Find("[data-testid=extension-disable]").Click();
        cut.WaitForAssertion(() => Assert.Contains("已停用", cut.Find("[data-testid=extension-state]").TextContent));
        cut.Find("[data-testid=extension-enable]").Click();
        cut.WaitForAssertion(() => Assert.Contains("已启用", cut.Find("[data-testid=extension-state]").TextContent));
        cut.Find("[data-testid=extension-update]").Click();
        cut.WaitForAssertion(() => Assert.Contains("v1.1.0", cut.Find("[data-testid=extension-state]").TextContent));
        Assert.Equal(["enable:warm-chat:False", "enable:warm-chat:True", "update:warm-chat"], extensions.Calls);
    }

    [Fact]
    public void Uninstall_BringsBackTheInstallButton()
    {
        var cut = Render<ExtensionInstallButtons>(p => p.Add(c => c.Summary, Summary(install: extensions.Installation)).Add(c => c.SignedIn, true));

        cut.Find("[data-testid=extension-uninstall]").Click();

        cut.WaitForElement("[data-testid=extension-install]");
        Assert.Equal(["uninstall:warm-chat"], extensions.Calls);
    }

    [Fact]
    public void OtherKinds_SayTheyCannotRunYet()
    {
        var cut = Render<ExtensionInstallButtons>(p => p.Add(c => c.Summary, Summary(ExtensionKinds.Tool)).Add(c => c.SignedIn, true));

        Assert.Equal("暂不能运行", cut.Find("[data-testid=extension-cannot-run]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=extension-install]"));
    }

    [Fact]
    public void Anonymous_GetsASignInLink_NoInstallButton()
    {
        var cut = Render<ExtensionInstallButtons>(p => p.Add(c => c.Summary, Summary()).Add(c => c.SignedIn, false));

        Assert.Empty(cut.FindAll("[data-testid=extension-install]"));
        Assert.Contains("登录后安装", cut.Markup);
    }
}
