using StarStudio.Core.Common;

namespace StarStudio.Core.Arena.Battles;

/// <summary>
/// Blind battles for players (issue 11 §3), as the current user. Refusals are <see cref="ResultKind.Invalid"/> with a
/// <see cref="BattleErrors"/> key on field <c>Battle</c>; nobody signed in is <see cref="ResultKind.Forbidden"/>; an
/// unknown (or invisible) trial or battle is <see cref="ResultKind.NotFound"/>.
/// </summary>
public interface IBattleService
{
    /// <summary>
    /// The player's pending battle of this trial if there is one, else a new one (the least-compared pair the player may
    /// see); <see cref="NextBattle.Battle"/> is null when no pair is left. Only in the judging phase.
    /// </summary>
    Task<Result<NextBattle>> NextAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>Stores the vote once, reveals who A and B were, and chooses the next battle, in one call.</summary>
    Task<Result<VoteOutcome>> VoteAsync(Guid battleId, BattleOutcome outcome, CancellationToken ct = default);

    /// <summary>The position-bias report over the trial's votes so far; admins only.</summary>
    Task<Result<PositionBiasReport>> BiasAsync(Guid trialId, CancellationToken ct = default);
}

/// <summary>The trial a battle belongs to and the battle itself (null: the player has compared every pair open to them).</summary>
public sealed record NextBattle(Guid TrialId, string Title, string Prompt, BattleView? Battle);

/// <summary>Two anonymous answers: A on the left, B on the right. Nothing in it names a star.</summary>
public sealed record BattleView(Guid BattleId, BattleAnswer A, BattleAnswer B);

/// <summary>One answer's JSON text, or null when its stored object could not be read (the page says so).</summary>
public sealed record BattleAnswer(string? Json);

/// <summary>Who A and B were, after the vote.</summary>
public sealed record BattleReveal(Guid BattleId, BattleOutcome Outcome, RevealedEntry A, RevealedEntry B);

/// <summary>A revealed entry: the star's name when it entered and its owner's display name.</summary>
public sealed record RevealedEntry(string StarName, string OwnerName);

/// <summary>What a vote returns: the reveal and the next battle of the same trial.</summary>
public sealed record VoteOutcome(BattleReveal Revealed, NextBattle Next);

/// <summary>Settings of the battles (section <c>StarStudio:Arena:Battles</c>).</summary>
public sealed class BattleOptions
{
    public const string Section = "StarStudio:Arena:Battles";

    /// <summary>Votes one player may cast per minute, over all trials (counted in PostgreSQL, so it holds across app instances).</summary>
    public int VotesPerMinute { get; set; } = 20;
}

/// <summary>Resource keys of the battle refusals.</summary>
public static class BattleErrors
{
    public const string Field = "Battle";
    public const string NotJudging = "Arena.Battle.NotJudging";
    public const string Finished = "Arena.Battle.Finished";
    public const string OwnStar = "Arena.Battle.OwnStar";
    public const string AlreadyVoted = "Arena.Battle.AlreadyVoted";
    public const string RateLimited = "Arena.Battle.RateLimited";
    public const string Outcome = "Arena.Battle.Outcome";
}
