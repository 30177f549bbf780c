using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Creation;
using StarStudio.Web.Components.Studio.Creation;

namespace StarStudio.Tests.Components.Creation;

/// <summary>The session page: resumes at the session's stage, and shows the service's refusals readably.</summary>
public class CreationSessionPageTests : ComponentTest
{
    private readonly FakeCreation service = new();

    public CreationSessionPageTests() => Context.Services.AddSingleton<ICreationAssistantService>(service);

    private static CreationSessionView View(CreationStage stage, CreationAnchors a, string? engine = CreationEngines.Offline)
    {
        var drafts = stage == CreationStage.CollectingAnchors ? CreationDrafts.Empty : OfflineCreationDrafter.Draft(a);
        var findings = CreationQualityRules.Evaluate(a, drafts.IsEmpty ? null : drafts);
        var cards = drafts.IsEmpty ? [] : CreationCards.Kinds.Select(k => new CreationCardView(k, CreationDraftStatus.Drafted, k.ToString(), CreationCards.ContentOf(drafts, k), 0, DateTimeOffset.UtcNow)).ToList();
        return new CreationSessionView(Guid.NewGuid(), "一个给小学生讲三国故事的幽默历史老师", stage, CreationStageRules.ProgressOf(stage), 3, engine, null, "已用离线模板起草四张卡片（未使用大模型）。",
            DateTimeOffset.UtcNow, a, cards, findings, PublishGate.Evaluate(stage, a, drafts, findings),
            [new CreationMessageView(CreationMessageRole.User, CreationMessageKinds.Idea, "一个给小学生讲三国故事的幽默历史老师", DateTimeOffset.UtcNow)],
            [new CreationCheckpointView(Guid.NewGuid(), 1, "提出锚点", CreationStage.CollectingAnchors, DateTimeOffset.UtcNow)]);
    }

    private static CreationAnchors Anchors(string boundaries = "") => new()
    {
        Name = "史官小满", Domain = "历史", Persona = "一位幽默风趣的历史讲解员，面向小学生。", Tone = "幽默风趣", Boundaries = boundaries, SampleQuestions = ["秦始皇为什么要统一文字？"],
    };

    private IRenderedComponent<CreationSessionPage> Open(CreationSessionView view)
    {
        service.Current = view;
        return Render<CreationSessionPage>(p => p.Add(x => x.Id, view.Id));
    }

    [Fact]
    public void Reviewing_ResumesAtTheReview_WithTheBlockerAndADisabledPublish()
    {
        var cut = Open(View(CreationStage.Reviewing, Anchors()));

        Assert.NotNull(cut.Find("[data-testid=creation-review]"));
        Assert.Equal("还没有写边界：写下它不做什么（例如不做诊断、不给投资建议）。", cut.Find("[data-testid=gate-blocker]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=creation-publish]").HasAttribute("disabled"));
        Assert.Equal("审阅中", cut.Find("[data-testid=creation-stage]").TextContent.Trim());
    }

    [Fact]
    public void CollectingAnchors_ResumesAtTheAnchors_AndCardsCannotBeOpened()
    {
        var cut = Open(View(CreationStage.CollectingAnchors, Anchors()));

        Assert.NotNull(cut.Find("[data-testid=creation-anchors]"));
        Assert.Contains("离线模板生成，未使用大模型", cut.Markup);
        Assert.True(cut.Find("[data-testid=step-3]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=step-4]").HasAttribute("disabled"));
    }

    [Fact]
    public void Drafting_ModelDrafted_ShowsNoOfflineNotice()
    {
        var cut = Open(View(CreationStage.Drafting, Anchors("不讨论现实政治"), CreationEngines.Llm));

        Assert.NotNull(cut.Find("[data-testid=creation-cards]"));
        Assert.Empty(cut.FindAll("[data-testid=creation-offline-notice]"));
    }

    [Fact]
    public async Task Publish_RefusedByTheService_ShowsTheReasonsNotAnError()
    {
        var cut = Open(View(CreationStage.Reviewing, Anchors("不讨论现实政治")));
        service.PublishResult = Result<Guid>.Invalid("boundaries", "Creation.Finding.MissingBoundaries");

        await cut.Find("[data-testid=creation-publish]").ClickAsync();

        Assert.Contains("还没有写边界", cut.Find("[data-testid=creation-error]").TextContent);
    }

    [Fact]
    public void UnknownSession_SaysNotFound()
    {
        service.Current = null;
        var cut = Render<CreationSessionPage>(p => p.Add(x => x.Id, Guid.NewGuid()));

        Assert.Contains("找不到这次创作", cut.Find("[data-testid=not-found]").TextContent);
    }

    private sealed class FakeCreation : ICreationAssistantService
    {
        public CreationSessionView? Current { get; set; }

        public Result<Guid> PublishResult { get; set; } = Result<Guid>.Ok(Guid.NewGuid());

        private Task<Result<CreationSessionView>> Now() =>
            Task.FromResult(Current is null ? Result<CreationSessionView>.NotFound() : Result<CreationSessionView>.Ok(Current));

        public Task<IReadOnlyList<CreationSessionSummary>> ListMineAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<CreationSessionSummary>>([]);
        public Task<Result<CreationSessionView>> StartAsync(string idea, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> GetAsync(Guid sessionId, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> UpdateAnchorsAsync(Guid sessionId, CreationAnchors anchors, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> DraftAsync(Guid sessionId, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> EditCardAsync(Guid sessionId, CreationDraftKind kind, string content, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> ReviewAsync(Guid sessionId, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> AddCheckpointAsync(Guid sessionId, string label, CancellationToken ct = default) => Now();
        public Task<Result<CreationSessionView>> RestoreAsync(Guid sessionId, Guid checkpointId, CancellationToken ct = default) => Now();
        public Task<Result<Guid>> PublishAsync(Guid sessionId, CancellationToken ct = default) => Task.FromResult(PublishResult);
    }
}
