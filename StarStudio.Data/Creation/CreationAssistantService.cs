using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Common;
using StarStudio.Core.Creation;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Creation;

/// <summary>
/// The creation assistant over PostgreSQL (docs/creation-assistant.md). Acts as the current user; only the session's
/// owner reaches it (checked here and by row-level security). Model calls happen between transactions, never inside one.
/// </summary>
internal sealed class CreationAssistantService(
    StarStudioDb db,
    IStarService stars,
    IKnowledgeService knowledge,
    ChatModelResolver models,
    IChatModelClientFactory clients,
    TimeProvider clock,
    ILogger<CreationAssistantService>? log = null) : ICreationAssistantService
{
    /// <summary>How long the LLM path may take before the offline drafter takes over.</summary>
    internal static readonly TimeSpan DraftTimeout = TimeSpan.FromSeconds(90);

    private static readonly JsonSerializerOptions SnapshotJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ILogger log = log ?? NullLogger<CreationAssistantService>.Instance;

    public Task<IReadOnlyList<CreationSessionSummary>> ListMineAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<CreationSessionSummary>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            var rows = await ctx.CreationSessions.AsNoTracking().Where(s => s.OwnerId == me)
                .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id).Take(100)
                .Select(s => new { s.Id, s.SeedText, s.Anchors, s.Stage, s.ProgressPercent, s.PublishedStarId, s.UpdatedAt })
                .ToListAsync(ct);
            return rows.Select(r => new CreationSessionSummary(r.Id, r.SeedText, CreationAnchors.FromJson(r.Anchors).Name, r.Stage, r.ProgressPercent, r.PublishedStarId, r.UpdatedAt)).ToList();
        }, ct);

    public async Task<Result<CreationSessionView>> StartAsync(string idea, CancellationToken ct = default)
    {
        if (CreationRules.ValidateIdea(idea) is { Count: > 0 } errors)
        {
            return Result<CreationSessionView>.Invalid(errors);
        }

        idea = idea.Trim();
        var proposal = OfflineCreationDrafter.ProposeAnchors(idea);
        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<CreationSessionView>.Forbidden();
            }

            var now = clock.GetUtcNow();
            var session = new CreationSession
            {
                Id = Guid.NewGuid(),
                OwnerId = me,
                SeedText = idea,
                CurrentTurn = 1,
                Stage = CreationStage.CollectingAnchors,
                ProgressPercent = CreationStageRules.ProgressOf(CreationStage.CollectingAnchors),
                Anchors = proposal.Anchors.ToJson(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            var english = proposal.English;
            var reply = AnchorsReply(proposal, english);
            session.LastAssistantReply = reply;
            Recompute(session, proposal.Anchors, CreationDrafts.Empty, []);
            ctx.CreationSessions.Add(session);
            Message(ctx, session, CreationMessageRole.User, CreationMessageKinds.Idea, idea, now);
            Message(ctx, session, CreationMessageRole.Assistant, CreationMessageKinds.Anchors, reply, now);
            Checkpoint(ctx, session, english ? "Anchors proposed" : "提出锚点", proposal.Anchors, CreationDrafts.Empty, now);
            await ctx.SaveChangesAsync(ct);
            return Result<CreationSessionView>.Ok(await ViewAsync(ctx, session, ct));
        }, ct);
    }

    public Task<Result<CreationSessionView>> GetAsync(Guid sessionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
            await FindAsync(ctx, user, sessionId, ct) is { } session
                ? Result<CreationSessionView>.Ok(await ViewAsync(ctx, session, ct))
                : Result<CreationSessionView>.NotFound(), ct);

    public async Task<Result<CreationSessionView>> UpdateAnchorsAsync(Guid sessionId, CreationAnchors anchors, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        if (CreationRules.ValidateAnchors(anchors) is { Count: > 0 } errors)
        {
            return Result<CreationSessionView>.Invalid(errors);
        }

        var a = anchors.Normalized();
        return await ChangeAsync(sessionId, async (ctx, session, cards, now) =>
        {
            var english = English(session);
            session.Anchors = a.ToJson();
            var drafts = CreationCards.ToDrafts(cards.Select(c => (c.Kind, c.Content)));
            Recompute(session, a, drafts, cards);
            var reply = english ? "Anchors saved." : "锚点已保存。";
            session.LastAssistantReply = reply;
            Message(ctx, session, CreationMessageRole.User, CreationMessageKinds.Anchors, Summary(a, english), now);
            Checkpoint(ctx, session, english ? $"Anchors · turn {session.CurrentTurn}" : $"锚点 · 第 {session.CurrentTurn} 轮", a, drafts, now, cards);
            await Task.CompletedTask;
            return null;
        }, ct);
    }

    public async Task<Result<CreationSessionView>> DraftAsync(Guid sessionId, CancellationToken ct = default)
    {
        // Read the anchors first, then call the model outside any transaction, then store.
        var current = await GetAsync(sessionId, ct);
        if (!current.Succeeded)
        {
            return current;
        }

        if (current.Value!.Stage == CreationStage.Published)
        {
            return Result<CreationSessionView>.Invalid("Stage", "Creation.Error.Published");
        }

        var anchors = current.Value.Anchors;
        var english = OfflineCreationDrafter.IsEnglish(current.Value.SeedText);
        var (drafts, engine, reason) = await DraftWithModelAsync(anchors, ct);
        drafts ??= OfflineCreationDrafter.Draft(anchors);

        return await ChangeAsync(sessionId, async (ctx, session, cards, now) =>
        {
            if (!CreationStageRules.CanMove(session.Stage, CreationStage.Drafting))
            {
                return Result<CreationSessionView>.Invalid("Stage", "Creation.Error.Published");
            }

            foreach (var kind in CreationCards.Kinds)
            {
                var card = cards.FirstOrDefault(c => c.Kind == kind);
                if (card is null)
                {
                    card = new CreationDraftCard { Id = Guid.NewGuid(), SessionId = session.Id, Kind = kind };
                    ctx.CreationDraftCards.Add(card);
                    cards.Add(card);
                }

                card.Status = CreationDraftStatus.Drafted;
                card.Title = CreationCards.TitleOf(kind, english);
                card.Content = CreationCards.ContentOf(drafts, kind);
                card.UpdatedAt = now;
            }

            session.Stage = CreationStage.Drafting;
            session.ProgressPercent = CreationStageRules.ProgressOf(session.Stage);
            session.Engine = engine;
            Recompute(session, CreationAnchors.FromJson(session.Anchors), drafts, cards);
            var reply = engine == CreationEngines.Llm
                ? english ? "Drafted the cards with the configured model." : "已用大模型起草四张卡片。"
                : reason is null
                    ? english ? "Drafted the cards from offline templates (no language model was used)." : "已用离线模板起草四张卡片（未使用大模型）。"
                    : english ? $"The model could not draft ({reason}); drafted from offline templates instead." : $"大模型起草失败（{reason}），已改用离线模板起草。";
            session.LastAssistantReply = reply;
            Message(ctx, session, CreationMessageRole.User, CreationMessageKinds.Draft, english ? "Draft the cards." : "起草卡片。", now);
            Message(ctx, session, CreationMessageRole.Assistant, CreationMessageKinds.Draft, reply, now);
            var findings = CreationQualityRules.FromJson(session.QualityFindings);
            if (findings.Count > 0)
            {
                Message(ctx, session, CreationMessageRole.Assistant, CreationMessageKinds.Findings,
                    (english ? "Findings: " : "质量检查：") + string.Join(english ? ", " : "、", findings.Select(f => f.Code)), now);
            }

            Checkpoint(ctx, session, english ? $"Draft · turn {session.CurrentTurn}" : $"草稿 · 第 {session.CurrentTurn} 轮", CreationAnchors.FromJson(session.Anchors), drafts, now);
            await Task.CompletedTask;
            return null;
        }, ct);
    }

    public async Task<Result<CreationSessionView>> EditCardAsync(Guid sessionId, CreationDraftKind kind, string content, CancellationToken ct = default)
    {
        content = (content ?? "").Trim();
        if (CreationRules.ValidateCard(kind, content) is { Count: > 0 } errors)
        {
            return Result<CreationSessionView>.Invalid(errors);
        }

        return await ChangeAsync(sessionId, async (ctx, session, cards, now) =>
        {
            if (session.Stage is CreationStage.CollectingAnchors or CreationStage.Published || cards.FirstOrDefault(c => c.Kind == kind) is not { } card)
            {
                return Result<CreationSessionView>.Invalid(CreationCards.KeyOf(kind), session.Stage == CreationStage.Published ? "Creation.Error.Published" : "Creation.Card.NotDrafted");
            }

            card.Content = content;
            card.Status = CreationDraftStatus.Edited;
            card.UpdatedAt = now;
            Recompute(session, CreationAnchors.FromJson(session.Anchors), CreationCards.ToDrafts(cards.Select(c => (c.Kind, c.Content))), cards);
            Message(ctx, session, CreationMessageRole.User, CreationMessageKinds.Note,
                (English(session) ? "Edited the card: " : "修改了卡片：") + card.Title, now);
            await Task.CompletedTask;
            return null;
        }, ct);
    }

    public Task<Result<CreationSessionView>> ReviewAsync(Guid sessionId, CancellationToken ct = default) =>
        ChangeAsync(sessionId, async (ctx, session, cards, now) =>
        {
            if (session.Stage == CreationStage.Reviewing)
            {
                return null;
            }

            if (!CreationStageRules.CanMove(session.Stage, CreationStage.Reviewing))
            {
                return Result<CreationSessionView>.Invalid("Stage", session.Stage == CreationStage.Published ? "Creation.Error.Published" : "Creation.Gate.NotDrafted");
            }

            session.Stage = CreationStage.Reviewing;
            session.ProgressPercent = CreationStageRules.ProgressOf(session.Stage);
            Recompute(session, CreationAnchors.FromJson(session.Anchors), CreationCards.ToDrafts(cards.Select(c => (c.Kind, c.Content))), cards);
            return null;
        }, ct);

    public async Task<Result<CreationSessionView>> AddCheckpointAsync(Guid sessionId, string label, CancellationToken ct = default)
    {
        if (CreationRules.ValidateLabel(label) is { Count: > 0 } errors)
        {
            return Result<CreationSessionView>.Invalid(errors);
        }

        label = label.Trim();
        return await ChangeAsync(sessionId, async (ctx, session, cards, now) =>
        {
            Checkpoint(ctx, session, label, CreationAnchors.FromJson(session.Anchors), CreationCards.ToDrafts(cards.Select(c => (c.Kind, c.Content))), now, cards);
            Message(ctx, session, CreationMessageRole.User, CreationMessageKinds.Checkpoint, (English(session) ? "Checkpoint: " : "检查点：") + label, now);
            await Task.CompletedTask;
            return null;
        }, ct);
    }

    public Task<Result<CreationSessionView>> RestoreAsync(Guid sessionId, Guid checkpointId, CancellationToken ct = default) =>
        ChangeAsync(sessionId, async (ctx, session, cards, now) =>
        {
            var checkpoint = await ctx.CreationCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == checkpointId && c.SessionId == session.Id, ct);
            if (checkpoint is null)
            {
                return Result<CreationSessionView>.NotFound();
            }

            var snapshot = ReadSnapshot(checkpoint.Snapshot);
            if (snapshot is null || !CreationStageRules.CanRestore(session.Stage, snapshot.Stage))
            {
                return Result<CreationSessionView>.Invalid("Checkpoint", session.Stage == CreationStage.Published ? "Creation.Error.Published" : "Creation.Checkpoint.Unreadable");
            }

            var drafts = snapshot.Drafts ?? CreationDrafts.Empty;
            foreach (var kind in CreationCards.Kinds)
            {
                var card = cards.FirstOrDefault(c => c.Kind == kind);
                var content = CreationCards.ContentOf(drafts, kind);
                var status = snapshot.Edited?.Contains(CreationCards.KeyOf(kind)) == true ? CreationDraftStatus.Edited : CreationDraftStatus.Drafted;
                if (drafts.IsEmpty)
                {
                    if (card is not null)
                    {
                        ctx.CreationDraftCards.Remove(card);
                        cards.Remove(card);
                    }

                    continue;
                }

                if (card is null)
                {
                    card = new CreationDraftCard { Id = Guid.NewGuid(), SessionId = session.Id, Kind = kind, Title = CreationCards.TitleOf(kind, English(session)) };
                    ctx.CreationDraftCards.Add(card);
                    cards.Add(card);
                }

                card.Content = content;
                card.Status = status;
                card.UpdatedAt = now;
            }

            var anchors = snapshot.Anchors ?? new CreationAnchors();
            session.Anchors = anchors.ToJson();
            session.Stage = snapshot.Stage;
            session.ProgressPercent = CreationStageRules.ProgressOf(session.Stage);
            Recompute(session, anchors, drafts, cards);
            var reply = English(session) ? $"Back to the checkpoint \"{checkpoint.Label}\" (turn {checkpoint.Turn})." : $"已回到检查点「{checkpoint.Label}」（第 {checkpoint.Turn} 轮）。";
            session.LastAssistantReply = reply;
            Message(ctx, session, CreationMessageRole.Assistant, CreationMessageKinds.Checkpoint, reply, now);
            return null;
        }, ct);

    public async Task<Result<Guid>> PublishAsync(Guid sessionId, CancellationToken ct = default)
    {
        // Claim the session first (a conditional update): two clicks never create two stars.
        var claim = await db.RunAsync(async (ctx, user) =>
        {
            if (await FindAsync(ctx, user, sessionId, ct) is not { } session)
            {
                return (Result<Guid>.NotFound(), (Claimed?)null);
            }

            var cards = await ctx.CreationDraftCards.Where(c => c.SessionId == session.Id).ToListAsync(ct);
            var anchors = CreationAnchors.FromJson(session.Anchors);
            var drafts = CreationCards.ToDrafts(cards.Select(c => (c.Kind, c.Content)));
            var gate = PublishGate.Evaluate(session.Stage, anchors, drafts, CreationQualityRules.Evaluate(anchors, drafts.IsEmpty ? null : drafts));
            if (!gate.Open)
            {
                return (Result<Guid>.Invalid(gate.Blockers.Select(b => new FieldError(b.Field, b.ResourceKey, [.. b.Args])).ToList()), null);
            }

            var from = session.Stage;
            var claimed = await ctx.CreationSessions
                .Where(s => s.Id == session.Id && s.Stage == from)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stage, CreationStage.Published), ct);
            return claimed == 1
                ? (Result<Guid>.Ok(Guid.Empty), new Claimed(from, anchors, drafts, English(session)))
                : (Result<Guid>.Invalid("Stage", "Creation.Gate.AlreadyPublished"), null);
        }, ct);
        if (claim.Item2 is not { } c)
        {
            return claim.Item1;
        }

        var draft = CreationPublishing.ToStarDraft(c.Anchors, c.Drafts);
        Result<Star> created;
        try
        {
            created = await stars.CreateAsync(draft, ct);
        }
        catch
        {
            await ReleaseAsync(sessionId, c.From, CancellationToken.None);
            throw;
        }

        if (!created.Succeeded)
        {
            await ReleaseAsync(sessionId, c.From, CancellationToken.None);
            return created.Kind switch
            {
                ResultKind.Invalid => Result<Guid>.Invalid(created.Errors),
                ResultKind.Forbidden => Result<Guid>.Forbidden(),
                _ => Result<Guid>.NotFound(),
            };
        }

        var star = created.Value!;
        string? noteProblem = null;
        if (!string.IsNullOrWhiteSpace(c.Drafts.KnowledgePlan))
        {
            try
            {
                var note = await knowledge.AddNoteAsync(star.Id, c.English ? "Knowledge plan" : "知识库计划", c.Drafts.KnowledgePlan, ct);
                noteProblem = note.Succeeded ? null : string.Join(", ", note.Errors.Select(e => e.Code));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The star exists; the checklist is a convenience the owner can add by hand.
                log.LogWarning(e, "The knowledge plan note of star {StarId} could not be added", star.Id);
                noteProblem = e.GetType().Name;
            }
        }

        await db.RunAsync(async (ctx, _) =>
        {
            var session = await ctx.CreationSessions.FirstAsync(s => s.Id == sessionId, ct);
            var now = clock.GetUtcNow();
            session.PublishedStarId = star.Id;
            session.Stage = CreationStage.Published;
            session.ProgressPercent = CreationStageRules.ProgressOf(CreationStage.Published);
            session.CurrentTurn++;
            session.UpdatedAt = now;
            session.PublishGate = PublishGate.Evaluate(CreationStage.Published, c.Anchors, c.Drafts, []).ToJson();
            var reply = c.English
                ? $"Published the star \"{star.Name}\"." + (noteProblem is null ? "" : $" The knowledge plan could not be added as a note ({noteProblem}).")
                : $"已发布智星「{star.Name}」。" + (noteProblem is null ? "" : $"知识库计划未能添加为笔记（{noteProblem}）。");
            session.LastAssistantReply = reply;
            Message(ctx, session, CreationMessageRole.Assistant, CreationMessageKinds.Note, reply, now);
            await ctx.SaveChangesAsync(ct);
        }, ct);
        return Result<Guid>.Ok(star.Id);
    }

    private sealed record Claimed(CreationStage From, CreationAnchors Anchors, CreationDrafts Drafts, bool English);

    private Task ReleaseAsync(Guid sessionId, CreationStage from, CancellationToken ct) =>
        db.RunAsync((ctx, _) => ctx.CreationSessions
            .Where(s => s.Id == sessionId && s.Stage == CreationStage.Published && s.PublishedStarId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stage, from), ct), ct);

    /// <summary>
    /// The LLM path: (cards, "llm", null) when the configured model drafted valid cards; (null, "offline", reason) when it
    /// failed; (null, "offline", null) when no model is configured.
    /// </summary>
    private async Task<(CreationDrafts? Drafts, string Engine, string? Reason)> DraftWithModelAsync(CreationAnchors anchors, CancellationToken ct)
    {
        var config = await models.ResolveAsync(db, ct);
        if (config.Primary is not { } model)
        {
            return (null, CreationEngines.Offline, null);
        }

        if (model.Problem is { } problem)
        {
            return (null, CreationEngines.Offline, problem);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(DraftTimeout);
        try
        {
            using var client = clients.Create(model);
            using var schema = JsonDocument.Parse(CreationDraftJson.Schema);
            var response = await client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, CreationDraftJson.Instructions(anchors)), new ChatMessage(ChatRole.User, anchors.ToJson())],
                new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "star_cards"), Temperature = 0.7f },
                timeout.Token);
            if (CreationDraftJson.TryParse(response.Text, out var drafts, out var reason))
            {
                return (drafts, CreationEngines.Llm, null);
            }

            log.LogInformation("The creation model {Model} returned unusable cards: {Reason}", model, reason);
            return (null, CreationEngines.Offline, reason);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, CreationEngines.Offline, $"no answer within {DraftTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the model or the client did, the owner still gets cards: the offline drafter takes over.
            if (e is ChatProviderException)
            {
                log.LogInformation(e, "The creation model {Model} failed", model);
            }
            else
            {
                log.LogWarning(e, "Drafting with the creation model {Model} threw", model);
            }

            return (null, CreationEngines.Offline, Cut(e.Message));
        }
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>
    /// Loads the caller's session and its cards, runs <paramref name="change"/> (null = success), counts the turn and
    /// saves. The change returns a result only to refuse.
    /// </summary>
    private Task<Result<CreationSessionView>> ChangeAsync(
        Guid sessionId, Func<StarStudioDbContext, CreationSession, List<CreationDraftCard>, DateTimeOffset, Task<Result<CreationSessionView>?>> change, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            // Locked: two changes of one session at once (two tabs drafting) would both add the missing cards, and the
            // second failed on (session_id, kind); both also counted the same turn. The second now waits for the first.
            if (user.UserId is not { } me
                || await ctx.CreationSessions.FromSql($"SELECT * FROM creation_agent_sessions WHERE id = {sessionId} FOR UPDATE")
                    .FirstOrDefaultAsync(s => s.OwnerId == me, ct) is not { } session)
            {
                return Result<CreationSessionView>.NotFound();
            }

            var cards = await ctx.CreationDraftCards.Where(c => c.SessionId == session.Id).ToListAsync(ct);
            var now = clock.GetUtcNow();
            // The turn this change is (checkpoints and labels name it); a refusal saves nothing, so it is not counted.
            session.CurrentTurn++;
            var refused = await change(ctx, session, cards, now);
            if (refused is not null)
            {
                return refused;
            }

            session.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            return Result<CreationSessionView>.Ok(await ViewAsync(ctx, session, ct));
        }, ct);

    private static async Task<CreationSession?> FindAsync(StarStudioDbContext ctx, UserContext user, Guid id, CancellationToken ct) =>
        user.UserId is not { } me ? null : await ctx.CreationSessions.FirstOrDefaultAsync(s => s.Id == id && s.OwnerId == me, ct);

    /// <summary>Findings, gate and the cards' warning counts, from the session's anchors and cards as they are now.</summary>
    private static void Recompute(CreationSession session, CreationAnchors anchors, CreationDrafts drafts, List<CreationDraftCard> cards)
    {
        var findings = CreationQualityRules.Evaluate(anchors, drafts.IsEmpty ? null : drafts);
        session.QualityFindings = CreationQualityRules.ToJson(findings);
        session.PublishGate = PublishGate.Evaluate(session.Stage, anchors, drafts, findings).ToJson();
        foreach (var card in cards)
        {
            card.WarningCount = CreationQualityRules.CountFor(findings, CreationCards.KeyOf(card.Kind));
        }
    }

    /// <summary>Adds a message; messages of one change are a microsecond apart so the log keeps their order.</summary>
    private static void Message(StarStudioDbContext ctx, CreationSession session, CreationMessageRole role, string kind, string text, DateTimeOffset at)
    {
        var seq = ctx.ChangeTracker.Entries<CreationMessage>().Count();
        ctx.CreationMessages.Add(new CreationMessage { Id = Guid.NewGuid(), SessionId = session.Id, Role = role, Kind = kind, Text = text, CreatedAt = at.AddTicks(seq * 10) });
    }

    private static void Checkpoint(StarStudioDbContext ctx, CreationSession session, string label, CreationAnchors anchors, CreationDrafts drafts, DateTimeOffset at, IEnumerable<CreationDraftCard>? cards = null) =>
        ctx.CreationCheckpoints.Add(new CreationCheckpoint
        {
            Id = Guid.NewGuid(),
            SessionId = session.Id,
            Turn = session.CurrentTurn,
            Label = label.Length <= CreationRules.CheckpointLabelMax ? label : label[..CreationRules.CheckpointLabelMax],
            Snapshot = JsonSerializer.Serialize(new Snapshot(session.Stage, anchors, drafts.IsEmpty ? null : drafts,
                cards?.Where(c => c.Status == CreationDraftStatus.Edited).Select(c => CreationCards.KeyOf(c.Kind)).ToList()), SnapshotJson),
            CreatedAt = at,
        });

    /// <summary>What a checkpoint keeps: stage, anchors and cards.</summary>
    private sealed record Snapshot(CreationStage Stage, CreationAnchors? Anchors, CreationDrafts? Drafts, List<string>? Edited);

    private static Snapshot? ReadSnapshot(string? json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<Snapshot>(json, SnapshotJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CreationStage StageOf(string? snapshotJson) => ReadSnapshot(snapshotJson)?.Stage ?? CreationStage.CollectingAnchors;

    private static bool English(CreationSession session) => OfflineCreationDrafter.IsEnglish(session.SeedText);

    private static string AnchorsReply(AnchorProposal proposal, bool english)
    {
        var missing = proposal.Missing.Count == 0 ? "" : english
            ? " I could not infer: " + string.Join(", ", proposal.Missing) + " — please fill them in."
            : "以下无法从想法中推断，请补充：" + string.Join("、", proposal.Missing.Select(FieldZh)) + "。";
        return english
            ? "Proposed anchors from offline keyword rules (no language model was used)." + missing
            : "已按离线关键词规则提出锚点（未使用大模型）。" + missing;
    }

    private static string FieldZh(string field) => field switch
    {
        "name" => "名称",
        "domain" => "星域",
        "tone" => "语气",
        "audience" => "受众",
        "boundaries" => "边界",
        "sample_questions" => "示例问题",
        _ => field,
    };

    private static string Summary(CreationAnchors a, bool english) => english
        ? $"Anchors: {a.Name} / {a.Domain} / {a.Tone} / {a.Audience}"
        : $"锚点：{a.Name} / {a.Domain} / {a.Tone} / {a.Audience}";

    private static async Task<CreationSessionView> ViewAsync(StarStudioDbContext ctx, CreationSession s, CancellationToken ct)
    {
        var cards = await ctx.CreationDraftCards.AsNoTracking().Where(c => c.SessionId == s.Id).ToListAsync(ct);
        var messages = await ctx.CreationMessages.AsNoTracking().Where(m => m.SessionId == s.Id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(500).ToListAsync(ct);
        var checkpoints = await ctx.CreationCheckpoints.AsNoTracking().Where(c => c.SessionId == s.Id)
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Turn).Take(100)
            .Select(c => new { c.Id, c.Turn, c.Label, c.Snapshot, c.CreatedAt }).ToListAsync(ct);
        return new CreationSessionView(
            s.Id, s.SeedText, s.Stage, s.ProgressPercent, s.CurrentTurn, s.Engine, s.PublishedStarId, s.LastAssistantReply, s.UpdatedAt,
            CreationAnchors.FromJson(s.Anchors),
            cards.OrderBy(c => CreationCards.Kinds.ToList().IndexOf(c.Kind))
                .Select(c => new CreationCardView(c.Kind, c.Status, c.Title, c.Content, c.WarningCount, c.UpdatedAt)).ToList(),
            CreationQualityRules.FromJson(s.QualityFindings),
            PublishGateResult.FromJson(s.PublishGate),
            messages.Select(m => new CreationMessageView(m.Role, m.Kind, m.Text, m.CreatedAt)).ToList(),
            checkpoints.Select(c => new CreationCheckpointView(c.Id, c.Turn, c.Label, StageOf(c.Snapshot), c.CreatedAt)).ToList());
    }
}
