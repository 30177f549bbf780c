using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth.Magnitude;

/// <summary>
/// A star's magnitude as the current user (RLS: the owner reads and appends; anyone reads a public active star's rows).
/// On demand, the owner's probes run through the chat engine outside any transaction, then the signals are read through
/// <c>magnitude_signals</c> (which checks ownership) and the row is appended under RLS.
/// </summary>
internal sealed class MagnitudeService(
    StarStudioDb db,
    IStarChatEngine engine,
    TimeProvider clock,
    Chat.ModelVersionAdapters? versions = null,
    Microsoft.Extensions.Options.IOptions<MagnitudeOptions>? options = null) : IMagnitudeService
{
    /// <summary>History points the chart shows (newest ones).</summary>
    public const int HistoryPoints = 180;

    /// <summary>An owner's on-demand evaluations are this far apart at least: each asks the model 2 × MaxPairs times.</summary>
    private readonly TimeSpan Cooldown = options?.Value.RecomputeCooldown ?? MagnitudeOptions.DefaultRecomputeCooldown;

    public async Task<Result<MagnitudeView>> RecomputeAsync(Guid starId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var prepared = await db.RunAsync(async (ctx, user) =>
        {
            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
            if (star is null)
            {
                return new Prep(Result<MagnitudeView>.NotFound(), null, Guid.Empty, [], null);
            }

            if (user.UserId != star.OwnerId)
            {
                return new Prep(Result<MagnitudeView>.Forbidden(), null, Guid.Empty, [], null);
            }

            var last = await ctx.MagnitudeHistory.AsNoTracking()
                .Where(h => h.StarId == starId && h.Trigger == MagnitudeTriggers.OnDemand)
                .OrderByDescending(h => h.EvaluatedAt).Select(h => (DateTimeOffset?)h.EvaluatedAt).FirstOrDefaultAsync(ct);
            if (last is { } l && now - l < Cooldown)
            {
                return new Prep(Result<MagnitudeView>.Invalid("Recompute", MagnitudeErrors.TooSoon, (int)Math.Ceiling((Cooldown - (now - l)).TotalSeconds)), null, Guid.Empty, [], null);
            }

            var version = star.CurrentModelVersion is { } v
                ? await ctx.StarModelVersions.AsNoTracking().Where(m => m.Id == v).Select(m => m.VersionName).FirstOrDefaultAsync(ct)
                : null;
            var questions = await ctx.AnswerFeedback.AsNoTracking().Where(a => a.StarId == starId)
                .OrderByDescending(a => a.CreatedAt).Select(a => a.Prompt).Take(50).ToListAsync(ct);
            return new Prep(null, new StarPersona(star.Id, star.Name, star.Domain, star.Persona, star.Tone, version), star.OwnerId, questions, star.CurrentModelVersion);
        }, ct);
        if (prepared.Persona is not { } persona)
        {
            return prepared.Refusal ?? Result<MagnitudeView>.NotFound();
        }

        // Probes ask the star as players meet it: with its active version's adapter and served model.
        var active = versions is null ? null : await versions.LoadAsync(db, prepared.Version, ct);
        var (pairs, agreement) = await ProbeAsync(persona, prepared.Owner, prepared.Questions, active, ct);
        var probedAt = clock.GetUtcNow();
        await db.RunAsync(async (ctx, _) =>
        {
            var read = await MagnitudeSignalsQuery.OneAsync(ctx, starId, ct)
                ?? throw new InvalidOperationException("magnitude_signals returned no row for an owned star");
            // A probe run where every answer failed measures the model's availability, not the star: keep the last result.
            var signals = pairs > 0 ? read.Signals with { ProbePairs = pairs, ProbeAgreementMean = agreement } : read.Signals;
            var scores = MagnitudeFormula.Evaluate(signals);
            ctx.MagnitudeHistory.Add(Row(starId, scores, MagnitudeEvidence.ToJson(signals, scores, pairs > 0 ? probedAt : read.ProbedAt), MagnitudeTriggers.OnDemand, probedAt));
            await ctx.SaveChangesAsync(ct);
        }, ct);
        return await GetAsync(starId, ct);
    }

    /// <summary>Asks each probe pair through the engine; the agreement of a pair is the similarity of its two answers.</summary>
    private async Task<(int Pairs, double Agreement)> ProbeAsync(StarPersona persona, Guid owner, IReadOnlyList<string> questions, Chat.ActiveModelVersion? active, CancellationToken ct)
    {
        var sims = new List<double>();
        foreach (var (question, paraphrase) in MagnitudeProbes.Pairs(questions, persona.Domain))
        {
            var a = await AnswerAsync(persona, owner, question, active, ct);
            var b = a is null ? null : await AnswerAsync(persona, owner, paraphrase, active, ct);
            if (a is not null && b is not null)
            {
                sims.Add(TextOverlap.Similarity(a, b));
            }
        }

        return sims.Count == 0 ? (0, 0) : (sims.Count, sims.Average());
    }

    private async Task<string?> AnswerAsync(StarPersona persona, Guid owner, string question, Chat.ActiveModelVersion? active, CancellationToken ct)
    {
        // No conversation: probes are not chat, so they leave no message, trace or rating behind to feed the next evaluation.
        var request = Chat.ActiveModelVersion.Apply(new ChatRequest(persona, [], question, Guid.Empty, owner, Guid.NewGuid()), active);
        await foreach (var e in engine.StreamAsync(request, ct))
        {
            if (e is ChatCompleted done)
            {
                return done.Outcome.Success && done.Outcome.Content.Length > 0 ? done.Outcome.Content : null;
            }
        }

        return null;
    }

    public Task<Result<MagnitudeView>> GetAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId)
                .Select(s => new { s.Name, s.OwnerId, s.IsPublic, s.Status }).FirstOrDefaultAsync(ct);
            var isOwner = star is not null && user.UserId == star.OwnerId;
            if (star is null || (!isOwner && !(star.IsPublic && star.Status == StarStatus.Active) && !user.IsAdmin))
            {
                return Result<MagnitudeView>.NotFound();
            }

            var rows = await ctx.MagnitudeHistory.AsNoTracking().Where(h => h.StarId == starId)
                .OrderByDescending(h => h.EvaluatedAt).ThenByDescending(h => h.Id).Take(HistoryPoints).ToListAsync(ct);
            rows.Reverse();
            var history = rows.Select(h => new MagnitudePoint(h.Id, h.EvaluatedAt, h.Overall, h.Level, h.Trigger)).ToList();
            return Result<MagnitudeView>.Ok(new MagnitudeView(starId, star.Name, rows.Count > 0 ? rows[^1] : null, history, isOwner));
        }, ct);

    public async Task<IReadOnlyDictionary<Guid, MagnitudeLevel>> LevelsAsync(IReadOnlyCollection<Guid> starIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(starIds);
        if (starIds.Count == 0)
        {
            return new Dictionary<Guid, MagnitudeLevel>();
        }

        var ids = starIds.Distinct().ToArray();
        var rows = await db.RunAsync((ctx, _) => ctx.Database.SqlQueryRaw<LevelRow>(
            """
            SELECT DISTINCT ON (star_id) star_id, level::text AS level
            FROM magnitude_history WHERE star_id = ANY (@ids)
            ORDER BY star_id, evaluated_at DESC, id DESC
            """,
            new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids }).ToListAsync(ct), ct);
        return rows.ToDictionary(r => r.StarId, r => Enum.Parse<MagnitudeLevel>(r.Level));
    }

    internal static MagnitudeHistory Row(Guid starId, MagnitudeScores s, string evidence, string trigger, DateTimeOffset at) => new()
    {
        StarId = starId,
        Depth = (decimal)s.Depth.Score,
        Originality = (decimal)s.Originality.Score,
        Consistency = (decimal)s.Consistency.Score,
        Utility = (decimal)s.Utility.Score,
        Overall = (decimal)s.Overall,
        Level = s.Level,
        EvaluatedAt = at,
        Evidence = evidence,
        Trigger = trigger,
    };

    private sealed record LevelRow(Guid StarId, string Level);

    private sealed record Prep(Result<MagnitudeView>? Refusal, StarPersona? Persona, Guid Owner, IReadOnlyList<string> Questions, Guid? Version);
}
