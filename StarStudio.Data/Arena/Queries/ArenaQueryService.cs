using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Queries;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Arena.Queries;

/// <summary>
/// <see cref="IArenaQueryService"/> over PostgreSQL as the current user: row-level security decides what is seen (drafts
/// to admins, other owners' entries once the submission window has closed), and the pages show what comes back.
/// </summary>
internal sealed class ArenaQueryService(StarStudioDb db, IObjectStore objects, TimeProvider clock, ILogger<ArenaQueryService> log) : IArenaQueryService
{
    /// <summary>Stars whose rating history the standings chart.</summary>
    public const int ChartedStars = 8;

    public Task<ArenaHomeView> HomeAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, _) =>
        {
            var now = clock.GetUtcNow();
            var seasons = await ctx.TrialSeasons.AsNoTracking().Where(s => s.StartsAt <= now && now < s.EndsAt).OrderBy(s => s.EndsAt).ToListAsync(ct);
            var live = await ctx.StarTrials.AsNoTracking().Where(t => t.Status == TrialStatus.Ongoing).OrderBy(t => t.EndsAt).Take(100).ToListAsync(ct);
            var finished = await ctx.StarTrials.AsNoTracking().Where(t => t.Status == TrialStatus.Finished)
                .OrderByDescending(t => t.FinishedAt).Take(12).ToListAsync(ct);
            var cards = live.Select(t => Card(t, now)).ToList();
            return new ArenaHomeView(
                seasons.Select(View).ToList(),
                cards.Where(c => c.Phase is TrialPhase.Submissions or TrialPhase.Judging or TrialPhase.Closing).ToList(),
                cards.Where(c => c.Phase == TrialPhase.Upcoming).OrderBy(c => c.OpensAt).ToList(),
                finished.Select(t => Card(t, now)).ToList(),
                now);
        }, ct);

    public Task<Result<TrialDetailView>> TrialAsync(Guid trialId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, ct);
            if (trial is null)
            {
                return Result<TrialDetailView>.NotFound();
            }

            var now = clock.GetUtcNow();
            var phase = TrialPhases.Of(trial, now);
            var season = trial.SeasonId is { } s ? await ctx.TrialSeasons.AsNoTracking().FirstOrDefaultAsync(x => x.Id == s, ct) : null;
            var me = user.UserId;
            var admin = me is not null && await ctx.Database.SqlQuery<bool>($"SELECT app_is_admin() AS \"Value\"").SingleAsync(ct);
            var judge = me is { } m && await ctx.TrialJudges.AnyAsync(j => j.TrialId == trialId && j.UserId == m, ct);

            // Before the window closes RLS shows a player only their own entries; the page lists all only afterwards.
            var shown = TrialPhases.EntriesPublic(trial, now) || admin;
            var rows = await ctx.TrialEntries.AsNoTracking().Where(e => e.TrialId == trialId)
                .OrderBy(e => e.Rank ?? int.MaxValue).ThenByDescending(e => e.Score).ThenBy(e => e.SubmittedAt)
                .Select(e => new LeaderboardRow(e.Id, e.StarId, e.StarName, e.OwnerId == me, e.SchemaValid, e.SubmittedAt, e.Score, e.ScoreLow,
                    e.ScoreHigh, e.Rank, e.RankBest, e.RankWorst, e.RubricMean, e.Rating, e.RatingLow, e.RatingHigh, e.RatingStyleControlled,
                    e.Battles, e.RewardPoints))
                .ToListAsync(ct);
            if (!shown)
            {
                rows = rows.Where(r => r.Mine).ToList();
            }

            var bias = trial.DecisiveVotes is { } d ? Core.Arena.Battles.PositionBias.Report(trial.LeftWins ?? 0, d) : null;
            return Result<TrialDetailView>.Ok(new TrialDetailView(trial, phase, season is null ? null : View(season), shown, rows, judge, admin,
                me is not null, bias, trial.StyleCoefficients, now));
        }, ct);

    public async Task<Result<string>> AnswerAsync(Guid entryId, CancellationToken ct = default)
    {
        var found = await db.RunAsync(async (ctx, user) =>
        {
            var entry = await ctx.TrialEntries.AsNoTracking().Where(e => e.Id == entryId)
                .Select(e => new { e.ResponseUri, e.TrialId, e.OwnerId }).FirstOrDefaultAsync(ct);
            if (entry is null)
            {
                return null;
            }

            // RLS let the row through (own, admin, or past the window); the page shows the same set.
            return entry.ResponseUri;
        }, ct);
        var text = found is null ? null : await Battles.TrialAnswers.ReadAsync(objects, found, log, ct);
        return text is null ? Result<string>.NotFound() : Result<string>.Ok(text);
    }

    public Task<StandingsView> StandingsAsync(Guid? seasonId, bool allTime, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var now = clock.GetUtcNow();
            var seasons = await ctx.TrialSeasons.AsNoTracking().OrderByDescending(s => s.StartsAt).Take(50).ToListAsync(ct);
            TrialSeason? season = null;
            if (!allTime)
            {
                season = seasonId is { } id ? seasons.FirstOrDefault(s => s.Id == id)
                    : seasons.FirstOrDefault(s => s.StartsAt <= now && now < s.EndsAt) ?? seasons.FirstOrDefault();
                if (season is null)
                {
                    return new StandingsView(null, seasons.Select(View).ToList(), [], new Dictionary<Guid, IReadOnlyList<RatingPoint>>());
                }
            }

            var trials = ctx.StarTrials.Where(t => t.Status == TrialStatus.Finished && t.ScoredAt != null);
            if (season is not null)
            {
                trials = trials.Where(t => t.SeasonId == season.Id);
            }

            var entries = await ctx.TrialEntries.AsNoTracking().Where(e => trials.Any(t => t.Id == e.TrialId))
                .Select(e => new { e.StarId, e.StarName, e.Rank, e.Score, e.RewardPoints, e.SubmittedAt }).ToListAsync(ct);
            var scope = season is null ? RatingScope.AllTime : RatingScope.Season;
            var scopeId = season?.Id;
            var history = await ctx.TrialRatingHistory.AsNoTracking().Where(h => h.Scope == scope && h.ScopeId == scopeId)
                .OrderBy(h => h.RecordedAt).ToListAsync(ct);
            var latest = history.GroupBy(h => h.StarId).ToDictionary(g => g.Key, g => g.Last());

            var standings = entries.GroupBy(e => e.StarId).Select(g =>
                {
                    var name = g.OrderByDescending(e => e.SubmittedAt).First().StarName;
                    latest.TryGetValue(g.Key, out var r);
                    var scored = g.Where(e => e.Score != null).ToList();
                    return new StarStanding(g.Key, name, g.Count(), g.Sum(e => (long)e.RewardPoints), g.Min(e => e.Rank),
                        scored.Count == 0 ? null : Math.Round(scored.Average(e => e.Score!.Value), 2), r?.Rating, r?.Lower, r?.Upper, r?.Votes ?? 0);
                })
                .OrderByDescending(s => s.Rating ?? double.MinValue).ThenByDescending(s => s.Points).ThenByDescending(s => s.MeanScore)
                .ToList();
            var charted = standings.Where(s => s.Rating is not null).Take(ChartedStars).Select(s => s.StarId).ToHashSet();
            var series = history.Where(h => charted.Contains(h.StarId)).GroupBy(h => h.StarId)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<RatingPoint>)g.Select(h => new RatingPoint(h.RecordedAt, h.Rating, h.Lower, h.Upper)).ToList());
            return new StandingsView(season is null ? null : View(season), seasons.Select(View).ToList(), standings, series);
        }, ct);

    private static SeasonCard View(TrialSeason s) => new(s.Id, s.Name, s.StartsAt, s.EndsAt, s.Rules, s.RewardTable);

    private static TrialCard Card(StarTrial t, DateTimeOffset now) =>
        new(t.Id, t.SeasonId, t.Title, TrialPhases.Of(t, now), t.OpensAt, t.SubmitUntil, t.EndsAt, t.FinishedAt);
}
