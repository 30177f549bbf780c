using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Entries;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Chat;
using StarStudio.Data.Infrastructure;
using StarStudio.Core.Analytics;

namespace StarStudio.Data.Arena.Entries;

/// <summary>
/// Trial entries over PostgreSQL (as the current user; RLS lets an owner write drafts and entries of their own stars
/// only) and the object store (answers in <c>trial-responses</c>). Answers come from the chat engine through
/// <see cref="ConversationService.SendStructuredAsync"/>: one conversation on channel <c>trial</c> per draft, so each has
/// its own stored messages, trace and usage records, written exactly as chat writes them.
/// </summary>
internal sealed class TrialEntryService(
    StarStudioDb db,
    ConversationService conversations,
    IObjectStore store,
    TimeProvider clock,
    ILogger<TrialEntryService> log,
    IGrowthEvents? growth = null,
    Core.Analytics.ITrackingEvents? tracking = null) : ITrialEntryService
{
    private const string Field = TrialEntryRules.Field;

    public Task<Result<TrialEntryPanelState>> GetPanelAsync(Guid trialId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, ct);
            if (trial is null || user.UserId is not { } me || trial.Status == TrialStatus.Draft)
            {
                return Result<TrialEntryPanelState>.NotFound();
            }

            var stars = await ctx.Stars.AsNoTracking().Where(s => s.OwnerId == me && s.Status != StarStatus.Archived)
                .OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
            var drafts = await ctx.TrialEntryDrafts.AsNoTracking().Where(d => d.TrialId == trialId && d.OwnerId == me)
                .GroupBy(d => d.StarId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            var entries = await ctx.TrialEntries.AsNoTracking().Where(e => e.TrialId == trialId && e.OwnerId == me)
                .Select(e => new { e.Id, e.StarId, e.DraftId, e.StarName }).ToListAsync(ct);
            var max = TrialEntryRules.MaxDrafts(trial);
            var rows = stars.Select(s =>
            {
                var used = drafts.GetValueOrDefault(s.Id);
                var entry = entries.FirstOrDefault(e => e.StarId == s.Id);
                return new TrialEntryStar(s.Id, s.Name, used, entry is null ? Math.Max(0, max - used) : 0, entry?.Id, entry?.DraftId);
            }).ToList();
            return Result<TrialEntryPanelState>.Ok(new TrialEntryPanelState(trial.Id, trial.Title, TrialPhases.Of(trial, clock.GetUtcNow()),
                trial.SubmitUntil, trial.MaxEntriesPerOwner, max, entries.Count, rows));
        }, ct);

    public async Task<Result<TrialDraftView>> GenerateAsync(Guid trialId, Guid starId, CancellationToken ct = default)
    {
        var gate = await db.RunAsync((ctx, user) => CheckGenerateAsync(ctx, user, trialId, starId, ct), ct);
        if (gate.Refusal is { } refusal)
        {
            return refusal;
        }

        var trial = gate.Trial!;
        var started = await conversations.StartAsync(starId, ConversationChannel.Trial, ct);
        if (!started.Succeeded)
        {
            return started.Kind == ResultKind.Invalid ? Result<TrialDraftView>.Invalid(started.Errors) : Result<TrialDraftView>.NotFound();
        }

        var conversationId = started.Value!.Id;
        ConversationMessageDocument? answer = null;
        string? failure = null;
        await foreach (var update in conversations.SendStructuredAsync(conversationId, trial.Prompt, trial.AnswerSchema, ct))
        {
            switch (update)
            {
                case ChatRefused refused:
                    return Result<TrialDraftView>.Invalid([refused.Error]);
                case ChatAnswered answered:
                    answer = answered.Message;
                    failure = answered.Error;
                    break;
            }
        }

        // A model that failed wrote no answer: nothing is kept and no attempt is used (the trace keeps the failure).
        if (answer is null || failure is not null || answer.Status != MessageStatuses.Completed)
        {
            return Result<TrialDraftView>.Invalid(Field, TrialEntryRules.AnswerFailedCode);
        }

        var text = TrialEntryRules.ExtractJson(answer.Content);
        var errors = Check(gate.Schema!, text, out var isJson);
        var draftId = Guid.CreateVersion7();
        var key = TrialResponseKeys.Draft(trialId, draftId);
        try
        {
            await store.PutAsync(Buckets.TrialResponses, key, new MemoryStream(Encoding.UTF8.GetBytes(text)),
                isJson ? "application/json" : "text/plain; charset=utf-8", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No stored answer, no draft: the attempt is not used and the owner may try again.
            log.LogError(e, "Storing the answer of star {StarId} for trial {TrialId} failed", starId, trialId);
            return Result<TrialDraftView>.Invalid(Field, TrialEntryRules.StorageFailedCode);
        }

        Result<TrialDraftView> stored;
        try
        {
            stored = await db.RunAsync((ctx, user) => InsertDraftAsync(ctx, user, trial, starId, draftId, conversationId, answer.Model, text, errors, ct), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            stored = Result<TrialDraftView>.Invalid(Field, TrialEntryRules.BusyCode);
        }

        if (!stored.Succeeded)
        {
            await store.DeleteAsync(Buckets.TrialResponses, key, CancellationToken.None);
        }

        return stored;
    }

    private sealed record Gate(StarTrial? Trial, AcceptedSchema? Schema, Result<TrialDraftView>? Refusal);

    private async Task<Gate> CheckGenerateAsync(StarStudioDbContext ctx, UserContext user, Guid trialId, Guid starId, CancellationToken ct)
    {
        var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, ct);
        if (trial is null || user.UserId is not { } me || trial.Status == TrialStatus.Draft)
        {
            return new Gate(null, null, Result<TrialDraftView>.NotFound());
        }

        if (await StarRefusalAsync(ctx, me, starId, ct) is { } starRefusal)
        {
            return new Gate(null, null, Convert<TrialDraftView>(starRefusal));
        }

        if (Limits(trial, clock.GetUtcNow()) is { } closed)
        {
            return new Gate(null, null, Result<TrialDraftView>.Invalid([closed]));
        }

        var entered = await ctx.TrialEntries.AsNoTracking().Where(e => e.TrialId == trialId && e.OwnerId == me).Select(e => e.StarId).ToListAsync(ct);
        if (entered.Contains(starId))
        {
            return new Gate(null, null, Result<TrialDraftView>.Invalid(Field, TrialEntryRules.AlreadyEnteredCode));
        }

        if (entered.Count >= trial.MaxEntriesPerOwner)
        {
            return new Gate(null, null, Result<TrialDraftView>.Invalid(Field, TrialEntryRules.LimitCode, trial.MaxEntriesPerOwner));
        }

        var drafts = await ctx.TrialEntryDrafts.CountAsync(d => d.TrialId == trialId && d.StarId == starId, ct);
        if (drafts >= TrialEntryRules.MaxDrafts(trial))
        {
            return new Gate(null, null, Result<TrialDraftView>.Invalid(Field, TrialEntryRules.DraftsUsedCode, TrialEntryRules.MaxDrafts(trial)));
        }

        var schema = AnswerSchemas.Accept(trial.AnswerSchema);
        if (!schema.Succeeded)
        {
            // Saved schemas passed Accept; one that no longer does (rules tightened since) cannot judge answers.
            log.LogWarning("Trial {TrialId} has an answer schema that is no longer accepted", trialId);
            return new Gate(null, null, Result<TrialDraftView>.Invalid(Field, TrialEntryRules.SchemaCode));
        }

        return new Gate(trial, schema.Value, null);
    }

    private static async Task<Result<bool>?> StarRefusalAsync(StarStudioDbContext ctx, Guid me, Guid starId, CancellationToken ct)
    {
        // RLS shows public stars too; only the owner enters a star, and someone else's looks missing.
        var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId).Select(s => new { s.OwnerId, s.Status }).FirstOrDefaultAsync(ct);
        if (star is null || star.OwnerId != me)
        {
            return Result<bool>.NotFound();
        }

        return star.Status == StarStatus.Archived ? Result<bool>.Invalid(Field, TrialEntryRules.StarArchivedCode) : null;
    }

    private static Result<T> Convert<T>(Result<bool> refusal) => refusal.Kind switch
    {
        ResultKind.Invalid => Result<T>.Invalid(refusal.Errors),
        ResultKind.Forbidden => Result<T>.Forbidden(),
        _ => Result<T>.NotFound(),
    };

    /// <summary>The window rule: entries and answers only while the trial takes submissions.</summary>
    private static FieldError? Limits(StarTrial trial, DateTimeOffset now) =>
        TrialPhases.Of(trial, now) == TrialPhase.Submissions ? null : new FieldError(Field, TrialEntryRules.NotOpenCode);

    /// <summary>The answer's errors; a text that is not JSON (or too big, too deep, with a repeated key) gets its refusal as the one error.</summary>
    private static IReadOnlyList<AnswerError> Check(AcceptedSchema schema, string text, out bool isJson)
    {
        var result = AnswerSchemas.Validate(schema, text);
        isJson = result.Succeeded;
        if (result.Succeeded)
        {
            return result.Value!;
        }

        return result.Errors.Select(e => new AnswerError("", e.Code, string.Join(", ", e.Args.Select(a => a?.ToString())))).ToList();
    }

    private async Task<Result<TrialDraftView>> InsertDraftAsync(StarStudioDbContext ctx, UserContext user, StarTrial trial, Guid starId, Guid draftId,
        Guid conversationId, string? model, string text, IReadOnlyList<AnswerError> errors, CancellationToken ct)
    {
        var me = user.UserId!.Value;

        // Two answers written at once for one star: the lock orders them, so the count below is the count at insert.
        await ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"trial-draft:" + trial.Id + ":" + starId}, 0))", ct);
        var fresh = await ctx.StarTrials.AsNoTracking().FirstAsync(t => t.Id == trial.Id, ct);
        if (Limits(fresh, clock.GetUtcNow()) is { } closed)
        {
            return Result<TrialDraftView>.Invalid([closed]);
        }

        var attempts = await ctx.TrialEntryDrafts.CountAsync(d => d.TrialId == trial.Id && d.StarId == starId, ct);
        if (attempts >= TrialEntryRules.MaxDrafts(fresh))
        {
            return Result<TrialDraftView>.Invalid(Field, TrialEntryRules.DraftsUsedCode, TrialEntryRules.MaxDrafts(fresh));
        }

        var provider = await ctx.UsageRecords.AsNoTracking().Where(u => u.ConversationId == conversationId)
            .OrderBy(u => u.RequestId).Select(u => u.Provider).FirstOrDefaultAsync(ct)
            ?? (model == OfflineEngine.Model ? OfflineEngine.Provider : "");
        var draft = new TrialEntryDraft
        {
            Id = draftId,
            TrialId = trial.Id,
            StarId = starId,
            OwnerId = me,
            Attempt = attempts + 1,
            ResponseUri = TrialResponseKeys.Uri(TrialResponseKeys.Draft(trial.Id, draftId)),
            SchemaValid = errors.Count == 0,
            Errors = TrialEntryRules.ErrorsJson(errors),
            ConversationId = conversationId,
            Provider = Cut(provider, 100),
            Model = Cut(model ?? "", 200),
            CreatedAt = clock.GetUtcNow(),
        };
        ctx.TrialEntryDrafts.Add(draft);
        await ctx.SaveChangesAsync(ct);
        return Result<TrialDraftView>.Ok(new TrialDraftView(Summary(draft), text, errors));
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private static TrialDraftSummary Summary(TrialEntryDraft d) =>
        new(d.Id, d.TrialId, d.StarId, d.Attempt, d.SchemaValid, TrialEntryRules.ParseErrors(d.Errors).Count, d.Provider, d.Model, d.ConversationId, d.CreatedAt);

    public Task<Result<IReadOnlyList<TrialDraftSummary>>> ListDraftsAsync(Guid trialId, Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me || !await ctx.Stars.AnyAsync(s => s.Id == starId && s.OwnerId == me, ct))
            {
                return Result<IReadOnlyList<TrialDraftSummary>>.NotFound();
            }

            var drafts = await ctx.TrialEntryDrafts.AsNoTracking().Where(d => d.TrialId == trialId && d.StarId == starId)
                .OrderBy(d => d.Attempt).ToListAsync(ct);
            return Result<IReadOnlyList<TrialDraftSummary>>.Ok(drafts.Select(Summary).ToList());
        }, ct);

    public async Task<Result<TrialDraftView>> GetDraftAsync(Guid draftId, CancellationToken ct = default)
    {
        // RLS: the star's owner (and admins) read a draft; anyone else finds nothing.
        var draft = await db.RunAsync((ctx, _) => ctx.TrialEntryDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.Id == draftId, ct), ct);
        if (draft is null)
        {
            return Result<TrialDraftView>.NotFound();
        }

        var text = await ReadAnswerAsync(draft, ct);
        return text is null
            ? Result<TrialDraftView>.Invalid(Field, TrialEntryRules.StorageFailedCode)
            : Result<TrialDraftView>.Ok(new TrialDraftView(Summary(draft), text, TrialEntryRules.ParseErrors(draft.Errors)));
    }

    // The same reader as battles and judging: null (a readable refusal) when the object is missing, too large or the store fails.
    private Task<string?> ReadAnswerAsync(TrialEntryDraft draft, CancellationToken ct) => Battles.TrialAnswers.ReadAsync(store, draft.ResponseUri, log, ct);

    public async Task<Result<MyTrialEntry>> SubmitAsync(Guid draftId, CancellationToken ct = default)
    {
        var draft = await db.RunAsync((ctx, _) => ctx.TrialEntryDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.Id == draftId, ct), ct);
        if (draft is null)
        {
            return Result<MyTrialEntry>.NotFound();
        }

        // The answer's style is measured now, from the stored JSON; a draft that is not JSON cannot be entered.
        var text = await ReadAnswerAsync(draft, ct);
        if (text is null)
        {
            return Result<MyTrialEntry>.Invalid(Field, TrialEntryRules.StorageFailedCode);
        }

        AnswerStyle style;
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = AnswerSchemas.MaxAnswerDepth, AllowDuplicateProperties = false });
            style = TrialScoring.Style(doc.RootElement);
        }
        catch (JsonException)
        {
            return Result<MyTrialEntry>.Invalid(Field, TrialEntryRules.DraftNotJsonCode);
        }

        Result<MyTrialEntry> result;
        try
        {
            result = await db.RunAsync((ctx, user) => InsertEntryAsync(ctx, user, draft, style, ct), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The unique (trial, star) index is the last word: a second submit for the star lost the race.
            return Result<MyTrialEntry>.Invalid(Field, TrialEntryRules.AlreadyEnteredCode);
        }

        if (result.Succeeded && growth is not null)
        {
            await growth.RecordAsync(GrowthEventKeys.EnterTrial, CancellationToken.None);
        }

        if (result.Value is { } entered)
        {
            // Analytics (docs/analytics.md): trial participation, queued.
            tracking?.TrialEntered(entered.EntryId, draft.OwnerId, entered.TrialId, clock.GetUtcNow());
        }

        return result;
    }

    private async Task<Result<MyTrialEntry>> InsertEntryAsync(StarStudioDbContext ctx, UserContext user, TrialEntryDraft draft, AnswerStyle style, CancellationToken ct)
    {
        if (user.UserId is not { } me || draft.OwnerId != me)
        {
            return Result<MyTrialEntry>.NotFound();
        }

        // One owner's submits to one trial queue here, so the limit holds when two stars are entered at once.
        await ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"trial-entry:" + draft.TrialId + ":" + me}, 0))", ct);
        var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == draft.TrialId, ct);
        if (trial is null || trial.Status == TrialStatus.Draft)
        {
            return Result<MyTrialEntry>.NotFound();
        }

        if (Limits(trial, clock.GetUtcNow()) is { } closed)
        {
            return Result<MyTrialEntry>.Invalid([closed]);
        }

        if (await StarRefusalAsync(ctx, me, draft.StarId, ct) is { } starRefusal)
        {
            return Convert<MyTrialEntry>(starRefusal);
        }

        var entered = await ctx.TrialEntries.AsNoTracking().Where(e => e.TrialId == trial.Id && e.OwnerId == me).Select(e => e.StarId).ToListAsync(ct);
        if (entered.Contains(draft.StarId))
        {
            return Result<MyTrialEntry>.Invalid(Field, TrialEntryRules.AlreadyEnteredCode);
        }

        if (entered.Count >= trial.MaxEntriesPerOwner)
        {
            return Result<MyTrialEntry>.Invalid(Field, TrialEntryRules.LimitCode, trial.MaxEntriesPerOwner);
        }

        var starName = await ctx.Stars.AsNoTracking().Where(s => s.Id == draft.StarId).Select(s => s.Name).FirstAsync(ct);
        var entry = new TrialEntry
        {
            Id = Guid.CreateVersion7(),
            TrialId = trial.Id,
            StarId = draft.StarId,
            OwnerId = me,
            StarName = starName,
            DraftId = draft.Id,
            ResponseUri = draft.ResponseUri,
            SchemaValid = draft.SchemaValid,
            StyleLength = style.Length,
            StyleHeaders = style.Headers,
            StyleListItems = style.ListItems,
            SubmittedAt = clock.GetUtcNow(),
        };
        ctx.TrialEntries.Add(entry);
        await ctx.SaveChangesAsync(ct);
        return Result<MyTrialEntry>.Ok(Mine(entry, trial, clock.GetUtcNow()));
    }

    private static MyTrialEntry Mine(TrialEntry e, StarTrial trial, DateTimeOffset now) =>
        new(e.Id, e.TrialId, trial.Title, TrialPhases.Of(trial, now), e.StarId, e.StarName, e.DraftId, e.SchemaValid, e.Score, e.Rank, e.RankBest, e.RankWorst,
            e.RewardPoints, e.SubmittedAt);

    public Task<IReadOnlyList<MyTrialEntry>> ListMyEntriesAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<MyTrialEntry>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            var rows = await ctx.TrialEntries.AsNoTracking().Where(e => e.OwnerId == me)
                .Join(ctx.StarTrials, e => e.TrialId, t => t.Id, (e, t) => new { Entry = e, Trial = t })
                .OrderByDescending(x => x.Entry.SubmittedAt).Take(500).ToListAsync(ct);
            var now = clock.GetUtcNow();
            return rows.Select(x => Mine(x.Entry, x.Trial, now)).ToList();
        }, ct);
}
