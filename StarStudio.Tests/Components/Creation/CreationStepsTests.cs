using Bunit;
using StarStudio.Core.Common;
using StarStudio.Core.Creation;
using StarStudio.Web.Components.Studio.Creation;

namespace StarStudio.Tests.Components.Creation;

/// <summary>The assistant's steps: the review shows findings and exactly what blocks, the anchors and cards validate at the field.</summary>
public class CreationStepsTests : ComponentTest
{
    private static CreationAnchors Good() => new()
    {
        Name = "史官小满",
        Domain = "历史",
        Persona = "一位幽默风趣的历史讲解员，面向小学生。",
        Tone = "幽默风趣",
        Boundaries = "不讨论现实政治",
        SampleQuestions = ["秦始皇为什么要统一文字？"],
    };

    private IRenderedComponent<CreationReview> Review(CreationAnchors a, CreationDrafts d, CreationStage stage, Action? publish = null)
    {
        var findings = CreationQualityRules.Evaluate(a, d.IsEmpty ? null : d);
        return Render<CreationReview>(p => p
            .Add(r => r.Findings, findings)
            .Add(r => r.Gate, PublishGate.Evaluate(stage, a, d, findings))
            .Add(r => r.OnPublish, () => publish?.Invoke()));
    }

    [Fact]
    public void Review_BlockedSession_ListsEachBlockerAndDisablesPublish()
    {
        var a = Good();
        a.Boundaries = "";
        a.Name = "";
        var d = OfflineCreationDrafter.Draft(a) with { Greeting = "" };

        var cut = Review(a, d, CreationStage.Reviewing);

        var blockers = cut.FindAll("[data-testid=gate-blocker]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["请填写名称。", "开场白卡片是空的。", "还没有写边界：写下它不做什么（例如不做诊断、不给投资建议）。"], blockers);
        Assert.Contains("还有 3 项阻止发布", cut.Markup);
        Assert.True(cut.Find("[data-testid=creation-publish]").HasAttribute("disabled"));
    }

    [Fact]
    public void Review_Findings_ShowTheirSeverityAndArguments()
    {
        var a = Good();
        a.Tone = "友好";
        a.Persona = "一位资深的 Python 编程导师，帮助学生读懂报错、写出干净的代码。";

        var cut = Review(a, CreationDrafts.Empty, CreationStage.CollectingAnchors);

        var other = cut.Find("[data-testid=finding-persona_other_domain]");
        Assert.Contains("阻止发布", other.TextContent);
        Assert.Contains("人设没有提到星域“历史”，却写的是“编程”", other.TextContent);
        var tone = cut.Find("[data-testid=finding-vague_tone]");
        Assert.Contains("建议", tone.TextContent);
        Assert.Contains("语气“友好”太笼统", tone.TextContent);
        Assert.Equal("warning", tone.QuerySelector("[data-severity]")!.GetAttribute("data-severity"));
    }

    [Fact]
    public async Task Review_OpenGate_EnablesPublishAndCallsIt()
    {
        var a = Good();
        var published = 0;
        var cut = Review(a, OfflineCreationDrafter.Draft(a), CreationStage.Reviewing, () => published++);

        Assert.NotNull(cut.Find("[data-testid=creation-gate-open]"));
        Assert.Empty(cut.FindAll("[data-testid=gate-blocker]"));
        await cut.Find("[data-testid=creation-publish]").ClickAsync();

        Assert.Equal(1, published);
    }

    [Fact]
    public async Task AnchorsForm_TooLongTone_ShowsAtTheFieldAndDoesNotSave()
    {
        var saved = new List<CreationAnchors>();
        var cut = Render<CreationAnchorsForm>(p => p.Add(f => f.Anchors, Good()).Add(f => f.OnSave, a => saved.Add(a)));

        await cut.Find("#anchor-tone").InputAsync(new string('趣', 41));
        await cut.Find("[data-testid=anchors-save]").ClickAsync();

        Assert.Contains("语气最多 40 个字符", cut.Find("#anchor-tone").Closest(".mud-input-control")!.TextContent);
        Assert.Empty(saved);
    }

    [Fact]
    public async Task AnchorsForm_EditedFields_AreSavedNormalized()
    {
        var saved = new List<CreationAnchors>();
        var cut = Render<CreationAnchorsForm>(p => p.Add(f => f.Anchors, Good()).Add(f => f.OnSave, a => saved.Add(a)));

        await cut.Find("#anchor-boundaries").InputAsync("  不讨论现实政治，不评价在世人物  ");
        await cut.Find("#anchor-questions").InputAsync("问题一\n\n 问题二 \n");
        await cut.Find("[data-testid=anchors-save]").ClickAsync();

        var a = Assert.Single(saved);
        Assert.Equal("不讨论现实政治，不评价在世人物", a.Boundaries);
        Assert.Equal(["问题一", "问题二"], a.SampleQuestions);
    }

    [Fact]
    public void AnchorsForm_NotInferredField_SaysSo()
    {
        var cut = Render<CreationAnchorsForm>(p => p.Add(f => f.Anchors, new CreationAnchors()).Add(f => f.MissingFields, ["domain"]));

        Assert.Contains("无法从想法中推断", cut.Find("#anchor-domain").Closest(".mud-input-control")!.TextContent);
        Assert.DoesNotContain("无法从想法中推断", cut.Find("#anchor-name").Closest(".mud-input-control")!.TextContent);
    }

    [Fact]
    public void AnchorsForm_ServerErrors_ShowAtTheirField()
    {
        var cut = Render<CreationAnchorsForm>(p => p.Add(f => f.Anchors, Good())
            .Add(f => f.ServerErrors, [new FieldError("Boundaries", "Creation.Anchors.Boundaries.TooLong", 2000)]));

        Assert.Contains("边界最多 2000 个字符", cut.Find("#anchor-boundaries").Closest(".mud-input-control")!.TextContent);
    }

    private static IReadOnlyList<CreationCardView> Cards(CreationDrafts d, int personaWarnings = 0) =>
        CreationCards.Kinds.Select(k => new CreationCardView(k, CreationDraftStatus.Drafted, k.ToString(), CreationCards.ContentOf(d, k),
            k == CreationDraftKind.Persona ? personaWarnings : 0, DateTimeOffset.UtcNow)).ToList();

    [Fact]
    public void CardsEditor_Offline_ShowsTheNoticeAndWarnings()
    {
        var d = OfflineCreationDrafter.Draft(Good());
        var cut = Render<CreationCardsEditor>(p => p.Add(c => c.Cards, Cards(d, personaWarnings: 2)).Add(c => c.Offline, true));

        Assert.Equal("离线模板生成，未使用大模型", cut.Find("[data-testid=creation-offline-notice]").TextContent.Trim());
        Assert.Contains("2 条提示", cut.Find("[data-testid=card-persona-warnings]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=card-greeting-warnings]"));
    }

    [Fact]
    public async Task CardsEditor_EditedCard_IsSavedAlone_UnchangedCardsCannotBe()
    {
        var saved = new List<(CreationDraftKind, string)>();
        var d = OfflineCreationDrafter.Draft(Good());
        var cut = Render<CreationCardsEditor>(p => p.Add(c => c.Cards, Cards(d)).Add(c => c.OnSave, x => saved.Add(x)));

        Assert.True(cut.Find("[data-testid=card-greeting-save]").HasAttribute("disabled"));
        await cut.Find("#card-greeting-text").InputAsync("你好，{{user}}！我是史官小满。");
        await cut.Find("[data-testid=card-greeting-save]").ClickAsync();

        Assert.Equal([(CreationDraftKind.Greeting, "你好，{{user}}！我是史官小满。")], saved);
    }

    [Fact]
    public async Task CardsEditor_TooLongGreeting_ShowsTheLimitAndDoesNotSave()
    {
        var saved = new List<(CreationDraftKind, string)>();
        var d = OfflineCreationDrafter.Draft(Good());
        var cut = Render<CreationCardsEditor>(p => p.Add(c => c.Cards, Cards(d)).Add(c => c.OnSave, x => saved.Add(x)));

        await cut.Find("#card-greeting-text").InputAsync(new string('好', 4001));
        await cut.Find("[data-testid=card-greeting-save]").ClickAsync();

        Assert.Contains("这张卡片最多 4000 个字符", cut.Find("#card-greeting-text").Closest(".mud-input-control")!.TextContent);
        Assert.Empty(saved);
    }

    [Fact]
    public async Task Checkpoints_Published_CannotRestore()
    {
        var restored = new List<Guid>();
        var cp = new CreationCheckpointView(Guid.NewGuid(), 3, "草稿 · 第 3 轮", CreationStage.Drafting, DateTimeOffset.UtcNow);
        var open = Render<CreationCheckpoints>(p => p.Add(c => c.Checkpoints, [cp]).Add(c => c.OnRestore, id => restored.Add(id)));
        var closed = Render<CreationCheckpoints>(p => p.Add(c => c.Checkpoints, [cp]).Add(c => c.CanRestore, false));

        await open.Find("[data-testid=checkpoint-restore]").ClickAsync();

        Assert.Equal([cp.Id], restored);
        Assert.Contains("回到此处", open.Find("[data-testid=checkpoint-restore]").TextContent);
        Assert.True(closed.Find("[data-testid=checkpoint-restore]").HasAttribute("disabled"));
    }
}
