using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Web.Components.Me.Account;

namespace StarStudio.Tests.Components.Account;

public class ProfilePanelTests : ComponentTest
{
    private readonly FakeProfiles profiles = new();

    public ProfilePanelTests()
    {
        Context.Services.AddSingleton<IProfileService>(profiles);
    }

    private static string FieldText(IRenderedComponent<ProfilePanel> cut) =>
        cut.Find("#profile-display-name").Closest(".mud-input-control")!.TextContent;

    [Fact]
    public void ProfilePanel_Profile_ShowsEmailRolesAndMemberSinceInBeijingTime()
    {
        var cut = Render<ProfilePanel>(_ => { });

        Assert.Equal("star@example.test", cut.Find("[data-testid=profile-email]").TextContent);
        Assert.Contains("星主", cut.Find("[data-testid=profile-roles]").TextContent);
        // 2026-03-01 17:30 UTC is already 2 March in Beijing.
        Assert.Equal("2026-03-02", cut.Find("[data-testid=profile-member-since]").TextContent);
        Assert.Equal("星图旅人", cut.Find("[data-testid=profile-name]").TextContent);
    }

    [Fact]
    public async Task ProfilePanel_TooLongName_ShowsTheLimitAtTheFieldAndDoesNotSave()
    {
        var cut = Render<ProfilePanel>(_ => { });

        await cut.Find("#profile-display-name").InputAsync(new string('星', AccountRules.DisplayNameMaxLength + 1));
        await cut.Find("[data-testid=profile-save]").ClickAsync();

        Assert.Contains("昵称最多 80 个字符", FieldText(cut));
        Assert.Empty(profiles.Saved);
    }

    [Fact]
    public async Task ProfilePanel_BlankName_IsRequiredOnSave()
    {
        var cut = Render<ProfilePanel>(_ => { });

        await cut.Find("#profile-display-name").InputAsync("   ");
        await cut.Find("[data-testid=profile-save]").ClickAsync();

        Assert.Contains("请输入昵称", FieldText(cut));
        Assert.Empty(profiles.Saved);
    }

    [Fact]
    public async Task ProfilePanel_ValidName_SavesShowsSuccessAndTheNewNameAtOnce()
    {
        ProfileView? reported = null;
        var cut = Render<ProfilePanel>(p => p.Add(c => c.OnSaved, v => reported = v));

        await cut.Find("#profile-display-name").InputAsync("  墨痕 ");
        await cut.Find("[data-testid=profile-save]").ClickAsync();

        Assert.Equal(["  墨痕 "], profiles.Saved);
        Assert.Contains("昵称已保存", cut.Find("[data-testid=profile-saved]").TextContent);
        Assert.Equal("墨痕", cut.Find("[data-testid=profile-name]").TextContent);
        Assert.Equal("墨痕", reported?.DisplayName);
    }

    [Fact]
    public async Task ProfilePanel_ServerFieldError_IsShownAtTheField()
    {
        profiles.Answer = Result<ProfileView>.Invalid("DisplayName", "Account.DisplayName.TooLong", 80);
        var cut = Render<ProfilePanel>(_ => { });

        await cut.Find("#profile-display-name").InputAsync("墨痕");
        await cut.Find("[data-testid=profile-save]").ClickAsync();

        Assert.Contains("昵称最多 80 个字符", FieldText(cut));
        Assert.Empty(cut.FindAll("[data-testid=profile-saved]"));
    }

    [Fact]
    public void ProfilePanel_InEnglish_ShowsEnglishLabels()
    {
        UseCulture("en-US");
        var cut = Render<ProfilePanel>(_ => { });

        Assert.Contains("Star owner", cut.Find("[data-testid=profile-roles]").TextContent);
        Assert.Contains("Member since", cut.Markup);
    }

    private sealed class FakeProfiles : IProfileService
    {
        private ProfileView current = new(Guid.NewGuid(), "star@example.test", "星图旅人", [RoleNames.StarOwner],
            new DateTimeOffset(2026, 3, 1, 17, 30, 0, TimeSpan.Zero));

        public List<string> Saved { get; } = [];
        public Result<ProfileView>? Answer { get; set; }

        public Task<ProfileView?> GetAsync(CancellationToken ct = default) => Task.FromResult<ProfileView?>(current);

        public Task<Result<ProfileView>> UpdateDisplayNameAsync(string displayName, CancellationToken ct = default)
        {
            Saved.Add(displayName);
            if (Answer is { } answer)
            {
                return Task.FromResult(answer);
            }

            current = current with { DisplayName = displayName.Trim() };
            return Task.FromResult(Result<ProfileView>.Ok(current));
        }
    }
}
