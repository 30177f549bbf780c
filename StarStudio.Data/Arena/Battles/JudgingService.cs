using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Arena.Battles;

/// <summary>
/// Rubric scores of a trial's judges, as the current user. The policies of <c>trial_rubric_scores</c> already limit a
/// judge to their own rows on entries of a trial they judge; the service adds the phase, the rubric's criteria and the
/// range, and says why in words instead of a policy violation.
/// </summary>
internal sealed class JudgingService(StarStudioDb db, IObjectStore store, TimeProvider clock, ILogger<JudgingService> logger) : IJudgingService
{
    public async Task<Result<JudgingSheet>> SheetAsync(Guid trialId, CancellationToken ct = default)
    {
        var read = await db.RunAsync<(Result<JudgingSheet>? Refusal, StarTrial? Trial, List<(Guid Id, string StarName, string? Uri)>? Entries, List<TrialRubricScore>? Mine)>(async (ctx, user) =>
        {
            var (refusal, trial) = await CheckAsync<JudgingSheet>(ctx, user, trialId, ct);
            if (refusal is not null)
            {
                return (refusal, null, null, null);
            }

            var entries = await ctx.TrialEntries.AsNoTracking().Where(e => e.TrialId == trialId)
                .OrderBy(e => e.SubmittedAt).ThenBy(e => e.Id)
                .Select(e => new { e.Id, e.StarName, e.ResponseUri }).ToListAsync(ct);
            var me = user.UserId!.Value;
            var mine = await ctx.TrialRubricScores.AsNoTracking().Where(s => s.TrialId == trialId && s.JudgeId == me).ToListAsync(ct);
            return (null, trial, entries.Select(e => (e.Id, e.StarName, e.ResponseUri)).ToList(), mine);
        }, ct);
        if (read.Refusal is { } refused)
        {
            return refused;
        }

        var trial = read.Trial!;
        var order = trial.Rubric.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(4);
        var judged = await Task.WhenAll(read.Entries!.Select(async e =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var answer = await TrialAnswers.ReadAsync(store, e.Uri, logger, ct);
                var scores = read.Mine!.Where(s => s.EntryId == e.Id)
                    .OrderBy(s => order.GetValueOrDefault(s.Criterion, int.MaxValue))
                    .Select(s => new CriterionScore(s.Criterion, s.Score, s.Comment)).ToList();
                return new JudgedEntry(e.Id, e.StarName, answer, scores);
            }
            finally
            {
                gate.Release();
            }
        }));
        return Result<JudgingSheet>.Ok(new JudgingSheet(trial.Id, trial.Title, trial.Prompt, trial.Rubric, judged));
    }

    public Task<Result<IReadOnlyList<CriterionScore>>> ScoreAsync(Guid trialId, Guid entryId, IReadOnlyList<CriterionScore> scores, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var (refusal, trial) = await CheckAsync<IReadOnlyList<CriterionScore>>(ctx, user, trialId, ct);
            if (refusal is not null)
            {
                return refusal;
            }

            var errors = JudgingRules.Validate(trial!.Rubric, scores);
            if (errors.Count > 0)
            {
                return Result<IReadOnlyList<CriterionScore>>.Invalid(errors);
            }

            if (!await ctx.TrialEntries.AnyAsync(e => e.Id == entryId && e.TrialId == trialId, ct))
            {
                return Result<IReadOnlyList<CriterionScore>>.NotFound();
            }

            var me = user.UserId!.Value;
            var now = clock.GetUtcNow();
            foreach (var s in scores)
            {
                var comment = string.IsNullOrWhiteSpace(s.Comment) ? null : s.Comment.Trim();
                await ctx.Database.ExecuteSqlAsync($"""
                    INSERT INTO trial_rubric_scores (id, trial_id, entry_id, judge_id, criterion, score, comment, created_at, updated_at)
                    VALUES ({Guid.CreateVersion7()}, {trialId}, {entryId}, {me}, {s.Criterion}, {(short)s.Score}, {comment}, {now}, {now})
                    ON CONFLICT (entry_id, judge_id, criterion)
                    DO UPDATE SET score = excluded.score, comment = excluded.comment, updated_at = excluded.updated_at
                    """, ct);
            }

            var order = trial.Rubric.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            var saved = await ctx.TrialRubricScores.AsNoTracking().Where(r => r.EntryId == entryId && r.JudgeId == me).ToListAsync(ct);
            IReadOnlyList<CriterionScore> result = saved.OrderBy(r => order.GetValueOrDefault(r.Criterion, int.MaxValue))
                .Select(r => new CriterionScore(r.Criterion, r.Score, r.Comment)).ToList();
            return Result<IReadOnlyList<CriterionScore>>.Ok(result);
        }, ct);

    /// <summary>Signed in, the trial visible, the user one of its judges, and the trial in its judging phase.</summary>
    private async Task<(Result<T>? Refusal, StarTrial? Trial)> CheckAsync<T>(StarStudioDbContext ctx, UserContext user, Guid trialId, CancellationToken ct)
    {
        if (user.UserId is not { } me)
        {
            return (Result<T>.Forbidden(), null);
        }

        var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, ct);
        if (trial is null)
        {
            return (Result<T>.NotFound(), null);
        }

        if (!await ctx.TrialJudges.AnyAsync(j => j.TrialId == trialId && j.UserId == me, ct))
        {
            return (Result<T>.Invalid("Trial", JudgingErrors.NotJudge), null);
        }

        return TrialPhases.Of(trial, clock.GetUtcNow()) == TrialPhase.Judging
            ? (null, trial)
            : (Result<T>.Invalid("Trial", JudgingErrors.NotJudging), null);
    }
}
