using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Arena.Admin;

/// <summary>
/// Seasons and trials for admins, as the current user (the <c>trial_seasons</c>, <c>star_trials</c> and
/// <c>trial_judges</c> policies refuse non-admins as well). Every change to a trial first locks its row
/// (<c>SELECT … FOR UPDATE</c>), so two admins, or an admin and the time job, never act on a status the other has
/// already changed: the second waits, then re-reads and re-checks.
/// </summary>
internal sealed class ArenaAdminService(StarStudioDb db, TimeProvider clock, ITrialScoringQueue scoring) : IArenaAdminService
{
    private const string StatusField = "Status";
    private const string JudgeField = "Judge";

    public Task<Result<IReadOnlyList<SeasonView>>> ListSeasonsAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<SeasonView>>.Forbidden();
            }

            var seasons = await ctx.TrialSeasons.AsNoTracking().OrderByDescending(s => s.StartsAt).ThenBy(s => s.Name)
                .Select(s => new { Season = s, Trials = ctx.StarTrials.Count(t => t.SeasonId == s.Id) })
                .ToListAsync(ct);
            return Result<IReadOnlyList<SeasonView>>.Ok(seasons.Select(s => View(s.Season, s.Trials)).ToList());
        }, ct);

    public Task<Result<SeasonView>> CreateSeasonAsync(SeasonDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<SeasonView>.Forbidden();
            }

            var errors = ArenaAdminRules.ValidateSeason(draft);
            if (errors.Count > 0)
            {
                return Result<SeasonView>.Invalid(errors);
            }

            var season = new TrialSeason { CreatedBy = user.UserId!.Value, CreatedAt = clock.GetUtcNow() };
            Apply(season, draft);
            ctx.TrialSeasons.Add(season);
            await ctx.SaveChangesAsync(ct);
            return Result<SeasonView>.Ok(View(season, 0));
        }, ct);

    public Task<Result<SeasonView>> UpdateSeasonAsync(Guid seasonId, SeasonDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<SeasonView>.Forbidden();
            }

            var season = await ctx.TrialSeasons.FirstOrDefaultAsync(s => s.Id == seasonId, ct);
            if (season is null)
            {
                return Result<SeasonView>.NotFound();
            }

            var errors = ArenaAdminRules.ValidateSeason(draft);
            if (errors.Count > 0)
            {
                return Result<SeasonView>.Invalid(errors);
            }

            Apply(season, draft);
            await ctx.SaveChangesAsync(ct);
            return Result<SeasonView>.Ok(View(season, await ctx.StarTrials.CountAsync(t => t.SeasonId == seasonId, ct)));
        }, ct);

    public Task<Result<IReadOnlyList<TrialAdminSummary>>> ListTrialsAsync(Guid? seasonId, TrialStatus? status, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<TrialAdminSummary>>.Forbidden();
            }

            var trials = ctx.StarTrials.AsNoTracking();
            if (seasonId is { } season)
            {
                trials = trials.Where(t => t.SeasonId == season);
            }

            if (status is { } s)
            {
                trials = trials.Where(t => t.Status == s);
            }

            var rows = await trials.OrderByDescending(t => t.OpensAt).ThenBy(t => t.Title)
                .Select(t => new { Trial = t, Entries = ctx.TrialEntries.Count(e => e.TrialId == t.Id) })
                .ToListAsync(ct);
            var now = clock.GetUtcNow();
            return Result<IReadOnlyList<TrialAdminSummary>>.Ok(rows.Select(r => new TrialAdminSummary(
                r.Trial.Id, r.Trial.SeasonId, r.Trial.Title, r.Trial.Status, TrialPhases.Of(r.Trial, now),
                r.Trial.OpensAt, r.Trial.SubmitUntil, r.Trial.EndsAt, r.Trial.AutoOpen, r.Entries)).ToList());
        }, ct);

    public Task<Result<TrialAdminView>> GetTrialAsync(Guid trialId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<TrialAdminView>.Forbidden();
            }

            var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, ct);
            return trial is null ? Result<TrialAdminView>.NotFound() : Result<TrialAdminView>.Ok(await ViewAsync(ctx, trial, ct));
        }, ct);

    public Task<Result<TrialAdminView>> CreateTrialAsync(TrialDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<TrialAdminView>.Forbidden();
            }

            var now = clock.GetUtcNow();
            var (errors, _) = ArenaAdminRules.ValidateTrial(draft, now, opening: false);
            var all = errors.Concat(await SeasonErrorsAsync(ctx, draft.SeasonId, ct)).ToList();
            if (all.Count > 0)
            {
                return Result<TrialAdminView>.Invalid(all);
            }

            var trial = new StarTrial { Status = TrialStatus.Draft, CreatedBy = user.UserId!.Value, CreatedAt = now };
            Apply(trial, draft, now);
            ctx.StarTrials.Add(trial);
            await ctx.SaveChangesAsync(ct);
            return Result<TrialAdminView>.Ok(await ViewAsync(ctx, trial, ct));
        }, ct);

    public Task<Result<TrialAdminView>> UpdateTrialAsync(Guid trialId, TrialDraft draft, CancellationToken ct = default) =>
        EditAsync<TrialAdminView>(trialId, async (ctx, trial) =>
        {
            var now = clock.GetUtcNow();
            var (errors, _) = ArenaAdminRules.ValidateTrial(draft, now, opening: trial.Status == TrialStatus.Ongoing);
            var all = errors.Concat(await SeasonErrorsAsync(ctx, draft.SeasonId, ct)).ToList();
            if (all.Count == 0 && trial.Status == TrialStatus.Ongoing && await ctx.TrialEntries.AnyAsync(e => e.TrialId == trialId, ct))
            {
                all.AddRange(ArenaAdminRules.LockedChanges(trial, draft));
            }

            if (all.Count > 0)
            {
                return Result<TrialAdminView>.Invalid(all);
            }

            Apply(trial, draft, now);
            await ctx.SaveChangesAsync(ct);
            return Result<TrialAdminView>.Ok(await ViewAsync(ctx, trial, ct));
        }, ct);

    public Task<Result<TrialJudgeView>> AddJudgeAsync(Guid trialId, string emailOrUserName, CancellationToken ct = default) =>
        EditAsync<TrialJudgeView>(trialId, async (ctx, trial) =>
        {
            var name = emailOrUserName?.Trim() ?? "";
            if (name.Length == 0)
            {
                return Result<TrialJudgeView>.Invalid(JudgeField, "Arena.Judge.Required");
            }

            var key = name.ToUpperInvariant();
            var judge = await ctx.Users.AsNoTracking()
                .Where(u => u.NormalizedEmail == key || u.NormalizedUserName == key)
                .OrderBy(u => u.NormalizedEmail == key ? 0 : 1)
                .Select(u => new TrialJudgeView(u.Id, u.DisplayName, u.Email))
                .FirstOrDefaultAsync(ct);
            if (judge is null)
            {
                return Result<TrialJudgeView>.Invalid(JudgeField, "Arena.Judge.Unknown", name);
            }

            if (await ctx.TrialJudges.AnyAsync(j => j.TrialId == trialId && j.UserId == judge.UserId, ct))
            {
                return Result<TrialJudgeView>.Invalid(JudgeField, "Arena.Judge.Already", name);
            }

            ctx.TrialJudges.Add(new TrialJudge { TrialId = trialId, UserId = judge.UserId, CreatedAt = clock.GetUtcNow() });
            await ctx.SaveChangesAsync(ct);
            return Result<TrialJudgeView>.Ok(judge);
        }, ct);

    public Task<Result<bool>> RemoveJudgeAsync(Guid trialId, Guid userId, CancellationToken ct = default) =>
        EditAsync<bool>(trialId, async (ctx, trial) =>
        {
            var removed = await ctx.TrialJudges.Where(j => j.TrialId == trialId && j.UserId == userId).ExecuteDeleteAsync(ct);
            return removed == 0 ? Result<bool>.NotFound() : Result<bool>.Ok(true);
        }, ct);

    public Task<Result<TrialAdminView>> OpenAsync(Guid trialId, CancellationToken ct = default) =>
        MoveAsync(trialId, (ctx, trial, now) =>
        {
            if (trial.Status != TrialStatus.Draft)
            {
                return [new FieldError(StatusField, "Arena.Trial.NotDraft")];
            }

            // The draft is checked again as it stands now: its end may have passed since it was saved.
            var (errors, _) = ArenaAdminRules.ValidateTrial(TrialDraft.From(trial), now, opening: true);
            if (errors.Count > 0)
            {
                return errors;
            }

            trial.Status = TrialStatus.Ongoing;
            return [];
        }, ct);

    public Task<Result<TrialAdminView>> CloseSubmissionsNowAsync(Guid trialId, CancellationToken ct = default) =>
        MoveAsync(trialId, (ctx, trial, now) =>
        {
            if (TrialPhases.Of(trial, now) != TrialPhase.Submissions)
            {
                return [new FieldError(StatusField, "Arena.Trial.NotInSubmissions")];
            }

            trial.SubmitUntil = now;
            return [];
        }, ct);

    public async Task<Result<TrialAdminView>> FinishNowAsync(Guid trialId, CancellationToken ct = default)
    {
        var result = await MoveAsync(trialId, (ctx, trial, now) =>
        {
            if (trial.Status != TrialStatus.Ongoing)
            {
                return [new FieldError(StatusField, "Arena.Trial.NotOngoing")];
            }

            trial.Status = TrialStatus.Finished;
            trial.FinishedAt = now;
            return [];
        }, ct);

        // Queued after the commit, so scoring never reads a trial that is not finished yet; only the call that finished
        // the trial gets here with success, so a trial finished twice (two admins, an admin and the job) is queued once.
        if (result.Succeeded)
        {
            await scoring.EnqueueAsync(trialId, ct);
        }

        return result;
    }

    /// <summary>
    /// A change to a trial's content or judges: admins only, the row locked until the transaction ends, a finished trial
    /// refused; then <paramref name="work"/>.
    /// </summary>
    private Task<Result<T>> EditAsync<T>(Guid trialId, Func<StarStudioDbContext, StarTrial, Task<Result<T>>> work, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<T>.Forbidden();
            }

            var trial = await LockAsync(ctx, trialId, ct);
            if (trial is null)
            {
                return Result<T>.NotFound();
            }

            return trial.Status == TrialStatus.Finished ? Result<T>.Invalid(StatusField, "Arena.Trial.Finished") : await work(ctx, trial);
        }, ct);

    /// <summary>One status move: lock the row, let <paramref name="move"/> check and change it, save, or return its refusals.</summary>
    private Task<Result<TrialAdminView>> MoveAsync(Guid trialId, Func<StarStudioDbContext, StarTrial, DateTimeOffset, IReadOnlyList<FieldError>> move, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<TrialAdminView>.Forbidden();
            }

            var trial = await LockAsync(ctx, trialId, ct);
            if (trial is null)
            {
                return Result<TrialAdminView>.NotFound();
            }

            var now = clock.GetUtcNow();
            var errors = move(ctx, trial, now);
            if (errors.Count > 0)
            {
                return Result<TrialAdminView>.Invalid(errors);
            }

            trial.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            return Result<TrialAdminView>.Ok(await ViewAsync(ctx, trial, ct));
        }, ct);

    /// <summary>Reads the trial and holds its row until the transaction ends; a concurrent change waits for this one.</summary>
    private static async Task<StarTrial?> LockAsync(StarStudioDbContext ctx, Guid trialId, CancellationToken ct) =>
        (await ctx.StarTrials.FromSql($"SELECT * FROM star_trials WHERE id = {trialId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();

    private static async Task<IEnumerable<FieldError>> SeasonErrorsAsync(StarStudioDbContext ctx, Guid? seasonId, CancellationToken ct) =>
        seasonId is { } id && !await ctx.TrialSeasons.AnyAsync(s => s.Id == id, ct)
            ? [new FieldError(nameof(TrialDraft.SeasonId), "Arena.Trial.Season.Unknown")]
            : [];

    private async Task<TrialAdminView> ViewAsync(StarStudioDbContext ctx, StarTrial trial, CancellationToken ct)
    {
        var entries = await ctx.TrialEntries.CountAsync(e => e.TrialId == trial.Id, ct);
        var judges = await ctx.TrialJudges.Where(j => j.TrialId == trial.Id)
            .Join(ctx.Users, j => j.UserId, u => u.Id, (j, u) => new { j.CreatedAt, View = new TrialJudgeView(u.Id, u.DisplayName, u.Email) })
            .OrderBy(j => j.CreatedAt)
            .Select(j => j.View)
            .ToListAsync(ct);
        return new TrialAdminView(trial, TrialPhases.Of(trial, clock.GetUtcNow()), entries, judges);
    }

    // Pages send Beijing times (+08:00); Npgsql writes timestamptz from UTC offsets only.
    private static void Apply(TrialSeason season, SeasonDraft draft)
    {
        season.Name = draft.Name.Trim();
        season.StartsAt = draft.StartsAt.ToUniversalTime();
        season.EndsAt = draft.EndsAt.ToUniversalTime();
        season.Rules = draft.Rules?.Trim() ?? "";
        season.RewardTable = [.. draft.RewardTable];
    }

    private static void Apply(StarTrial trial, TrialDraft draft, DateTimeOffset now)
    {
        trial.SeasonId = draft.SeasonId;
        trial.Title = draft.Title.Trim();
        trial.Prompt = draft.Prompt?.Trim() ?? "";
        trial.AnswerSchema = draft.AnswerSchema;
        trial.Rubric = ArenaAdminRules.Normalize(draft.Rubric);
        trial.OpensAt = draft.OpensAt.ToUniversalTime();
        trial.SubmitUntil = draft.SubmitUntil.ToUniversalTime();
        trial.EndsAt = draft.EndsAt.ToUniversalTime();
        trial.AutoOpen = draft.AutoOpen;
        trial.MaxEntriesPerOwner = draft.MaxEntriesPerOwner;
        trial.MaxRegenerations = draft.MaxRegenerations;
        trial.UpdatedAt = now;
    }

    private static SeasonView View(TrialSeason s, int trials) => new(s.Id, s.Name, s.StartsAt, s.EndsAt, s.Rules, s.RewardTable, trials);
}
