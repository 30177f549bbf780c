using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.TestSupport;
using StarStudio.Web.Components.Admin.Arena;

namespace StarStudio.Tests.Components.Arena.Admin;

public class ArenaAdminPagesTests : ComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeArenaAdmin admin = new();
    private readonly IRenderedComponent<MudDialogProvider> dialogs;

    public ArenaAdminPagesTests()
    {
        Context.Services.AddSingleton<IArenaAdminService>(admin);
        Context.Services.AddSingleton<TimeProvider>(new ManualClock(Now));
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
        dialogs = Context.Render<MudDialogProvider>();
    }

    private static StarTrial Trial(TrialStatus status, int opensHours, int submitHours, int endsHours) => new()
    {
        Id = Guid.NewGuid(), Title = "翻译一首诗", Prompt = "p", AnswerSchema = """{"type":"object"}""", Status = status,
        Rubric = [new RubricCriterion("忠实", "d", 2)],
        OpensAt = Now.AddHours(opensHours), SubmitUntil = Now.AddHours(submitHours), EndsAt = Now.AddHours(endsHours),
    };

    private IRenderedComponent<TrialEditorPage> Editor(StarTrial trial, int entries = 0)
    {
        admin.View = new TrialAdminView(trial, TrialPhases.Of(trial, Now), entries, [new TrialJudgeView(Guid.NewGuid(), "评委甲", "judge@example.test")]);
        return Render<TrialEditorPage>(p => p.Add(x => x.Id, trial.Id));
    }

    /// <summary>The dialog's button with this label, once the dialog has rendered it.</summary>
    private AngleSharp.Dom.IElement DialogButton(string label)
    {
        AngleSharp.Dom.IElement? button = null;
        dialogs.WaitForAssertion(() => button = Assert.Single(dialogs.FindAll("button"), b => b.TextContent.Trim() == label));
        return button!;
    }

    private static string[] Buttons(IRenderedComponent<TrialEditorPage> cut) =>
        ["trial-save", "trial-open", "trial-close-submissions", "trial-finish"];

    private static List<string> Shown(IRenderedComponent<TrialEditorPage> cut) =>
        Buttons(cut).Where(b => cut.FindAll($"[data-testid={b}]").Count > 0).ToList();

    [Fact]
    public async Task NewTrial_ServerRefusals_AreShownAtTheirFields_EverySchemaErrorWithItsPlace()
    {
        admin.Refuse =
        [
            new FieldError(nameof(TrialDraft.AnswerSchema), "Arena.Schema.Keyword", "typo", "/properties/a/typo"),
            new FieldError(nameof(TrialDraft.AnswerSchema), "Arena.Schema.Ref", "https://example.com/s.json", "/properties/b/$ref"),
            new FieldError(ArenaAdminRules.RubricField(1, "Weight"), "Arena.Trial.Rubric.Weight", 2),
            new FieldError(nameof(TrialDraft.EndsAt), "Arena.Trial.Window.EndBeforeSubmit"),
        ];
        var cut = Render<TrialEditorPage>(_ => { });

        Assert.Equal(["trial-save"], Shown(cut)); // nothing to open before it is saved
        await cut.Find("[data-testid=rubric-add]").ClickAsync();
        await cut.Find("[data-testid=rubric-add]").ClickAsync();
        await cut.Find("#trial-title").ChangeAsync("翻译");
        await cut.Find("#rubric-1-name").ChangeAsync("文采");
        await cut.Find("#trial-ends").ChangeAsync("2026-12-09T18:30"); // Beijing time
        await cut.Find("[data-testid=trial-save]").ClickAsync();

        var sent = Assert.Single(admin.Saved);
        Assert.Equal("翻译", sent.Title);
        Assert.Equal(["", "文采"], sent.Rubric.Select(c => c.Name));
        Assert.Equal(sent.OpensAt.AddDays(3), sent.SubmitUntil);
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 10, 30, 0, TimeSpan.Zero), sent.EndsAt);
        var schemaErrors = cut.Find("[data-testid=schema-errors]").TextContent;
        Assert.Contains("/properties/a/typo", schemaErrors, StringComparison.Ordinal);
        Assert.Contains("https://example.com/s.json", schemaErrors, StringComparison.Ordinal);
        var rows = cut.FindAll("[data-testid=rubric-row]");
        Assert.Contains("第 2 项：权重必须大于 0。", rows[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("权重必须大于 0", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("评审结束时间不能早于截止提交时间。", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=trial-error]"));
    }

    [Fact]
    public async Task AnEmptyTime_IsNamedAtItsField_AndNothingIsSent()
    {
        var cut = Render<TrialEditorPage>(_ => { });

        await cut.Find("#trial-opens").ChangeAsync("");
        await cut.Find("[data-testid=trial-save]").ClickAsync();

        Assert.Empty(admin.Saved);
        Assert.Contains("请填写日期和时间。", cut.Find("#trial-opens").ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("请填写日期和时间。", cut.Find("#trial-ends").ParentElement!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Buttons_FollowTheStatusAndPhase()
    {
        Assert.Equal(["trial-save", "trial-open"], Shown(Editor(Trial(TrialStatus.Draft, 1, 24, 48))));
        Assert.Equal(["trial-save", "trial-finish"], Shown(Editor(Trial(TrialStatus.Ongoing, 1, 24, 48)))); // upcoming
        Assert.Equal(["trial-save", "trial-close-submissions", "trial-finish"], Shown(Editor(Trial(TrialStatus.Ongoing, -1, 24, 48))));
        Assert.Equal(["trial-save", "trial-finish"], Shown(Editor(Trial(TrialStatus.Ongoing, -2, -1, 48)))); // judging
        var finished = Editor(Trial(TrialStatus.Finished, -3, -2, -1));
        Assert.Empty(Shown(finished));
        Assert.NotEmpty(finished.FindAll("[data-testid=trial-finished-note]"));
        Assert.True(finished.Find("#trial-title").HasAttribute("disabled"));
    }

    [Fact]
    public void OngoingWithEntries_LocksPromptSchemaRubric_ButNotTheWindow()
    {
        var cut = Editor(Trial(TrialStatus.Ongoing, -1, 24, 48), entries: 3);

        Assert.NotEmpty(cut.FindAll("[data-testid=trial-locked-note]"));
        Assert.True(cut.Find("#trial-prompt").HasAttribute("disabled"));
        Assert.True(cut.Find("#trial-schema").HasAttribute("disabled"));
        Assert.True(cut.Find("#rubric-0-name").HasAttribute("disabled"));
        Assert.False(cut.Find("#trial-ends").HasAttribute("disabled"));
        Assert.False(cut.Find("#trial-title").HasAttribute("disabled"));
    }

    [Fact]
    public async Task FinishNow_AsksFirst_CancelDoesNothing_ConfirmFinishes()
    {
        var trial = Trial(TrialStatus.Ongoing, -2, -1, 48);
        var cut = Editor(trial, entries: 4);

        // The page's handler awaits the dialog's answer, so the click that opens it is not awaited; the test waits for the dialog.
        cut.Find("[data-testid=trial-finish]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("4 个作品将被计分", dialogs.Markup, StringComparison.Ordinal));
        await DialogButton("取消").ClickAsync();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("4 个作品将被计分", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(admin.Finished);

        cut.Find("[data-testid=trial-finish]").Click();
        await DialogButton("立即结束").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal([trial.Id], admin.Finished));
        cut.WaitForAssertion(() => Assert.Equal("已结束", cut.Find("[data-testid=trial-status]").TextContent.Trim()));
        Assert.Empty(Shown(cut));
    }

    [Fact]
    public async Task AStatusRefusal_IsShownAboveTheForm()
    {
        var trial = Trial(TrialStatus.Ongoing, -1, 24, 48);
        var cut = Editor(trial);
        admin.Refuse = [new FieldError("Status", "Arena.Trial.NotInSubmissions")];

        cut.Find("[data-testid=trial-close-submissions]").Click();
        await DialogButton("立即截止提交").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("只有在接受提交期间才能截止提交。", cut.Find("[data-testid=trial-error]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ArenaPage_ListsSeasonsAndTrials_AndTheSeasonEditorNamesABadRewardAtItsField()
    {
        var cut = Render<ArenaAdminPage>(_ => { });

        Assert.Equal(["第一季"], cut.FindAll("[data-testid=season-name-cell]").Select(e => e.TextContent));
        Assert.Equal(["翻译一首诗"], cut.FindAll("[data-testid=trial-link]").Select(e => e.TextContent));
        cut.Find("[data-testid=season-add]").Click(); // opens the editor dialog and awaits its answer
        await dialogs.WaitForElement("#season-name").ChangeAsync("第二季");
        await dialogs.Find("#season-rewards").ChangeAsync("100，50, 二十");
        await dialogs.Find("[data-testid=season-save]").ClickAsync();

        dialogs.WaitForAssertion(() => Assert.Contains("“二十”不是整数积分。", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(admin.Seasons);

        await dialogs.Find("#season-rewards").ChangeAsync("100，50, 20");
        await dialogs.Find("[data-testid=season-save]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Equal([100L, 50, 20], Assert.Single(admin.Seasons).RewardTable));
    }

    private sealed class FakeArenaAdmin : IArenaAdminService
    {
        public TrialAdminView? View { get; set; }
        public IReadOnlyList<FieldError> Refuse { get; set; } = [];
        public List<TrialDraft> Saved { get; } = [];
        public List<Guid> Finished { get; } = [];
        public List<SeasonDraft> Seasons { get; } = [];

        private Result<TrialAdminView> Answer(Func<TrialAdminView> ok) =>
            Refuse.Count > 0 ? Result<TrialAdminView>.Invalid(Refuse) : Result<TrialAdminView>.Ok(View = ok());

        public Task<Result<IReadOnlyList<SeasonView>>> ListSeasonsAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<SeasonView>>.Ok([new SeasonView(Guid.NewGuid(), "第一季", Now, Now.AddDays(30), "", [100, 50], 1)]));

        public Task<Result<SeasonView>> CreateSeasonAsync(SeasonDraft draft, CancellationToken ct = default)
        {
            Seasons.Add(draft);
            return Task.FromResult(Result<SeasonView>.Ok(new SeasonView(Guid.NewGuid(), draft.Name, draft.StartsAt, draft.EndsAt, draft.Rules, draft.RewardTable, 0)));
        }

        public Task<Result<SeasonView>> UpdateSeasonAsync(Guid seasonId, SeasonDraft draft, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<IReadOnlyList<TrialAdminSummary>>> ListTrialsAsync(Guid? seasonId, TrialStatus? status, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TrialAdminSummary>>.Ok(
                [new TrialAdminSummary(Guid.NewGuid(), null, "翻译一首诗", TrialStatus.Draft, TrialPhase.Draft, Now, Now.AddDays(1), Now.AddDays(2), true, 0)]));

        public Task<Result<TrialAdminView>> GetTrialAsync(Guid trialId, CancellationToken ct = default) =>
            Task.FromResult(View is { } v ? Result<TrialAdminView>.Ok(v) : Result<TrialAdminView>.NotFound());

        public Task<Result<TrialAdminView>> CreateTrialAsync(TrialDraft draft, CancellationToken ct = default)
        {
            Saved.Add(draft);
            return Task.FromResult(Answer(() => throw new NotSupportedException()));
        }

        public Task<Result<TrialAdminView>> UpdateTrialAsync(Guid trialId, TrialDraft draft, CancellationToken ct = default)
        {
            Saved.Add(draft);
            return Task.FromResult(Answer(() => View!));
        }

        public Task<Result<TrialJudgeView>> AddJudgeAsync(Guid trialId, string emailOrUserName, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> RemoveJudgeAsync(Guid trialId, Guid userId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<TrialAdminView>> OpenAsync(Guid trialId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<TrialAdminView>> CloseSubmissionsNowAsync(Guid trialId, CancellationToken ct = default) => Task.FromResult(Answer(() => View!));

        public Task<Result<TrialAdminView>> FinishNowAsync(Guid trialId, CancellationToken ct = default)
        {
            Finished.Add(trialId);
            var trial = View!.Trial;
            trial.Status = TrialStatus.Finished;
            return Task.FromResult(Answer(() => View! with { Phase = TrialPhase.Finished }));
        }
    }
}
