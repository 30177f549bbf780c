using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Arena.Battles;

/// <summary>
/// Blind battles as the current user. A vote, its reveal and the choice of the next battle are one transaction; the
/// answers are read from object storage after it commits. Votes of one player are serialised by a transaction-scoped
/// advisory lock, so the per-minute count cannot be overrun by parallel requests (from any app instance); the vote
/// itself is written only while <c>outcome IS NULL</c>, so a battle is never counted twice whatever the race.
/// </summary>
internal sealed class BattleService(StarStudioDb db, IObjectStore store, TimeProvider clock, IOptions<BattleOptions> options, ILogger<BattleService> logger) : IBattleService
{
    public async Task<Result<NextBattle>> NextAsync(Guid trialId, CancellationToken ct = default)
    {
        var chosen = await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Chosen.Refused(Result<NextBattle>.Forbidden());
            }

            var trial = await ctx.StarTrials.AsNoTracking().FirstOrDefaultAsync(t => t.Id == trialId, ct);
            if (trial is null)
            {
                return Chosen.Refused(Result<NextBattle>.NotFound());
            }

            if (PhaseRefusal(trial) is { } refusal)
            {
                return Chosen.Refused(Result<NextBattle>.Invalid(BattleErrors.Field, refusal));
            }

            return await ChooseAsync(ctx, me, trial, ct);
        }, ct);
        return chosen.Refusal ?? Result<NextBattle>.Ok(await LoadAsync(chosen, ct));
    }

    public async Task<Result<VoteOutcome>> VoteAsync(Guid battleId, BattleOutcome outcome, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(outcome))
        {
            return Result<VoteOutcome>.Invalid("Outcome", BattleErrors.Outcome);
        }

        var voted = await db.RunAsync<(Result<VoteOutcome>? Refusal, BattleReveal? Reveal, Chosen? Next)>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return (Result<VoteOutcome>.Forbidden(), null, null);
            }

            await ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('arena-vote:' || {me.ToString()}, 0))", ct);
            var found = await ctx.TrialBattles.AsNoTracking().Where(b => b.Id == battleId)
                .Join(ctx.StarTrials, b => b.TrialId, t => t.Id, (b, t) => new { Battle = b, Trial = t })
                .FirstOrDefaultAsync(ct);
            if (found is null)
            {
                return (Result<VoteOutcome>.NotFound(), null, null);
            }

            var (battle, trial) = (found.Battle, found.Trial);
            if (PhaseRefusal(trial) is { } phase)
            {
                return (Invalid(phase), null, null);
            }

            var entries = await ctx.TrialEntries.AsNoTracking().Where(e => e.Id == battle.EntryA || e.Id == battle.EntryB)
                .Select(e => new
                {
                    e.Id,
                    e.StarName,
                    OwnerName = ctx.Users.Where(u => u.Id == e.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                    Mine = e.OwnerId == me || ctx.Stars.Any(s => s.Id == e.StarId && s.OwnerId == me),
                })
                .ToListAsync(ct);
            if (entries.Any(e => e.Mine))
            {
                return (Invalid(BattleErrors.OwnStar), null, null);
            }

            if (battle.Outcome is not null)
            {
                return (Invalid(BattleErrors.AlreadyVoted), null, null);
            }

            var now = clock.GetUtcNow();
            var limit = Math.Max(1, options.Value.VotesPerMinute);
            var since = now.AddMinutes(-1);
            var recent = await ctx.TrialBattles.CountAsync(b => b.VoterId == me && b.VotedAt > since, ct);
            if (recent >= limit)
            {
                return (Invalid(BattleErrors.RateLimited, limit), null, null);
            }

            var stored = await ctx.TrialBattles.Where(b => b.Id == battleId && b.Outcome == null)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Outcome, outcome).SetProperty(b => b.VotedAt, now), ct);
            if (stored != 1)
            {
                return (Invalid(BattleErrors.AlreadyVoted), null, null);
            }

            RevealedEntry Reveal(Guid entryId)
            {
                var e = entries.FirstOrDefault(x => x.Id == entryId);
                return e is null ? new RevealedEntry("", "") : new RevealedEntry(e.StarName, e.OwnerName ?? "");
            }

            var reveal = new BattleReveal(battleId, outcome, Reveal(battle.EntryA), Reveal(battle.EntryB));
            return (null, reveal, await ChooseAsync(ctx, me, trial, ct));
        }, ct);
        if (voted.Refusal is { } refused)
        {
            return refused;
        }

        return Result<VoteOutcome>.Ok(new VoteOutcome(voted.Reveal!, await LoadAsync(voted.Next!, ct)));
    }

    public Task<Result<PositionBiasReport>> BiasAsync(Guid trialId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<PositionBiasReport>.Forbidden();
            }

            if (!await ctx.StarTrials.AnyAsync(t => t.Id == trialId, ct))
            {
                return Result<PositionBiasReport>.NotFound();
            }

            var decisive = ctx.TrialBattles.Where(b => b.TrialId == trialId && (b.Outcome == BattleOutcome.AWins || b.Outcome == BattleOutcome.BWins));
            var total = await decisive.CountAsync(ct);
            var left = await decisive.CountAsync(b => b.Outcome == BattleOutcome.AWins, ct);
            return Result<PositionBiasReport>.Ok(PositionBias.Report(left, total));
        }, ct);

    private string? PhaseRefusal(StarTrial trial) => TrialPhases.Of(trial, clock.GetUtcNow()) switch
    {
        TrialPhase.Judging => null,
        TrialPhase.Finished or TrialPhase.Closing => BattleErrors.Finished,
        _ => BattleErrors.NotJudging,
    };

    private static Result<VoteOutcome> Invalid(string code, params object[] args) => Result<VoteOutcome>.Invalid(BattleErrors.Field, code, args);

    /// <summary>The player's oldest pending battle of the trial, else a new one stored as pending; none when no pair is left.</summary>
    private async Task<Chosen> ChooseAsync(StarStudioDbContext ctx, Guid me, StarTrial trial, CancellationToken ct)
    {
        // Three statements for a new battle (the player's battles, the entries, the pair counts) and the insert; the
        // answers' keys come with the entries.
        var mine = await ctx.TrialBattles.AsNoTracking().Where(b => b.TrialId == trial.Id && b.VoterId == me)
            .Select(b => new { b.Id, b.EntryA, b.EntryB, b.PairLow, b.PairHigh, Pending = b.Outcome == null, b.ShownAt })
            .ToListAsync(ct);
        var entries = await ctx.TrialEntries.AsNoTracking().Where(e => e.TrialId == trial.Id)
            .Select(e => new { e.Id, e.ResponseUri, Mine = e.OwnerId == me || ctx.Stars.Any(s => s.Id == e.StarId && s.OwnerId == me) })
            .ToListAsync(ct);
        var uris = entries.ToDictionary(e => e.Id, e => e.ResponseUri);
        if (mine.Where(b => b.Pending).OrderBy(b => b.ShownAt).ThenBy(b => b.Id).FirstOrDefault() is { } pending)
        {
            return new Chosen(trial, pending.Id, uris.GetValueOrDefault(pending.EntryA), uris.GetValueOrDefault(pending.EntryB));
        }

        var shown = mine.Select(p => EntryPair.Of(p.PairLow, p.PairHigh)).ToHashSet();
        var votes = await PairVotesAsync(ctx, trial.Id, ct);
        var candidates = entries.Select(e => new BattleEntry(e.Id, e.Mine)).ToList();
        if (BattlePairing.Choose(candidates, shown, votes, Random.Shared) is not { } choice)
        {
            return new Chosen(trial, null, null, null);
        }

        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var inserted = await ctx.Database.ExecuteSqlAsync($"""
            INSERT INTO trial_battles (id, trial_id, voter_id, entry_a, entry_b, shown_at)
            VALUES ({id}, {trial.Id}, {me}, {choice.Left}, {choice.Right}, {now})
            ON CONFLICT (trial_id, voter_id, pair_low, pair_high) DO NOTHING
            """, ct);
        if (inserted == 0)
        {
            // Another request of this player stored this very pair a moment ago: show that battle instead.
            return await ChooseAsync(ctx, me, trial, ct);
        }

        return new Chosen(trial, id, uris.GetValueOrDefault(choice.Left), uris.GetValueOrDefault(choice.Right));
    }

    /// <summary>Votes per pair over all players, through the definer function (RLS shows a player only their own battles).</summary>
    private static async Task<Dictionary<EntryPair, int>> PairVotesAsync(StarStudioDbContext ctx, Guid trialId, CancellationToken ct)
    {
        var counts = new Dictionary<EntryPair, int>();
        var connection = ctx.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = ctx.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = "SELECT pair_low, pair_high, votes FROM trial_pair_votes(@trial)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "trial";
        parameter.Value = trialId;
        command.Parameters.Add(parameter);
        await using DbDataReader reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[EntryPair.Of(reader.GetGuid(0), reader.GetGuid(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    private async Task<NextBattle> LoadAsync(Chosen chosen, CancellationToken ct)
    {
        var trial = chosen.Trial!;
        if (chosen.BattleId is not { } battleId)
        {
            return new NextBattle(trial.Id, trial.Title, trial.Prompt, null);
        }

        var a = TrialAnswers.ReadAsync(store, chosen.UriA, logger, ct);
        var b = TrialAnswers.ReadAsync(store, chosen.UriB, logger, ct);
        return new NextBattle(trial.Id, trial.Title, trial.Prompt, new BattleView(battleId, new BattleAnswer(await a), new BattleAnswer(await b)));
    }

    /// <summary>What the transaction chose, before the answers are read; or why it refused.</summary>
    private sealed record Chosen(StarTrial? Trial, Guid? BattleId, string? UriA, string? UriB)
    {
        public Result<NextBattle>? Refusal { get; private init; }

        public static Chosen Refused(Result<NextBattle> refusal) => new(null, null, null, null) { Refusal = refusal };
    }
}
