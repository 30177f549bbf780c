using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Me.Account;

namespace StarStudio.Tests.Components.Me.Account;

public sealed class PreferencesPanelTests : ComponentTest
{
    private readonly FakePreferences preferences = new();

    public PreferencesPanelTests()
    {
        Context.Services.AddSingleton<IPreferencesService>(preferences);
        Context.Render<MudBlazor.MudPopoverProvider>();
    }

    [Fact]
    public async Task Save_ThePrivacySwitch_SavesIt_AndReloadsThroughTheApplyEndpoint()
    {
        var cut = Render<PreferencesPanel>(_ => { });
        var toggle = cut.Find("input[type=checkbox]");
        Assert.False(toggle.HasAttribute("checked"));

        await toggle.ChangeAsync(true);
        await cut.Find("[data-testid=preferences-save]").ClickAsync();

        Assert.Equal(new PreferencesDraft("zh-CN", "light", true), preferences.Saved);
        var nav = Context.Services.GetRequiredService<NavigationManager>();
        Assert.EndsWith("/preferences/apply?redirectUri=" + Uri.EscapeDataString("/me?tab=preferences&saved=true"), nav.Uri);
    }

    [Fact]
    public async Task Save_RefusedValues_AreShownAtTheirFields_AndThePageStays()
    {
        preferences.Refusal = [new FieldError("Theme", "Preferences.Theme.Unknown", "light, dark")];
        var cut = Render<PreferencesPanel>(_ => { });

        await cut.Find("[data-testid=preferences-save]").ClickAsync();

        Assert.Contains("请选择提供的主题之一（light, dark）", cut.Markup);
        Assert.DoesNotContain("preferences/apply", Context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Save_TheOwnSystemPrompt_IsSavedWithTheOtherPreferences()
    {
        var cut = Render<PreferencesPanel>(_ => { });

        await cut.Find("#preferences-system-prompt").InputAsync("回答简短一些");
        await cut.Find("[data-testid=preferences-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("回答简短一些", preferences.Saved?.SystemPrompt));
    }

    [Fact]
    public async Task Save_ATooLongSystemPrompt_ShowsTheErrorAtTheField()
    {
        preferences.Refusal = [new FieldError("SystemPrompt", "Preferences.SystemPrompt.TooLong", PreferenceRules.SystemPromptMax, 1200)];
        var cut = Render<PreferencesPanel>(_ => { });

        await cut.Find("[data-testid=preferences-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("最多 1000 个字符（当前 1200 个）", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=preferences-error]")); // at the field, not as a form error
        Assert.DoesNotContain("preferences/apply", Context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Save_ANotificationKindTurnedOff_IsSavedAsMuted_AndTheOthersStayOn()
    {
        var cut = Render<PreferencesPanel>(_ => { });
        Assert.Contains("玩家给我的智星评分", cut.Markup);
        Assert.DoesNotContain("邮件通知", cut.Markup);

        await cut.Find("[data-testid='preferences-notify-rating.created'] input, input[data-testid='preferences-notify-rating.created']").ChangeAsync(false);
        await cut.Find("[data-testid=preferences-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal([StarStudio.Core.Notifications.NotificationKinds.RatingCreated], preferences.Saved?.MutedNotifications));
    }

    private sealed class FakePreferences : IPreferencesService
    {
        public PreferencesDraft? Saved { get; private set; }
        public IReadOnlyList<FieldError>? Refusal { get; set; }

        public Task<UserPreferences?> GetAsync(CancellationToken ct = default) =>
            Task.FromResult<UserPreferences?>(PreferenceRules.Defaults(Guid.NewGuid()));

        public Task<Result<UserPreferences>> SaveAsync(PreferencesDraft draft, CancellationToken ct = default)
        {
            if (Refusal is { } errors)
            {
                return Task.FromResult(Result<UserPreferences>.Invalid(errors));
            }

            Saved = draft;
            return Task.FromResult(Result<UserPreferences>.Ok(new UserPreferences { LanguagePreference = draft.LanguagePreference, Theme = draft.Theme, ExcludeFromTraining = draft.ExcludeFromTraining }));
        }

        public Task<IReadOnlySet<Guid>> ExcludedFromTrainingAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlySet<Guid>>(new HashSet<Guid>());
    }
}
