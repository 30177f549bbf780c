using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Admin.Users;
using StarStudio.Web.Components.Admin.Users;

namespace StarStudio.Tests.Components.Admin.Users;

public class UsersPageTests : ComponentTest
{
    private readonly FakeUserAdminService service = new();

    public UsersPageTests()
    {
        Context.Services.AddSingleton<IUserAdminService>(service);
    }

    private IRenderedComponent<UsersPage> RenderPage()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<UsersPage>();
    }

    [Fact]
    public void UsersPage_Opens_ListsUsersWithRolesAndStatus()
    {
        var cut = RenderPage();

        Assert.Equal(2, cut.FindAll("[data-testid=user-row]").Count);
        Assert.Contains("lilei@example.test", cut.Find("[data-testid=user-link]").TextContent);
        Assert.Equal("Disabled", cut.FindAll("[data-testid=user-status]")[1].GetAttribute("data-status"));
        Assert.Contains("管理员", cut.FindAll("[data-testid=user-row]")[1].TextContent);
        Assert.Equal((new UserFilter(), 0), service.Searches.Single());
    }

    [Fact]
    public async Task UsersPage_TypingASearch_QueriesTheServerAndShowsOnlyMatches()
    {
        var cut = RenderPage();

        await cut.Find("#users-search").InputAsync("HANMEI");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=user-row]")));
        Assert.Equal("HANMEI", service.Searches[^1].Filter.Search);
        Assert.Contains("hanmeimei@example.test", cut.Find("[data-testid=user-row]").TextContent);
    }

    [Fact]
    public async Task UsersPage_FilteringByRoleAndStatus_SendsTheFiltersAndStartsAtThefirstPage()
    {
        var cut = RenderPage();

        var role = cut.FindComponent<MudSelect<string>>();
        await cut.InvokeAsync(() => role.Instance.ValueChanged.InvokeAsync(UserAdminRules.Player));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=user-row]")));
        Assert.Equal((UserAdminRules.Player, 0), (service.Searches[^1].Filter.Role, service.Searches[^1].PageIndex));

        var status = cut.FindComponent<MudSelect<UserStatus?>>();
        await cut.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync(UserStatus.Disabled));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=users-empty]")));
        Assert.Equal((UserAdminRules.Player, UserStatus.Disabled), (service.Searches[^1].Filter.Role, service.Searches[^1].Filter.Status));
    }

    [Fact]
    public async Task UsersPage_SortingByLastSignIn_SendsTheSort()
    {
        var cut = RenderPage();

        var sort = cut.FindComponent<MudSelect<UserSort>>();
        await cut.InvokeAsync(() => sort.Instance.ValueChanged.InvokeAsync(UserSort.LastSignInDesc));

        cut.WaitForAssertion(() => Assert.Equal(UserSort.LastSignInDesc, service.Searches[^1].Filter.Sort));
    }

    [Fact]
    public void UsersPage_NonAdmin_SeesForbidden()
    {
        service.Forbid = true;

        var cut = RenderPage();

        Assert.NotNull(cut.Find("[data-testid=forbidden]"));
        Assert.Empty(cut.FindAll("[data-testid=user-row]"));
    }
}
