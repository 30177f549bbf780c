using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Chat;

/// <summary>Conversations over PostgreSQL and the document store; answers come from <see cref="IStarChatEngine"/>.</summary>
internal sealed class ConversationService(
    StarStudioDb db,
    IConversationMessageStore messages,
    IStarChatEngine engine,
    ChatRateLimiter limiter,
    ITokenCounter tokens,
    TimeProvider clock,
    ILogger<ConversationService> log,
    IGrowthEvents? growth = null,
    ModelVersionAdapters? adapters = null,
    StarStudio.Core.Extensions.IExtensionService? extensions = null,
    Core.Explore.IStarPlayRecorder? plays = null,
    Core.Configs.ISystemConfigs? configs = null,
    Core.Analytics.ITrackingEvents? tracking = null,
    Engine.AnswerGate? gate = null) : IConversationService
{
    /// <summary>One answer rating per generation: the unique index on <c>answer_feedback.trace_id</c>.</summary>
    private const string FeedbackTraceIndex = "ix_answer_feedback_trace_id";

    /// <summary>What a question is told when no answer slot came free in time (<see cref="Engine.AnswerGate"/>).</summary>
    internal static readonly FieldError Busy = new("Message", "Chat.Busy");

    public Task<Page<ConversationSummary>> ListMineAsync(Guid? starId, int page, int pageSize, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return new Page<ConversationSummary>([], 0);
            }

            var rows = ctx.Conversations.AsNoTracking().Where(c => c.UserId == me && c.DeletedAt == null);
            if (starId is { } s)
            {
                rows = rows.Where(c => c.StarId == s);
            }

            var size = Math.Clamp(pageSize, 1, 100);
            var items = await rows.OrderByDescending(c => c.UpdatedAt).Skip(Math.Max(page, 0) * size).Take(size)
                .Join(ctx.Stars, c => c.StarId, st => st.Id, (c, st) => new ConversationSummary(c.Id, c.StarId, st.Name, c.Title, c.Status, c.FeedbackScore, c.UpdatedAt))
                .ToListAsync(ct);
            return new Page<ConversationSummary>(items, await rows.CountAsync(ct));
        }, ct);

    public async Task<Result<Conversation>> StartAsync(Guid starId, ConversationChannel channel, CancellationToken ct = default)
    {
        Guid? starOwner = null;
        var started = await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<Conversation>.Forbidden();
            }

            // RLS shows a star only to its owner, or to everyone while it is public and active.
            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
            if (star is null)
            {
                return Result<Conversation>.NotFound();
            }

            if (star.OwnerId != me && !(star.IsPublic && star.Status == StarStatus.Active))
            {
                return Result<Conversation>.NotFound();
            }

            if (star.Status == StarStatus.Archived)
            {
                return Result<Conversation>.Invalid("Star", "Chat.Star.Archived");
            }

            var now = clock.GetUtcNow();
            var conversation = new Conversation { Id = Guid.CreateVersion7(), StarId = starId, UserId = me, Channel = channel, CreatedAt = now, UpdatedAt = now };
            ctx.Conversations.Add(conversation);
            await ctx.SaveChangesAsync(ct);
            starOwner = star.OwnerId;
            return Result<Conversation>.Ok(conversation);
        }, ct);
        if (started.Value is { } c)
        {
            // Analytics (docs/analytics.md): queued, never in the way of the conversation.
            tracking?.ConversationStarted(c.Id, c.UserId, c.StarId, starOwner, c.CreatedAt);
        }

        return started;
    }

    public async Task<Result<ConversationView>> GetAsync(Guid conversationId, CancellationToken ct = default)
    {
        var head = await db.RunAsync(async (ctx, user) =>
        {
            var c = await ctx.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId && x.DeletedAt == null, ct);
            if (c is null || user.UserId is not { } me)
            {
                return null;
            }

            var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == c.StarId)
                .Select(s => new { s.Name, s.Domain, s.Tone, HasAvatar = s.AvatarKey != null, s.OwnerId }).FirstOrDefaultAsync(ct);
            var feedback = await ctx.ConversationFeedback.AsNoTracking().Where(f => f.ConversationId == c.Id).OrderByDescending(f => f.CreatedAt).FirstOrDefaultAsync(ct);
            var persona = await PersonaForAsync(ctx, user, c.StarId, ct);
            return new { Conversation = c, Star = star, Feedback = feedback, Owns = star?.OwnerId == me || user.IsAdmin, Participant = c.UserId == me, Persona = persona };
        }, ct);
        if (head is null)
        {
            // Missing and someone else's look the same, so a conversation id reveals nothing.
            return Result<ConversationView>.Forbidden();
        }

        var list = await messages.ListAsync(conversationId, ct);
        return Result<ConversationView>.Ok(new ConversationView(head.Conversation, head.Star?.Name ?? "", head.Star?.Domain ?? "", head.Star?.Tone ?? "",
            head.Star?.HasAvatar == true, head.Owns, head.Participant, list, head.Feedback,
            // The greeting opens every chat as the star's first line; it is shown, never stored or billed as an answer.
            head.Persona is { } p ? PersonaMacros.Render(p.Greeting, p.Star.Name, p.Star.UserName) : "",
            head.Persona?.VersionNo));
    }

    public async IAsyncEnumerable<ChatUpdate> SendAsync(Guid conversationId, string message, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var starting = await EnterGateAsync(ct);
        if (starting is null)
        {
            yield return new ChatRefused(Busy);
            yield break;
        }

        var context = await LoadForSendingAsync(conversationId, ct);
        if (context.Refusal is { } refusal)
        {
            yield return new ChatRefused(refusal);
            yield break;
        }

        var (maxChars, perMinute) = context.Limits;
        if (ChatRules.ValidateMessage(message, maxChars) is { } invalid)
        {
            yield return new ChatRefused(invalid);
            yield break;
        }

        if (!limiter.TryAcquire(context.UserId, perMinute))
        {
            yield return new ChatRefused(new FieldError("Message", "Chat.Message.TooFast", perMinute));
            yield break;
        }

        var (history, userMessage) = await AppendUserMessageAsync(conversationId, message, ct);
        // Files waiting in the composer go with this message (docs/chat-attachments.md).
        await db.RunAsync((ctx, _) => Attachments.ChatAttachmentService.LinkWaitingAsync(ctx, conversationId, context.UserId, userMessage.Id, ct), ct);

        yield return new ChatUserMessage(userMessage);
        await foreach (var update in AnswerAsync(context, history, userMessage, Guid.CreateVersion7(), ct, starting: starting))
        {
            yield return update;
        }
    }

    /// <summary>An answer slot (<see cref="Engine.AnswerGate"/>), or null when none came free in time.</summary>
    private Task<Engine.AnswerGate.Lease?> EnterGateAsync(CancellationToken ct) =>
        gate is null ? Task.FromResult<Engine.AnswerGate.Lease?>(Engine.AnswerGate.Lease.Unbounded) : gate.EnterAsync(ct);

    /// <summary>Stores the user's message after the history read so far; the first message names the conversation.</summary>
    private async Task<(IReadOnlyList<ConversationMessageDocument> History, ConversationMessageDocument Message)> AppendUserMessageAsync(
        Guid conversationId, string message, CancellationToken ct)
    {
        var history = await messages.ListAsync(conversationId, ct);
        var userMessage = new ConversationMessageDocument(Guid.CreateVersion7(), conversationId, MessageSenders.User, message.Trim(),
            tokens.Count(message), [], clock.GetUtcNow());
        await messages.AppendAsync(userMessage, ct);
        if (history.Count == 0)
        {
            await db.RunAsync((ctx, _) => ctx.Conversations.Where(c => c.Id == conversationId && c.Title == "")
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, ChatRules.TitleFrom(message)), ct), ct);
        }

        return (history, userMessage);
    }

    /// <summary>
    /// Sends <paramref name="message"/> and streams an answer that must satisfy <paramref name="responseSchema"/> (a trial's
    /// answer, <see cref="Arena.Entries.TrialEntryService"/>): stored, traced and billed like any answer. The message is
    /// the trial's prompt, written by an admin, so the chat's length limit does not apply; the rate limit does. A
    /// structured answer does not count as the user's chat for growth tasks.
    /// </summary>
    internal async IAsyncEnumerable<ChatUpdate> SendStructuredAsync(Guid conversationId, string message, string responseSchema, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var starting = await EnterGateAsync(ct);
        if (starting is null)
        {
            yield return new ChatRefused(Busy);
            yield break;
        }

        var context = await LoadForSendingAsync(conversationId, ct);
        if (context.Refusal is { } refusal)
        {
            yield return new ChatRefused(refusal);
            yield break;
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            yield return new ChatRefused(new FieldError("Message", "Chat.Message.Empty"));
            yield break;
        }

        if (!limiter.TryAcquire(context.UserId, context.Limits.PerMinute))
        {
            yield return new ChatRefused(new FieldError("Message", "Chat.Message.TooFast", context.Limits.PerMinute));
            yield break;
        }

        var (history, userMessage) = await AppendUserMessageAsync(conversationId, message, ct);

        yield return new ChatUserMessage(userMessage);
        await foreach (var update in AnswerAsync(context, history, userMessage, Guid.CreateVersion7(), ct, responseSchema, starting))
        {
            yield return update;
        }
    }

    public async IAsyncEnumerable<ChatUpdate> RegenerateAsync(Guid conversationId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var starting = await EnterGateAsync(ct);
        if (starting is null)
        {
            yield return new ChatRefused(Busy);
            yield break;
        }

        var context = await LoadForSendingAsync(conversationId, ct);
        if (context.Refusal is { } refusal)
        {
            yield return new ChatRefused(refusal);
            yield break;
        }

        var all = await messages.ListAsync(conversationId, ct);
        var lastUser = all.LastOrDefault(m => m.Sender == MessageSenders.User);
        if (lastUser is null)
        {
            yield return new ChatRefused(new FieldError("Message", "Chat.Regenerate.Nothing"));
            yield break;
        }

        if (!limiter.TryAcquire(context.UserId, context.Limits.PerMinute))
        {
            yield return new ChatRefused(new FieldError("Message", "Chat.Message.TooFast", context.Limits.PerMinute));
            yield break;
        }

        // The answer after the last user message is replaced in place (same id), so the history keeps one answer.
        var previous = all.SkipWhile(m => m.Id != lastUser.Id).Skip(1).FirstOrDefault(m => m.Sender == MessageSenders.Star);
        var history = all.TakeWhile(m => m.Id != lastUser.Id).ToList();
        await foreach (var update in AnswerAsync(context, history, lastUser, previous?.Id ?? Guid.CreateVersion7(), ct, starting: starting))
        {
            yield return update;
        }
    }

    public Task<Result<Conversation>> RenameAsync(Guid conversationId, string title, CancellationToken ct = default)
    {
        title = (title ?? "").Trim();
        if (title.Length == 0)
        {
            return Task.FromResult(Result<Conversation>.Invalid("Title", "Chat.Title.Required"));
        }

        if (title.Length > ChatRules.TitleMax)
        {
            return Task.FromResult(Result<Conversation>.Invalid("Title", "Chat.Title.TooLong", ChatRules.TitleMax));
        }

        return ChangeOwnAsync(conversationId, c => c.Title = title, ct);
    }

    public Task<Result<Conversation>> CloseAsync(Guid conversationId, CancellationToken ct = default) =>
        ChangeOwnAsync(conversationId, c =>
        {
            c.Status = ConversationStatus.Closed;
            c.ClosedAt ??= clock.GetUtcNow();
        }, ct);

    public async Task<Result<bool>> DeleteAsync(Guid conversationId, CancellationToken ct = default)
    {
        var result = await ChangeOwnAsync(conversationId, c => c.DeletedAt = clock.GetUtcNow(), ct);
        return result.Succeeded ? Result<bool>.Ok(true) : result.Kind == ResultKind.NotFound ? Result<bool>.NotFound() : Result<bool>.Forbidden();
    }

    public async Task<Result<ConversationFeedback>> RateAsync(Guid conversationId, short rating, IReadOnlyList<string> labels, string? comment, CancellationToken ct = default)
    {
        labels = labels.Distinct().ToList();
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        var errors = ChatRules.ValidateFeedback(rating, labels, comment);
        if (errors.Count > 0)
        {
            return Result<ConversationFeedback>.Invalid(errors);
        }

        Guid? raterId = null;
        Guid? ratedStar = null;
        var result = await db.RunAsync(async (ctx, user) =>
        {
            var c = await ctx.Conversations.FirstOrDefaultAsync(x => x.Id == conversationId && x.DeletedAt == null, ct);
            if (c is null || c.UserId != user.UserId)
            {
                return Result<ConversationFeedback>.Forbidden();
            }

            // One rating per conversation: rating again replaces it.
            var feedback = await ctx.ConversationFeedback.FirstOrDefaultAsync(f => f.ConversationId == conversationId, ct);
            var isNew = feedback is null;
            if (feedback is null)
            {
                feedback = new ConversationFeedback { Id = Guid.CreateVersion7(), ConversationId = conversationId };
                ctx.ConversationFeedback.Add(feedback);
            }

            feedback.Rating = rating;
            feedback.Labels = [.. labels];
            feedback.Comment = comment;
            feedback.CreatedAt = clock.GetUtcNow();
            c.FeedbackScore = rating;
            (raterId, ratedStar) = (c.UserId, c.StarId);
            await ctx.SaveChangesAsync(ct);
            if (isNew)
            {
                // The owner's receiver learns of the rating, not of who gave it.
                await global::StarStudio.Data.Webhooks.WebhookOutbox.EmitAsync(ctx, StarStudio.Core.Webhooks.WebhookEvents.RatingCreated, c.StarId,
                    new { rating_id = feedback.Id, conversation_id = conversationId, rating, labels = feedback.Labels, comment }, feedback.CreatedAt, ct);
            }
            return Result<ConversationFeedback>.Ok(feedback);
        }, ct);
        if (result.Succeeded && growth is not null)
        {
            await growth.RecordAsync(GrowthEventKeys.RateAnswer, CancellationToken.None);
        }

        if (result.Value is { } rated && raterId is { } rater)
        {
            // A re-rating replaces the rating: the same event id, counted once (the first time).
            tracking?.RatingGiven("conversation", rated.Id.ToString(), rater, ratedStar, rated.Rating, rated.CreatedAt);
        }

        return result;
    }

    public async Task<Result<AnswerFeedback>> RateAnswerAsync(Guid conversationId, Guid messageId, short rating, IReadOnlyList<string> labels, CancellationToken ct = default)
    {
        labels = labels.Distinct().ToList();
        var errors = ChatRules.ValidateFeedback(rating, labels, null);
        if (errors.Count > 0)
        {
            return Result<AnswerFeedback>.Invalid(errors);
        }

        var conversation = await db.RunAsync(async (ctx, user) =>
        {
            var c = await ctx.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId && x.DeletedAt == null, ct);
            return c is not null && user.UserId is { } me && c.UserId == me ? c : null;
        }, ct);
        if (conversation is null)
        {
            return Result<AnswerFeedback>.Forbidden();
        }

        // The message store is read outside the rating's transaction (it may be MongoDB); the text rated is the text shown now.
        var all = await messages.ListAsync(conversationId, ct);
        var answer = all.FirstOrDefault(m => m.Id == messageId);
        if (ChatRules.RateableAnswer(answer) is { } notRateable)
        {
            return Result<AnswerFeedback>.Invalid([notRateable]);
        }

        var prompt = ChatRules.PromptOf(all, messageId)?.Content ?? "";
        var traceId = answer!.TraceId!.Value;
        try
        {
            Task<Result<AnswerFeedback>> SaveRatingAsync() => db.RunAsync(async (ctx, _) =>
            {
                // One row per generation: the same trace again is a re-rating; a regenerated answer has a new trace and row,
                // so the earlier generation's rating and text stay (a DPO pair once they differ).
                var row = await ctx.AnswerFeedback.FirstOrDefaultAsync(f => f.TraceId == traceId, ct);
                var now = clock.GetUtcNow();
                if (row is null)
                {
                    row = new AnswerFeedback
                    {
                        Id = Guid.CreateVersion7(),
                        ConversationId = conversationId,
                        StarId = conversation.StarId,
                        UserId = conversation.UserId,
                        MessageId = messageId,
                        TraceId = traceId,
                        Prompt = prompt,
                        Answer = answer.Content,
                        ModelVersionId = answer.ModelVersionId,
                        CreatedAt = now,
                    };
                    ctx.AnswerFeedback.Add(row);
                }

                row.Rating = rating;
                row.Labels = [.. labels];
                row.UpdatedAt = now;
                await ctx.SaveChangesAsync(ct);
                return Result<AnswerFeedback>.Ok(row);
            }, ct);

            Result<AnswerFeedback> result;
            try
            {
                result = await SaveRatingAsync();
            }
            catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation, ConstraintName: FeedbackTraceIndex })
            {
                // Two ratings of one generation at once (two tabs, a star and a label clicked together) both found no row
                // and both inserted; this one lost on the trace's unique index. Again, it finds the row and updates it.
                result = await SaveRatingAsync();
            }

            if (growth is not null)
            {
                await growth.RecordAsync(GrowthEventKeys.RateAnswer, CancellationToken.None);
            }

            if (result.Value is { } rated)
            {
                // One event per rated generation (a re-rating is the same event id).
                tracking?.RatingGiven("answer", rated.Id.ToString(), rated.UserId, rated.StarId, rated.Rating, rated.UpdatedAt);
            }

            return result;
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: "42501" or "23503" })
        {
            // The database refused the trace (not this conversation's, not this user's, or another version's): say so
            // instead of failing, the message's record and the trace disagree.
            log.LogWarning(ex, "Rating of message {MessageId} refused for trace {TraceId}", messageId, traceId);
            return Result<AnswerFeedback>.Invalid("Message", "Chat.AnswerRating.NotCompleted");
        }
    }

    public Task<IReadOnlyDictionary<Guid, AnswerRatingView>> GetMyAnswerRatingsAsync(Guid conversationId, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyDictionary<Guid, AnswerRatingView>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return new Dictionary<Guid, AnswerRatingView>();
            }

            return await ctx.AnswerFeedback.AsNoTracking().Where(f => f.ConversationId == conversationId && f.UserId == me)
                .ToDictionaryAsync(f => f.TraceId, f => new AnswerRatingView(f.MessageId, f.TraceId, f.Rating, f.Labels), ct);
        }, ct);

    public Task<Result<TraceView>> GetTraceAsync(Guid messageId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var trace = await ctx.ChatTraces.AsNoTracking().Where(t => t.MessageId == messageId)
                .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).FirstOrDefaultAsync(ct);
            if (trace is null || user.UserId is not { } me)
            {
                return Result<TraceView>.NotFound();
            }

            var owns = user.IsAdmin || await ctx.Stars.AnyAsync(s => s.Id == trace.StarId && s.OwnerId == me, ct);
            if (!owns)
            {
                return Result<TraceView>.Forbidden();
            }

            var steps = await ctx.ChatTraceSteps.AsNoTracking().Where(s => s.TraceId == trace.Id).OrderBy(s => s.Seq).ToListAsync(ct);
            var versionNo = trace.PersonaVersionId is { } pv
                ? await ctx.StarPersonaVersions.AsNoTracking().Where(v => v.Id == pv).Select(v => (int?)v.VersionNo).FirstOrDefaultAsync(ct)
                : null;
            return Result<TraceView>.Ok(new TraceView(trace, steps, versionNo));
        }, ct);

    public Task<Result<string>> GetCitedPassageAsync(Guid conversationId, Guid chunkId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, _) =>
        {
            var starId = await ctx.Conversations.AsNoTracking().Where(c => c.Id == conversationId).Select(c => (Guid?)c.StarId).FirstOrDefaultAsync(ct);
            if (starId is null)
            {
                return Result<string>.Forbidden();
            }

            var text = await ctx.StarEmbeddings.AsNoTracking().Where(e => e.ChunkId == chunkId && e.StarId == starId).Select(e => e.Content).FirstOrDefaultAsync(ct)
                // A passage of a file attached to the conversation: its user reads it (RLS), the star's owner does not.
                ?? await Attachments.ChatAttachmentService.ChunkTextAsync(ctx, conversationId, chunkId, ct);
            return text is null ? Result<string>.NotFound() : Result<string>.Ok(text);
        }, ct);

    public Task<Result<StarFeedbackReport>> GetFeedbackReportAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me || !await ctx.Stars.AnyAsync(s => s.Id == starId && (s.OwnerId == me || user.IsAdmin), ct))
            {
                return Result<StarFeedbackReport>.NotFound();
            }

            var rows = await ctx.ConversationFeedback.AsNoTracking()
                .Join(ctx.Conversations.Where(c => c.StarId == starId), f => f.ConversationId, c => c.Id, (f, _) => f)
                .OrderByDescending(f => f.CreatedAt).Take(2000).ToListAsync(ct);
            var labels = rows.SelectMany(f => f.Labels).GroupBy(l => l).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
            var trend = rows.GroupBy(f => DateOnly.FromDateTime(f.CreatedAt.UtcDateTime)).OrderBy(g => g.Key)
                .Select(g => new DailyRating(g.Key, g.Average(f => (double)f.Rating), g.Count())).TakeLast(30).ToList();
            var recent = rows.Take(10).Select(f => new FeedbackComment(f.ConversationId, f.Rating, f.Comment, f.Labels, f.CreatedAt)).ToList();
            return Result<StarFeedbackReport>.Ok(new StarFeedbackReport(rows.Count, rows.Count == 0 ? null : rows.Average(f => (double)f.Rating), labels, recent, trend));
        }, ct);

    private async IAsyncEnumerable<ChatUpdate> AnswerAsync(SendContext context, IReadOnlyList<ConversationMessageDocument> history,
        ConversationMessageDocument userMessage, Guid answerId, [EnumeratorCancellation] CancellationToken ct, string? responseSchema = null,
        Engine.AnswerGate.Lease? starting = null)
    {
        // The conversation's own attachments (docs/chat-attachments.md); a trial's structured answer takes none.
        var (attachmentPassages, unreadImages) = responseSchema is null
            ? await db.RunAsync((ctx, _) => Attachments.ChatAttachmentService.ForAnswerAsync(ctx, context.ConversationId, context.UserId, userMessage.Id, userMessage.Content, ct), ct)
            : ([], []);
        var request = new ChatRequest(context.Persona,
            history.Where(m => m.Status != MessageStatuses.Failed && m.Content.Length > 0)
                .Select(m => new ChatTurn(m.Sender == MessageSenders.User ? ChatTurn.User : ChatTurn.Assistant, m.Content)).ToList(),
            userMessage.Content, context.ConversationId, context.UserId, answerId)
        {
            ResponseSchema = responseSchema,
            Adapter = context.Version?.Adapter,
            ModelOverride = context.Version?.Served,
            // The player's own system prompt (docs/preferences.md); a trial's answer is judged on the star alone.
            UserSystemPrompt = responseSchema is null ? context.UserSystemPrompt : null,
            AttachmentPassages = attachmentPassages,
            UnreadAttachments = unreadImages,
            Template = responseSchema is null ? await ActiveTemplateAsync(ct) : null,
        };
        ChatOutcome? outcome = null;
        var streamed = new System.Text.StringBuilder();
        var thinking = new System.Text.StringBuilder();

        // The engine reports failures in its outcome; the user's cancel (stop button) ends the stream early.
        var events = engine.StreamAsync(request, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                ChatEvent current;
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        break;
                    }

                    current = events.Current;
                    // The answer has started: its slot goes to the next question (a slow stream holds none).
                    starting?.Release();
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }

                if (current is ChatDelta delta)
                {
                    streamed.Append(delta.Text);
                    yield return new ChatAnswerDelta(delta.Text);
                }
                else if (current is ChatThinkingDelta thought)
                {
                    thinking.Append(thought.Text);
                    yield return new ChatThinking(thought.Text);
                }
                else if (current is ChatCompleted done)
                {
                    outcome = done.Outcome;
                }
            }
        }
        finally
        {
            await events.DisposeAsync();
        }

        var content = outcome?.Content ?? streamed.ToString();
        var status = outcome is { Success: true } ? MessageStatuses.Completed
            : outcome is { Cancelled: true } || (outcome is null && ct.IsCancellationRequested) ? MessageStatuses.Stopped
            : MessageStatuses.Failed;
        // Each generation has a trace of its own (a regenerated answer keeps its message id): ratings name the generation by it.
        var traceId = outcome is null ? (Guid?)null : Guid.CreateVersion7();
        var answer = new ConversationMessageDocument(answerId, context.ConversationId, MessageSenders.Star, content,
            outcome?.TokensOut ?? tokens.Count(content), outcome?.ToolCalls ?? [], clock.GetUtcNow(), status, outcome?.Model,
            traceId, outcome?.Citations ?? [], context.Version?.Id, context.Version?.Name,
            // Kept with the answer to show collapsed above it; the history sent to the model takes Content only.
            outcome is not null ? outcome.Thinking : thinking.Length > 0 ? thinking.ToString() : null);

        // Stored even if the page went away mid-answer: nothing the user saw is lost.
        await messages.UpsertAsync(answer, CancellationToken.None);
        if (outcome is not null)
        {
            await RecordAsync(context, answer, outcome);
        }

        if (status == MessageStatuses.Completed && responseSchema is null)
        {
            // Analytics (docs/analytics.md): queued, never in the way of the answer.
            tracking?.MessageAnswered(answer.Id, context.UserId, context.Persona.StarId, null, answer.CreatedAt);
        }

        if (status == MessageStatuses.Completed && growth is not null && responseSchema is null)
        {
            // The chatting user's "chat with a star" task; stopped or failed answers do not count.
            await growth.RecordAsync(GrowthEventKeys.ChatMessage, CancellationToken.None);
        }

        if (status == MessageStatuses.Completed && plays is not null && responseSchema is null)
        {
            // The gallery's play (once per user, star and Beijing day) and "recently chatted" (docs/explore.md).
            await RecordPlayAsync(plays, context.Persona.StarId);
        }

        yield return new ChatAnswered(answer, status == MessageStatuses.Failed ? ChatRules.AnswerError(outcome?.ErrorPhase, outcome?.Error, context.IsAdmin) : null);
    }

    /// <summary>The chatting user's enabled chat template (docs/extensions.md); a failure to read it answers without one.</summary>
    private async Task<StarStudio.Core.Extensions.ChatTemplatePack?> ActiveTemplateAsync(CancellationToken ct)
    {
        if (extensions is null)
        {
            return null;
        }

        try
        {
            return (await extensions.ActiveAsync(ct)).ChatTemplate;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Reading the user's chat template failed; answering without it");
            return null;
        }
    }

    // A lost play costs a count, not the answer: logged, never thrown into the chat.
    private async Task RecordPlayAsync(Core.Explore.IStarPlayRecorder recorder, Guid starId)
    {
        try
        {
            await recorder.RecordAsync(starId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or DbUpdateException)
        {
            log.LogError(ex, "Could not record the play of star {StarId}", starId);
        }
    }

    private async Task RecordAsync(SendContext context, ConversationMessageDocument answer, ChatOutcome outcome)
    {
        try
        {
            await db.RunAsync(async (ctx, _) =>
            {
                // A regenerated answer keeps its message id and gets a trace of its own; the newest is the one shown.
                // The writer (often a player) may not read or remove traces, which hold the star's prompt.
                var trace = new ChatTrace
                {
                    Id = answer.TraceId ?? Guid.CreateVersion7(),
                    ConversationId = context.ConversationId,
                    StarId = context.Persona.StarId,
                    UserId = context.UserId,
                    MessageId = answer.Id,
                    Model = outcome.Model,
                    TokensIn = outcome.TokensIn,
                    TokensOut = outcome.TokensOut,
                    TotalMs = outcome.TotalMs,
                    FirstTokenMs = outcome.FirstTokenMs,
                    ToolCalls = outcome.ToolCalls.Count,
                    Cost = outcome.Cost,
                    Success = outcome.Success,
                    ErrorPhase = outcome.ErrorPhase,
                    Error = outcome.Error,
                    Prompt = outcome.PromptJson,
                    CreatedAt = clock.GetUtcNow(),
                    ModelVersionId = context.Version?.Id,
                    PersonaVersionId = context.Persona.PersonaVersionId,
                    CitationCount = outcome.CitationCount,
                    CopiedShare = outcome.CopiedShare is { } copied ? (float)copied : null,
                };
                ctx.ChatTraces.Add(trace);
                ctx.ChatTraceSteps.AddRange(outcome.Steps.Select((s, i) => new ChatTraceStep
                {
                    Id = Guid.CreateVersion7(),
                    TraceId = trace.Id,
                    Seq = i,
                    Kind = s.Kind,
                    Name = s.Name.Length > 200 ? s.Name[..200] : s.Name,
                    Input = JsonOrNull(s.InputJson),
                    Output = JsonOrNull(s.OutputJson),
                    TokensIn = s.TokensIn,
                    TokensOut = s.TokensOut,
                    DurationMs = s.DurationMs,
                    Success = s.Success,
                    Error = s.Error,
                }));
                await ctx.SaveChangesAsync();

                // One usage record per model call (a tool round or a fallback is another call). The request id
                // (trace and step) is unique, so recording the same call twice counts it once. The answer's cost
                // is shared among its calls by tokens.
                var calls = outcome.Steps.Select((step, seq) => (step, seq)).Where(x => x.step.Kind == TraceStepKinds.ModelCall).ToList();
                var totalTokens = calls.Sum(x => x.step.TokensIn + x.step.TokensOut);
                foreach (var (step, seq) in calls)
                {
                    var requestId = $"{trace.Id}:{seq}";
                    var cost = totalTokens == 0 ? outcome.Cost / calls.Count : outcome.Cost * (step.TokensIn + step.TokensOut) / totalTokens;
                    await ctx.Database.ExecuteSqlAsync($"""
                        INSERT INTO usage_records (request_id, user_id, star_id, conversation_id, provider, model, tokens_in, tokens_out, cost)
                        VALUES ({requestId}, {context.UserId}, {context.Persona.StarId}, {context.ConversationId}, {outcome.Provider}, {step.Name}, {step.TokensIn}, {step.TokensOut}, {decimal.Round(cost, 6)})
                        ON CONFLICT (request_id) DO NOTHING
                        """);
                }

                await ctx.Conversations.Where(c => c.Id == context.ConversationId).ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.UpdatedAt, clock.GetUtcNow())
                    .SetProperty(c => c.PersonaVersionId, context.Persona.PersonaVersionId));
            });
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            // The answer is stored; a lost trace is logged rather than turning the answer into an error.
            log.LogError(ex, "Could not record the trace of message {MessageId}", answer.Id);
        }
    }

    private static string? JsonOrNull(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var _ = JsonDocument.Parse(json);
            return json;
        }
        catch (JsonException)
        {
            return JsonSerializer.Serialize(json);
        }
    }

    private Task<Result<Conversation>> ChangeOwnAsync(Guid conversationId, Action<Conversation> change, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            var c = await ctx.Conversations.FirstOrDefaultAsync(x => x.Id == conversationId && x.DeletedAt == null, ct);
            if (c is null || c.UserId != user.UserId)
            {
                return Result<Conversation>.Forbidden();
            }

            change(c);
            c.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<Conversation>.Ok(c);
        }, ct);

    private async Task<SendContext> LoadForSendingAsync(Guid conversationId, CancellationToken ct)
    {
        var context = await LoadRowsForSendingAsync(conversationId, ct);
        if (context.Version is { } v && adapters is not null && v.ArtifactUri is not null)
        {
            // Read outside the transaction: the object store may be slow, and a version's adapter never changes.
            context = context with { Version = v with { Adapter = await adapters.GetAsync(context.Persona.StarId, v.Id, v.ArtifactUri, ct) } };
        }

        return context;
    }

    private Task<SendContext> LoadRowsForSendingAsync(Guid conversationId, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            var c = await ctx.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId && x.DeletedAt == null, ct);
            if (c is null || user.UserId is not { } me || c.UserId != me)
            {
                return SendContext.Refused(new FieldError("Conversation", "Chat.Conversation.Forbidden"));
            }

            if (c.Status == ConversationStatus.Closed)
            {
                return SendContext.Refused(new FieldError("Conversation", "Chat.Conversation.Closed"));
            }

            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == c.StarId, ct);
            if (star is null || (star.OwnerId != me && !(star.IsPublic && star.Status == StarStatus.Active)) || star.Status == StarStatus.Archived)
            {
                return SendContext.Refused(new FieldError("Conversation", "Chat.Star.Unavailable"));
            }

            // The active version (docs/training.md): its name goes into the prompt, its adapter or served model makes the answer.
            var version = star.CurrentModelVersion is { } v
                ? await (from m in ctx.StarModelVersions.AsNoTracking()
                         where m.Id == v
                         join t in ctx.Trainers.AsNoTracking() on m.TrainerId equals t.Id into trainers
                         from t in trainers.DefaultIfEmpty()
                         select new ActiveVersion(m.Id, m.VersionName, m.ArtifactUri,
                             m.ServedModelId != null && t != null && t.ServingProviderId != null ? new ServedModel(t.ServingProviderId.Value, m.ServedModelId) : null,
                             null)).FirstOrDefaultAsync(ct)
                : null;
            var settings = await SystemConfigReader.SnapshotAsync(configs, ctx, ct);
            var maxChars = settings.Int32(Core.Configs.ConfigRegistry.ChatMaxMessageChars);
            var perMinute = settings.Int32(Core.Configs.ConfigRegistry.ChatRatePerMinute);
            // Members chat faster (docs/billing.md): their tier multiplies the platform's limit.
            var benefits = await Billing.Membership.MembershipBenefitsQuery.ForAsync(ctx, me, clock.GetUtcNow(), ct);
            perMinute = benefits.ChatRatePerMinute(perMinute);
            var persona = (await PersonaForAsync(ctx, user, star.Id, ct))!.Star with { ModelVersion = version?.Name };
            var ownPrompt = await ctx.UserPreferences.AsNoTracking().Where(p => p.UserId == me).Select(p => p.SystemPrompt).FirstOrDefaultAsync(ct);
            return new SendContext(c.Id, me, persona, (maxChars, perMinute), null, user.IsAdmin, version) { UserSystemPrompt = ownPrompt };
        }, ct);

    /// <summary>
    /// The persona a user chats with (docs/persona-versions.md): the owner and admins get the working copy (saved as
    /// the star's latest version), everyone else the approved public version's snapshot. A star published before
    /// versions existed has no public version yet and answers from its working copy, as it did then.
    /// </summary>
    private static async Task<ChatPersona?> PersonaForAsync(StarStudioDbContext ctx, UserContext user, Guid starId, CancellationToken ct)
    {
        var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
        if (star is null || user.UserId is not { } me)
        {
            return null;
        }

        var userName = await ctx.Users.AsNoTracking().Where(u => u.Id == me).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "";
        var versionId = star.OwnerId == me || user.IsAdmin ? star.PersonaVersionId : star.PublicVersionId ?? star.PersonaVersionId;
        var version = versionId is { } id ? await ctx.StarPersonaVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct) : null;
        if (version is not null && (star.OwnerId != me && !user.IsAdmin))
        {
            return new ChatPersona(new StarPersona(star.Id, version.Name, version.Domain, version.Persona, version.Tone, null,
                version.SystemPrompt, version.Scenario, version.ExampleDialogues, userName, version.Id), version.Greeting, version.VersionNo);
        }

        // The working copy; the version it was saved as is named only when the row is readable (a player cannot read an
        // unapproved version, and then no version is recorded).
        return new ChatPersona(new StarPersona(star.Id, star.Name, star.Domain, star.Persona, star.Tone, null,
            star.SystemPrompt, star.Scenario, star.ExampleDialogues, userName, version?.Id), star.Greeting, version?.VersionNo);
    }

    /// <summary>The persona to answer with, the greeting of the same version, and that version's number.</summary>
    private sealed record ChatPersona(StarPersona Star, string Greeting, int? VersionNo);

    /// <param name="IsAdmin">Admins see a provider's own error text; everyone else a localized reason (ChatRules.AnswerError).</param>
    /// <param name="Version">The star's active model version, or null for its base persona.</param>
    private sealed record SendContext(Guid ConversationId, Guid UserId, StarPersona Persona, (int MaxChars, int PerMinute) Limits, FieldError? Refusal, bool IsAdmin = false, ActiveVersion? Version = null)
    {
        /// <summary>The user's own system prompt from their preferences (docs/preferences.md), or null.</summary>
        public string? UserSystemPrompt { get; init; }

        public static SendContext Refused(FieldError error) => new(Guid.Empty, Guid.Empty, new StarPersona(Guid.Empty, "", "", "", "", null), (0, 0), error);
    }

    /// <summary>The version that answers: its adapter (read from the artifact) and, for an external trainer's version, its served model.</summary>
    private sealed record ActiveVersion(Guid Id, string Name, string? ArtifactUri, ServedModel? Served, Core.Training.PromptAdapter? Adapter);
}
