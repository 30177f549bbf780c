using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Entries;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Arena.Entries;

namespace StarStudio.Tests.Components.Arena.Entries;

public sealed class TrialEntryPanelTests : ComponentTest
{
    private static readonly Guid Trial = Guid.NewGuid();
    private readonly FakeEntries entries = new();

    public TrialEntryPanelTests() => Context.Services.AddSingleton<ITrialEntryService>(entries);

    private sealed class FakeEntries : ITrialEntryService
    {
        public TrialPhase Phase { get; set; } = TrialPhase.Submissions;
        public List<TrialEntryStar> Stars { get; } = [];
        public Dictionary<Guid, List<TrialDraftView>> Drafts { get; } = [];
        public Queue<Result<TrialDraftView>> Generated { get; } = new();
        public Result<MyTrialEntry>? SubmitResult { get; set; }
        public List<Guid> Submitted { get; } = [];
        public int MaxDrafts { get; set; } = 3;

        public Task<Result<TrialEntryPanelState>> GetPanelAsync(Guid trialId, CancellationToken ct = default) =>
            Task.FromResult(Result<TrialEntryPanelState>.Ok(new TrialEntryPanelState(trialId, "修复方案", Phase, new DateTimeOffset(2026, 12, 6, 4, 0, 0, TimeSpan.Zero),
                1, MaxDrafts, Stars.Count(s => s.EntryId is not null), Stars.ToList())));

        public Task<Result<TrialDraftView>> GenerateAsync(Guid trialId, Guid starId, CancellationToken ct = default)
        {
            var result = Generated.Dequeue();
            if (result.Succeeded)
            {
                var list = Drafts.TryGetValue(starId, out var l) ? l : Drafts[starId] = [];
                list.Add(result.Value!);
                var i = Stars.FindIndex(s => s.StarId == starId);
                Stars[i] = Stars[i] with { Drafts = list.Count, DraftsLeft = MaxDrafts - list.Count };
            }

            return Task.FromResult(result);
        }

        public Task<Result<IReadOnlyList<TrialDraftSummary>>> ListDraftsAsync(Guid trialId, Guid starId, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TrialDraftSummary>>.Ok(Drafts.GetValueOrDefault(starId)?.Select(d => d.Draft).ToList() ?? []));

        public Task<Result<TrialDraftView>> GetDraftAsync(Guid draftId, CancellationToken ct = default) =>
            Task.FromResult(Drafts.Values.SelectMany(d => d).FirstOrDefault(d => d.Draft.Id == draftId) is { } v ? Result<TrialDraftView>.Ok(v) : Result<TrialDraftView>.NotFound());

        public Task<Result<MyTrialEntry>> SubmitAsync(Guid draftId, CancellationToken ct = default)
        {
            Submitted.Add(draftId);
            return Task.FromResult(SubmitResult!);
        }

        public Task<IReadOnlyList<MyTrialEntry>> ListMyEntriesAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<MyTrialEntry>>([]);
    }

    private static TrialDraftView Draft(Guid star, int attempt, string answer, params AnswerError[] errors) =>
        new(new TrialDraftSummary(Guid.NewGuid(), Trial, star, attempt, errors.Length == 0, errors.Length, "offline", "offline-v1", null, DateTimeOffset.UtcNow), answer, errors);

    private IRenderedComponent<TrialEntryPanel> RenderPanel() => Render<TrialEntryPanel>(p => p.Add(x => x.TrialId, Trial));

    [Fact]
    public async Task Generate_ShowsTheAnswerReadablyWithTranslatedErrors_AndTheCountLeft()
    {
        var star = Guid.NewGuid();
        entries.Stars.Add(new TrialEntryStar(star, "墨痕", 0, 3, null, null));
        entries.Generated.Enqueue(Result<TrialDraftView>.Ok(Draft(star, 1, "{\"title\":\"x\",\"steps\":[]}",
            new AnswerError("", "required", "Required properties [\"note\"] are not present"),
            new AnswerError("/steps", "minItems", "Value should have at least 2 items"))));
        var cut = RenderPanel();

        Assert.Equal("作答", cut.Find("[data-testid=entry-generate]").TextContent.Trim());
        await cut.Find("[data-testid=entry-generate]").ClickAsync();

        Assert.Contains("\"title\": \"x\"", cut.Find("[data-testid=draft-json]").TextContent); // indented
        Assert.Contains("2 处", cut.Find("[data-testid=draft-invalid]").TextContent);
        var errors = cut.FindAll("[data-testid=draft-error]");
        Assert.Equal("（整个答案）", errors[0].QuerySelector("[data-testid=draft-error-pointer]")!.TextContent);
        Assert.Equal("缺少必填字段。", errors[0].QuerySelector("[data-testid=draft-error-message]")!.TextContent);
        Assert.Equal("/steps", errors[1].QuerySelector("[data-testid=draft-error-pointer]")!.TextContent);
        Assert.Contains("at least 2 items", errors[1].TextContent); // the validator's detail stays under the translation
        Assert.Contains("还剩 2 次", cut.Find("[data-testid=entry-generate]").TextContent);
        Assert.Contains("结构分为 0", cut.Find("[data-testid=entry-submit]").TextContent);
    }

