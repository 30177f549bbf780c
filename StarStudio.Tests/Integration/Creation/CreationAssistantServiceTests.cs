using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Creation;
using StarStudio.Core.Knowledge;

namespace StarStudio.Tests.Integration.Creation;

/// <summary>The creation assistant against the real PostgreSQL on the offline path (no chat model configured).</summary>
public sealed class CreationAssistantServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const string Idea = "一个给小学生讲三国故事的幽默历史老师";
    private readonly CreationHarness harness = new(pg);

    public void Dispose() => harness.Dispose();

    private async Task<(UserContext Owner, ICreationAssistantService Service, CreationSessionView Session)> StartedAsync(string idea = Idea)
    {
        var owner = await pg.CreateUserAsync();
        var service = harness.For(owner);
        var started = await service.StartAsync(idea);
        Assert.True(started.Succeeded);
        return (owner, service, started.Value!);
    }

    private static CreationAnchors WithBoundaries(CreationAnchors a)
    {
        var c = a.Clone();
        c.Boundaries = "不讨论现实政治";
        return c;
    }

    [Fact]
    public async Task Start_StoresTheSessionWithProposedAnchorsMessagesAndACheckpoint()
    {
        var (_, _, s) = await StartedAsync();

        Assert.Equal(CreationStage.CollectingAnchors, s.Stage);
        Assert.Equal(25, s.ProgressPercent);
        Assert.Equal(("历史", "幽默风趣", "小学生和儿童"), (s.Anchors.Domain, s.Anchors.Tone, s.Anchors.Audience));
        Assert.Equal([CreationMessageKinds.Idea, CreationMessageKinds.Anchors], s.Messages.Select(m => m.Kind));
        Assert.Equal(Idea, s.Messages[0].Text);
        Assert.Contains("未使用大模型", s.Messages[1].Text);
        Assert.Contains("边界", s.Messages[1].Text);
        Assert.Equal("提出锚点", Assert.Single(s.Checkpoints).Label);
        Assert.Contains(s.Findings, f => f.Code == "missing_boundaries");
        Assert.Equal(["Creation.Gate.NotDrafted", "Creation.Finding.MissingBoundaries"], s.Gate.Blockers.Select(b => b.ResourceKey));
        await using var db = pg.OwnerContext();
        var row = await db.CreationSessions.AsNoTracking().SingleAsync(x => x.Id == s.Id);
        Assert.Equal("历史", CreationAnchors.FromJson(row.Anchors).Domain);
        Assert.Contains(CreationQualityRules.FromJson(row.QualityFindings), f => f.Code == "missing_boundaries");
        Assert.False(PublishGateResult.FromJson(row.PublishGate).Open);
    }

    [Fact]
    public async Task Start_BlankIdea_IsRefusedAtTheField()
    {
        var owner = await pg.CreateUserAsync();

        var result = await harness.For(owner).StartAsync("  ");

        Assert.Equal("Creation.Idea.Required", Assert.Single(result.Errors).Code);
        await using var db = pg.OwnerContext();
        Assert.False(await db.CreationSessions.AnyAsync(x => x.OwnerId == owner.UserId));
    }

    [Fact]
    public async Task UpdateAnchors_RecomputesFindingsAndTakesACheckpoint()
    {
        var (_, service, s) = await StartedAsync();

        var updated = await service.UpdateAnchorsAsync(s.Id, WithBoundaries(s.Anchors));

        Assert.True(updated.Succeeded);
        Assert.DoesNotContain(updated.Value!.Findings, f => f.Code == "missing_boundaries");
        Assert.Equal(2, updated.Value.Checkpoints.Count);
        Assert.Equal(2, updated.Value.CurrentTurn);
        Assert.Equal("不讨论现实政治", (await service.GetAsync(s.Id)).Value!.Anchors.Boundaries);
    }

    [Fact]
    public async Task UpdateAnchors_TooLong_ReturnsTheFieldError()
    {
        var (_, service, s) = await StartedAsync();
        var a = s.Anchors.Clone();
        a.Tone = new string('趣', 41);

        var result = await service.UpdateAnchorsAsync(s.Id, a);

        var e = Assert.Single(result.Errors);
        Assert.Equal(("Tone", "Creation.Anchors.Tone.TooLong"), (e.Field, e.Code));
    }

    [Fact]
    public async Task Draft_Offline_WritesFourCardsAndSaysSo()
    {
        var (_, service, s) = await StartedAsync();
        await service.UpdateAnchorsAsync(s.Id, WithBoundaries(s.Anchors));

        var drafted = (await service.DraftAsync(s.Id)).Value!;

        Assert.Equal(CreationStage.Drafting, drafted.Stage);
        Assert.Equal(CreationEngines.Offline, drafted.Engine);
        Assert.True(drafted.DraftedOffline);
        Assert.Equal(CreationCards.Kinds, drafted.Cards.Select(c => c.Kind));
        Assert.All(drafted.Cards, c => Assert.Equal(CreationDraftStatus.Drafted, c.Status));
        Assert.Contains("<START>", drafted.Drafts.Examples);
        Assert.Contains("离线模板", drafted.LastAssistantReply);
        Assert.True(drafted.Gate.Open);
        Assert.Equal("草稿 · 第 3 轮", drafted.Checkpoints[0].Label);
    }

    [Fact]
    public async Task Draft_TwiceAtOnce_BothSucceed_OneCardOfEachKind_AndTwoTurnsCounted()
    {
        // Two tabs drafting one session: both found no cards and added them; the second failed on (session_id, kind).
        for (var round = 0; round < 3; round++)
        {
            var (owner, _, s) = await StartedAsync();

            var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => harness.For(owner).DraftAsync(s.Id))));

            Assert.All(results, r => Assert.True(r.Succeeded, string.Join(",", r.Errors.Select(e => e.Code))));
            var last = (await harness.For(owner).GetAsync(s.Id)).Value!;
            Assert.Equal(CreationCards.Kinds, last.Cards.Select(c => c.Kind));
            Assert.Equal(new[] { s.CurrentTurn + 1, s.CurrentTurn + 2 }, results.Select(r => r.Value!.CurrentTurn).Order());
        }
    }

    [Fact]
    public async Task EditCard_MarksItEditedAndRecomputesTheGate()
    {
        var (_, service, s) = await StartedAsync();
        await service.UpdateAnchorsAsync(s.Id, WithBoundaries(s.Anchors));
        await service.DraftAsync(s.Id);

        var edited = (await service.EditCardAsync(s.Id, CreationDraftKind.Greeting, "  ")).Value!;

        var greeting = edited.Cards.Single(c => c.Kind == CreationDraftKind.Greeting);
        Assert.Equal((CreationDraftStatus.Edited, "", 1), (greeting.Status, greeting.Content, greeting.WarningCount));
        Assert.Equal(["Creation.Gate.GreetingRequired"], edited.Gate.Blockers.Select(b => b.ResourceKey));
        var back = (await service.EditCardAsync(s.Id, CreationDraftKind.Greeting, "你好，{{user}}！")).Value!;
        Assert.True(back.Gate.Open);
    }

    [Fact]
    public async Task EditCard_BeforeDrafting_IsRefused()
    {
        var (_, service, s) = await StartedAsync();

        var result = await service.EditCardAsync(s.Id, CreationDraftKind.Persona, "一位历史老师");

        Assert.Equal("Creation.Card.NotDrafted", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public async Task Restore_BringsBackStageAnchorsAndCards_AndIsRecorded()
    {
        var (_, service, s) = await StartedAsync();
        await service.UpdateAnchorsAsync(s.Id, WithBoundaries(s.Anchors));
        var drafted = (await service.DraftAsync(s.Id)).Value!;
        await service.EditCardAsync(s.Id, CreationDraftKind.Persona, "一位资深的 Python 编程导师，帮助学生读懂报错、写出干净的代码，耐心又细致。");
        await service.AddCheckpointAsync(s.Id, "编程版");

        // Back to the draft checkpoint: the persona card is the drafted one again.
        var toDraft = (await service.RestoreAsync(s.Id, drafted.Checkpoints[0].Id)).Value!;
        Assert.Equal(drafted.Drafts.Persona, toDraft.Drafts.Persona);
        Assert.Equal(CreationStage.Drafting, toDraft.Stage);
        Assert.Equal(CreationMessageKinds.Checkpoint, toDraft.Messages[^1].Kind);
        Assert.Contains("草稿 · 第 3 轮", toDraft.Messages[^1].Text);

        // Back to the owner's checkpoint: the edited persona and its status return.
        var mine = toDraft.Checkpoints.Single(c => c.Label == "编程版");
        var toMine = (await service.RestoreAsync(s.Id, mine.Id)).Value!;
        var persona = toMine.Cards.Single(c => c.Kind == CreationDraftKind.Persona);
        Assert.Equal(CreationDraftStatus.Edited, persona.Status);
        Assert.Contains(toMine.Findings, f => f.Code == "persona_other_domain");

        // Back to the first checkpoint: anchors only, no cards, boundaries empty again.
        var first = toMine.Checkpoints.Single(c => c.Label == "提出锚点");
        var toFirst = (await service.RestoreAsync(s.Id, first.Id)).Value!;
        Assert.Equal(CreationStage.CollectingAnchors, toFirst.Stage);
        Assert.Empty(toFirst.Cards);
        Assert.Equal("", toFirst.Anchors.Boundaries);
    }

    [Fact]
    public async Task Publish_Blocked_IsRefusedWithTheGatesReasons()
    {
        var (_, service, s) = await StartedAsync();
        await service.DraftAsync(s.Id);

        var result = await service.PublishAsync(s.Id);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(["boundaries"], result.Errors.Select(e => e.Field));
        Assert.Equal("Creation.Finding.MissingBoundaries", result.Errors[0].Code);
        await using var db = pg.OwnerContext();
        Assert.Equal(CreationStage.Drafting, (await db.CreationSessions.SingleAsync(x => x.Id == s.Id)).Stage);
    }

    [Fact]
    public async Task Publish_CreatesTheStarWithEveryCard_AndTheKnowledgePlanNote()
    {
        var (owner, service, s) = await StartedAsync();
        await service.UpdateAnchorsAsync(s.Id, WithBoundaries(s.Anchors));
        var drafted = (await service.DraftAsync(s.Id)).Value!;
        await service.ReviewAsync(s.Id);

        var published = await service.PublishAsync(s.Id);

        Assert.True(published.Succeeded);
        var starId = published.Value;
        await using var db = pg.OwnerContext();
        var star = await db.Stars.AsNoTracking().SingleAsync(x => x.Id == starId);
        Assert.Equal(owner.UserId, star.OwnerId);
        Assert.Equal((drafted.Anchors.Name, "历史", drafted.Drafts.Persona, "幽默风趣"), (star.Name, star.Domain, star.Persona, star.Tone));
        Assert.Equal(drafted.Drafts.Greeting, star.Greeting);
        Assert.Equal(drafted.Drafts.Examples, star.ExampleDialogues);
        Assert.Equal(["历史"], star.Tags);
        var note = await db.KnowledgeTasks.AsNoTracking().SingleAsync(t => t.StarId == starId);
        Assert.Equal(KnowledgeSourceType.Note, note.SourceType);
        var session = (await service.GetAsync(s.Id)).Value!;
        Assert.Equal((CreationStage.Published, (Guid?)starId, 100), (session.Stage, session.PublishedStarId, session.ProgressPercent));
        Assert.Equal(["Creation.Gate.AlreadyPublished"], session.Gate.Blockers.Select(b => b.ResourceKey));

        // Published is final: a second publish, a draft or a restore is refused, and no second star appears.
        Assert.Equal("Creation.Gate.AlreadyPublished", Assert.Single((await service.PublishAsync(s.Id)).Errors).Code);
        Assert.Equal("Creation.Error.Published", Assert.Single((await service.DraftAsync(s.Id)).Errors).Code);
        Assert.Equal("Creation.Error.Published", Assert.Single((await service.RestoreAsync(s.Id, session.Checkpoints[0].Id)).Errors).Code);
        Assert.Equal(1, await db.Stars.CountAsync(x => x.OwnerId == owner.UserId));
    }

    [Fact]
    public async Task ListMine_ShowsOnlyMySessions_NewestFirst()
    {
        var (owner, service, first) = await StartedAsync();
        var second = (await service.StartAsync("一只会说话的猫")).Value!;
        await StartedAsync("另一个人的想法：理财顾问");

        var mine = await service.ListMineAsync();

        Assert.Equal([second.Id, first.Id], mine.Select(m => m.Id));
        Assert.Equal("历史讲解员", mine[1].Name);
    }

    [Fact]
    public async Task AnotherOwner_CannotReadOrActOnMySession()
    {
        var (_, _, s) = await StartedAsync();
        var other = harness.For(await pg.CreateUserAsync());

        Assert.Equal(ResultKind.NotFound, (await other.GetAsync(s.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.UpdateAnchorsAsync(s.Id, new CreationAnchors { Name = "偷" })).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.DraftAsync(s.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.RestoreAsync(s.Id, s.Checkpoints[0].Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.PublishAsync(s.Id)).Kind);
        Assert.Empty(await other.ListMineAsync());
    }

    [Fact]
    public async Task RowLevelSecurity_HidesTheRowsEvenWithoutTheServicesCheck()
    {
        var (_, _, s) = await StartedAsync();
        var intruder = await pg.CreateUserAsync();

        var seen = await pg.Db(intruder).RunAsync(async (ctx, _) => (
            await ctx.CreationSessions.CountAsync(x => x.Id == s.Id),
            await ctx.CreationMessages.CountAsync(x => x.SessionId == s.Id),
            await ctx.CreationCheckpoints.CountAsync(x => x.SessionId == s.Id),
            await ctx.CreationSessions.Where(x => x.Id == s.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.SeedText, "hijacked"))));

        Assert.Equal((0, 0, 0, 0), seen);
    }

    [Fact]
    public async Task Anonymous_CannotStart()
    {
        var result = await harness.For(UserContext.Anonymous).StartAsync(Idea);

        Assert.Equal(ResultKind.Forbidden, result.Kind);
    }
}
