using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Admin.Users;
using StarStudio.Core.Audit;
using StarStudio.Web.Components.Admin.Users;

namespace StarStudio.Tests.Components.Admin.Users;

public class UserDetailPageTests : ComponentTest
{
    private readonly FakeUserAdminService service = new();

    public UserDetailPageTests()
    {
        Context.Services.AddSingleton<IUserAdminService>(service);
    }

    private IRenderedComponent<UserDetailPage> RenderPage(Guid? id = null)
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<UserDetailPage>(p => p.Add(x => x.Id, id ?? service.User.Id));
    }

    [Fact]
    public async Task UserDetail_Grant_ShowsTheRoleAndTheAuditEntry()
    {
        var cut = RenderPage();
        Assert.Equal(["player"], cut.FindAll("[data-testid=role-chip]").Select(c => c.GetAttribute("data-role")));

        await cut.Find("[data-testid=grant-skill_maker]").ClickAsync();

        Assert.Equal(["grant:skill_maker"], service.Calls);
        Assert.Equal(["player", "skill_maker"], cut.FindAll("[data-testid=role-chip]").Select(c => c.GetAttribute("data-role")));
        Assert.NotNull(cut.Find($"[data-testid=audit-row][data-action='{AuditActions.RoleGranted}']"));
        Assert.Contains("已授予技能开发者", cut.Find("[data-testid=user-done]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=revoke-skill_maker]"));
    }

    [Fact]
    public async Task UserDetail_Revoke_AsksFirst_CancelDoesNothing_ConfirmRevokes()
    {
        service.User = service.User with { Roles = ["skill_maker"] };
        var cut = RenderPage();

        await cut.Find("[data-testid=revoke-skill_maker]").ClickAsync();
        Assert.Contains("lilei@example.test", cut.Find("[data-testid=confirm-box]").TextContent);
        Assert.Empty(service.Calls);
        await cut.Find("[data-testid=confirm-cancel]").ClickAsync();
        Assert.Empty(cut.FindAll("[data-testid=confirm-box]"));
        Assert.Empty(service.Calls);

        await cut.Find("[data-testid=revoke-skill_maker]").ClickAsync();
        await cut.Find("[data-testid=confirm-action]").ClickAsync();

        Assert.Equal(["revoke:skill_maker"], service.Calls);
        Assert.Equal(["player"], cut.FindAll("[data-testid=role-chip]").Select(c => c.GetAttribute("data-role")));
        Assert.Empty(cut.FindAll("[data-testid=confirm-box]"));
    }

    [Fact]
    public async Task UserDetail_RevokingOwnAdminRole_ShowsTheRefusal()
    {
        service.User = service.User with { Id = service.Me, Roles = ["admin"] };
        var cut = RenderPage();

        await cut.Find("[data-testid=revoke-admin]").ClickAsync();
        await cut.Find("[data-testid=confirm-action]").ClickAsync();

        Assert.Contains("不能撤销自己的管理员角色", cut.Find("[data-testid=user-error]").TextContent);
        Assert.Equal(["admin"], service.User.Roles);
    }

    [Fact]
    public async Task UserDetail_DisablingOneself_ShowsTheRefusal()
    {
        service.User = service.User with { Id = service.Me };
        var cut = RenderPage();

        await cut.Find("[data-testid=user-disable]").ClickAsync();
        await cut.Find("[data-testid=confirm-action]").ClickAsync();

        Assert.Contains("不能停用自己的账户", cut.Find("[data-testid=user-error]").TextContent);
        Assert.Equal(UserStatus.Active, service.User.Status);
    }

    [Fact]
    public async Task UserDetail_Disable_WithAReason_ThenEnable()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=user-disable]").ClickAsync();
        await cut.Find("#confirm-reason").InputAsync("刷单");
        await cut.Find("[data-testid=confirm-action]").ClickAsync();

        Assert.Equal(["disable:刷单"], service.Calls);
        Assert.Equal("Disabled", cut.Find("[data-testid=user-detail-status]").GetAttribute("data-status"));
        await cut.Find("[data-testid=user-enable]").ClickAsync();
        Assert.Equal("Active", cut.Find("[data-testid=user-detail-status]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task UserDetail_DeleteWithATooLongReason_ShowsItAtTheFieldAndKeepsTheBoxOpen()
    {
        var cut = RenderPage();

        await cut.Find("[data-testid=user-delete]").ClickAsync();
        await cut.Find("#confirm-reason").InputAsync(new string('因', UserAdminRules.ReasonMax + 1));
        await cut.Find("[data-testid=confirm-action]").ClickAsync();

        Assert.Contains("原因最多 500 个字符", cut.Find("[data-testid=confirm-box]").TextContent);
        Assert.Equal(UserStatus.Active, service.User.Status);

        await cut.Find("#confirm-reason").InputAsync("用户要求注销");
        await cut.Find("[data-testid=confirm-action]").ClickAsync();
        Assert.Equal("Deleted", cut.Find("[data-testid=user-detail-status]").GetAttribute("data-status"));
        Assert.Empty(cut.FindAll("[data-testid=user-delete]"));
    }

    [Fact]
    public void UserDetail_UnknownUser_SaysSo() =>
        Assert.NotNull(RenderPage(Guid.NewGuid()).Find("[data-testid=user-not-found]"));
}
