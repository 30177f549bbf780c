using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Scoring;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Arena.Scoring;

/// <summary>
/// <see cref="ITrialScorer"/> over PostgreSQL, in one transaction: an advisory lock serialises runs of one trial, the
/// results and the bookings commit together, and the ledger's idempotency keys make a re-run book nothing.
/// </summary>
internal sealed class TrialScorer(StarStudioDb db, TimeProvider clock, ILogger<TrialScorer> log) : ITrialScorer
{
    public const string ReferenceType = "trial_entry";

    public Task<Result<TrialScoringRun>> ScoreAsync(Guid trialId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            // The policies decide who sees every vote; the database's own answer is the one that counts (the job acts
            // as a user id without roles in its context).
            if (user.UserId is null || !await ctx.Database.SqlQuery<bool>($"SELECT app_is_admin() AS \"Value\"").SingleAsync(ct))
            {
                return Result<TrialScoringRun>.Forbidden();
            }

            await ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"trial-scoring:" + trialId}, 0))", ct);
            var trial = await ctx.StarTrials.FirstOrDefaultAsync(t => t.Id == trialId, ct);
            if (trial is null)
            {
                return Result<TrialScoringRun>.NotFound();
            }

            if (trial.Status != TrialStatus.Finished)
            {
                return Result<TrialScoringRun>.Invalid("Trial", "Arena.Scoring.NotFinished");
            }

            var entries = await ctx.TrialEntries.Where(e => e.TrialId == trialId).OrderBy(e => e.SubmittedAt).ThenBy(e => e.Id).ToListAsync(ct);
            var votes = await ctx.TrialBattles.AsNoTracking().Where(b => b.TrialId == trialId && b.Outcome != null)
                .Select(b => new EntryVote(b.EntryA, b.EntryB, b.Outcome!.Value)).ToListAsync(ct);
            var scores = await ctx.TrialRubricScores.AsNoTracking().Where(s => s.TrialId == trialId)
                .Select(s => new { s.EntryId, s.Criterion, s.Score }).ToListAsync(ct);
            var table = trial.SeasonId is { } seasonId
                ? await ctx.TrialSeasons.Where(s => s.Id == seasonId).Select(s => s.RewardTable).FirstOrDefaultAsync(ct) ?? []
                : [];

            var facts = entries.Select(e => new EntryFacts(
                e.Id, e.SchemaValid, new AnswerStyle(e.StyleLength, e.StyleHeaders, e.StyleListItems),
                scores.Where(s => s.EntryId == e.Id).GroupBy(s => s.Criterion)
                    .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.Select(s => (int)s.Score).ToList()))).ToList();
            var outcome = TrialResults.Compute(facts, votes, trial.Rubric, table, TrialResults.SeedOf(trialId));

            var booked = 0;
            long points = 0;
            foreach (var (entry, result) in entries.Zip(outcome.Entries))
            {
                entry.Score = (decimal)result.Score.Score;
                entry.ScoreLow = (decimal)result.Score.Lower;
                entry.ScoreHigh = (decimal)result.Score.Upper;
                entry.Rank = result.Rank.Rank;
                entry.RankBest = result.Rank.Best;
                entry.RankWorst = result.Rank.Worst;
                entry.RubricMean = result.Rubric;
                entry.Rating = result.Rating?.Rating;
                entry.RatingLow = result.Rating?.Lower;
                entry.RatingHigh = result.Rating?.Upper;
                entry.RatingStyleControlled = result.RatingStyleControlled;
                entry.Battles = result.Battles;
                if (result.Reward > 0)
                {
                    var posting = new LedgerPosting($"trial:{trialId}:entry:{entry.Id}", entry.OwnerId, WalletCurrency.Points, result.Reward,
                        LedgerSource.TrialReward, ReferenceType, entry.Id.ToString(), $"{trial.Title} · #{result.Rank.Rank}");
                    var posted = await WalletPostings.PostAsync(ctx, posting, ct);
                    if (posted.Outcome == LedgerOutcome.Posted)
                    {
                        booked++;
                        points += result.Reward;
                    }
                    else if (posted.Outcome == LedgerOutcome.KeyConflict)
                    {
                        // Booked once with another amount (results changed after a first run): the first booking stands.
                        log.LogWarning("Trial {TrialId}: the reward of entry {EntryId} was booked before with another amount; kept", trialId, entry.Id);
                    }

                    entry.RewardPoints = (int)(posted.Entry?.Amount ?? result.Reward);
                }
                else
                {
                    entry.RewardPoints = 0;
                }
            }

            var now = clock.GetUtcNow();
            trial.ScoredAt = now;
            trial.LeftWins = outcome.LeftWins;
            trial.DecisiveVotes = outcome.DecisiveVotes;
            trial.StyleCoefficients = outcome.StyleCoefficients.Select(b => Math.Round(b, 4)).ToList();
            await ctx.SaveChangesAsync(ct);
            await WriteHistoryAsync(ctx, trial, entries, outcome, ct);
            foreach (var entry in entries)
            {
                // One event per entry, with an id stable across re-runs (a second scoring is not a second result).
                await global::StarStudio.Data.Webhooks.WebhookOutbox.EmitAsync(ctx, StarStudio.Core.Webhooks.WebhookEvents.TrialResult, entry.StarId,
                    new { trial_id = trial.Id, trial_title = trial.Title, entry_id = entry.Id, rank = entry.Rank, score = entry.Score, rating = entry.Rating, reward_points = entry.RewardPoints },
                    now, ct, global::StarStudio.Data.Webhooks.WebhookEmitters.StableEventId("trial.result", trial.Id, entry.Id));
            }
            return Result<TrialScoringRun>.Ok(new TrialScoringRun(entries.Count, outcome.Votes, booked, points));
        }, ct);

    /// <summary>
    /// Rating snapshots at the trial's finish: its entries, and its stars' ratings over every finished trial of the season
    /// and of all time up to this one (so a re-run writes the same points).
    /// </summary>
    private static async Task WriteHistoryAsync(StarStudioDbContext ctx, StarTrial trial, List<TrialEntry> entries, TrialOutcome outcome, CancellationToken ct)
    {
        await ctx.TrialRatingHistory.Where(h => h.TrialId == trial.Id).ExecuteDeleteAsync(ct);
        var at = trial.FinishedAt ?? trial.EndsAt;
        var rows = new List<TrialRatingSnapshot>();
        foreach (var (entry, result) in entries.Zip(outcome.Entries))
        {
            if (result.Rating is { } r)
            {
                rows.Add(Snapshot(RatingScope.Trial, trial.Id, entry.StarId, entry.StarName, r, result.Battles, trial.Id, at));
            }
        }

        if (trial.SeasonId is { } season)
        {
            rows.AddRange(await StarRatingsAsync(ctx, trial, RatingScope.Season, season, at, ct));
        }

        rows.AddRange(await StarRatingsAsync(ctx, trial, RatingScope.AllTime, null, at, ct));
        ctx.TrialRatingHistory.AddRange(rows);
        await ctx.SaveChangesAsync(ct);
    }

    private static async Task<List<TrialRatingSnapshot>> StarRatingsAsync(StarStudioDbContext ctx, StarTrial trial, RatingScope scope, Guid? season,
        DateTimeOffset at, CancellationToken ct)
    {
        var trials = ctx.StarTrials.Where(t => t.Status == TrialStatus.Finished && (t.FinishedAt ?? t.EndsAt) <= at);
        if (season is { } s)
        {
            trials = trials.Where(t => t.SeasonId == s);
        }

        var votes = await (from b in ctx.TrialBattles
                           where b.Outcome != null && trials.Any(t => t.Id == b.TrialId)
                           join a in ctx.TrialEntries on b.EntryA equals a.Id
                           join c in ctx.TrialEntries on b.EntryB equals c.Id
                           select new EntryVote(a.StarId, c.StarId, b.Outcome!.Value)).ToListAsync(ct);
        var playing = await ctx.TrialEntries.Where(e => e.TrialId == trial.Id).Select(e => new { e.StarId, e.StarName }).ToListAsync(ct);
        if (votes.Count == 0 || playing.Count == 0)
        {
            return [];
        }

        var stars = votes.SelectMany(v => new[] { v.A, v.B }).Distinct().Order().ToList();
        var rated = TrialResults.RateStars(stars, votes, TrialResults.SeedOf(trial.Id) ^ (int)scope);
        var byStar = stars.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => rated[x.i]);

        // Snapshots for this trial's stars: the chart of a star gets a point at every trial it played.
        return playing.Where(p => byStar.ContainsKey(p.StarId))
            .Select(p => Snapshot(scope, season, p.StarId, p.StarName, byStar[p.StarId].Rating, byStar[p.StarId].Votes, trial.Id, at)).ToList();
    }

    private static TrialRatingSnapshot Snapshot(RatingScope scope, Guid? scopeId, Guid star, string name, RatingInterval r, int votes, Guid trial, DateTimeOffset at) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            Scope = scope,
            ScopeId = scopeId,
            StarId = star,
            StarName = name,
            Rating = Math.Round(r.Rating, 2),
            Lower = Math.Round(r.Lower, 2),
            Upper = Math.Round(r.Upper, 2),
            Votes = votes,
            TrialId = trial,
            RecordedAt = at,
        };
}