    [Fact]
    public async Task Submit_AsksForConfirmationFirst_ThenEnters()
    {
        var star = Guid.NewGuid();
        var draft = Draft(star, 1, "{\"title\":\"补洞\"}");
        entries.Stars.Add(new TrialEntryStar(star, "墨痕", 1, 2, null, null));
        entries.Drafts[star] = [draft];
        entries.SubmitResult = Result<MyTrialEntry>.Ok(new MyTrialEntry(Guid.NewGuid(), Trial, "修复方案", TrialPhase.Submissions, star, "墨痕", draft.Draft.Id, true, null, null, null, null, 0, DateTimeOffset.UtcNow));
        var cut = RenderPanel();

        await cut.Find("[data-testid=entry-submit]").ClickAsync();
        Assert.Empty(entries.Submitted);
        Assert.Contains("不能修改或撤回", cut.Find("[data-testid=entry-confirm]").TextContent);
        await cut.Find("[data-testid=entry-confirm-cancel]").ClickAsync();
        Assert.Empty(cut.FindAll("[data-testid=entry-confirm]"));

        entries.Stars[0] = entries.Stars[0] with { EntryId = Guid.NewGuid(), EnteredDraftId = draft.Draft.Id, DraftsLeft = 0 };
        await cut.Find("[data-testid=entry-submit]").ClickAsync();
        await cut.Find("[data-testid=entry-confirm-submit]").ClickAsync();

        Assert.Equal([draft.Draft.Id], entries.Submitted);
        Assert.Contains("墨痕 已参赛", cut.Find("[data-testid=entry-notice]").TextContent);
        Assert.Contains("已参加本次星试", cut.Find("[data-testid=entry-entered]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=entry-submit]"));
        Assert.Empty(cut.FindAll("[data-testid=entry-generate]"));
    }

    [Fact]
    public async Task Refusals_AreReadableAlerts_AndANonJsonDraftCannotBeSubmitted()
    {
        var star = Guid.NewGuid();
        entries.Stars.Add(new TrialEntryStar(star, "墨痕", 1, 1, null, null));
        entries.Drafts[star] = [Draft(star, 1, "not json", new AnswerError("", AnswerSchemas.AnswerNotJsonCode, "line 1, position 1"))];
        entries.Generated.Enqueue(Result<TrialDraftView>.Invalid(TrialEntryRules.Field, TrialEntryRules.DraftsUsedCode, 2));
        var cut = RenderPanel();

        Assert.Equal("not json", cut.Find("[data-testid=draft-json]").TextContent);
        Assert.Contains("不是有效的 JSON", cut.Find("[data-testid=draft-error-message]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=entry-submit]"));

        await cut.Find("[data-testid=entry-generate]").ClickAsync();

        Assert.Contains("2 次作答机会已用完", cut.Find("[data-testid=entry-error]").TextContent);
    }

    [Fact]
    public void OutsideTheWindow_NothingCanBeWrittenOrSubmitted()
    {
        var star = Guid.NewGuid();
        entries.Phase = TrialPhase.Judging;
        entries.Stars.Add(new TrialEntryStar(star, "墨痕", 1, 2, null, null));
        entries.Drafts[star] = [Draft(star, 1, "{}")];

        var cut = RenderPanel();

        Assert.NotEmpty(cut.FindAll("[data-testid=entry-closed]"));
        Assert.Empty(cut.FindAll("[data-testid=entry-generate]"));
        Assert.Empty(cut.FindAll("[data-testid=entry-submit]"));
        Assert.Contains("0 / 1", cut.Find("[data-testid=entry-window]").TextContent);
    }
}
